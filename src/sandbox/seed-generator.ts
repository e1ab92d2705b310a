/**
 * Generates seed data: N orders with a known mix of states (mostly issued), with order numbers,
 * certificate ids and serials drawn from a seeded PRNG, so a test or the demo that calls this
 * with the same options knows exactly which order is in which state and can build its input
 * file from the result. The vendor-docs sample orders are added too, so the docs' curl
 * samples replay against a default sandbox.
 */
import { defaultAccounts, type SandboxAccounts } from './accounts.ts';
import { ORDER_STATES, type OrderState, type SandboxVendor } from './order-state.ts';
import { createPrng, type Prng } from './prng.ts';
import { DEFAULT_ISSUING_CALLS, type SandboxSeed, type SeedOrder } from './seed.ts';

/** Share of each state among generated orders; what is left over is issued. */
export const DEFAULT_STATE_MIX: Readonly<Record<OrderState, number>> = {
  issued: 0.8,
  'being-issued': 0.05,
  pending: 0.03,
  revoked: 0.04,
  rejected: 0.02,
  'not-revocable': 0.03,
  expired: 0.03,
  'marked-replaced': 0,
};

/** States with no DigiCert wire form: their share of DigiCert orders goes to issued. */
const SECTIGO_ONLY_STATES: ReadonlySet<OrderState> = new Set(['being-issued', 'pending']);

/** Products of generated Sectigo orders, by share (informational: which operation fits). */
const SECTIGO_PRODUCTS: readonly [string, number][] = [
  ['ssl', 0.8],
  ['pac', 0.1],
  ['smime', 0.1],
];

export interface GenerateSeedOptions {
  /** How many orders to generate, over both vendors. */
  orders: number;
  /** PRNG seed: the same seed gives the same orders. Default 1. */
  seed?: number;
  /** Share of the orders that are Sectigo's (the rest DigiCert's). Default 0.5. */
  sectigoShare?: number;
  /** State shares, replacing the defaults key by key; issued takes what is left. */
  mix?: Partial<Record<OrderState, number>>;
  /** The being-issued countdown of generated orders. Default 2. */
  issuingCalls?: number;
  /** Default: the demo and vendor-docs accounts (accounts.ts). */
  accounts?: SandboxAccounts;
  /** Sectigo login that owns the generated Sectigo orders. Default: the first Sectigo account. */
  sectigoAccount?: string;
  /** DigiCert account that owns the generated DigiCert orders. Default: the first DigiCert account. */
  digicertAccount?: string;
  /** Add the vendor-docs sample orders (123456 and 1234567). Default true. */
  docSamples?: boolean;
}

/** The vendor-docs curl samples' order numbers and owners. */
export const DOC_SAMPLE_ORDERS: readonly SeedOrder[] = [
  // !AutoRevokeCertificate sample: orderNumber=123456 with yourLoginName / yourPassword.
  sampleOrder('123456', 'yourLoginName', 'ssl'),
  // !AutoReplaceSMIME sample: orderNumber=1234567 with login_name / login_password.
  sampleOrder('1234567', 'login_name', 'smime'),
];

export function generateSeed(options: GenerateSeedOptions): SandboxSeed {
  const accounts = options.accounts ?? defaultAccounts();
  const prng = createPrng(options.seed ?? 1);
  const total = Math.max(0, Math.floor(options.orders));
  const sectigoCount = Math.round(total * clamp01(options.sectigoShare ?? 0.5));
  const mix = { ...DEFAULT_STATE_MIX, ...options.mix };
  const issuingCalls = options.issuingCalls ?? DEFAULT_ISSUING_CALLS;

  const sectigoAccount = options.sectigoAccount ?? accounts.sectigo[0]?.loginName;
  const digicertAccount = options.digicertAccount ?? accounts.digicert[0]?.name;
  if (sectigoCount > 0 && sectigoAccount === undefined)
    throw new Error('no Sectigo account to own the orders');
  if (total - sectigoCount > 0 && digicertAccount === undefined) {
    throw new Error('no DigiCert account to own the orders');
  }

  const used = new Set<string>(DOC_SAMPLE_ORDERS.map((o) => `${o.vendor}:${o.orderNumber}`));
  const orders: SeedOrder[] = options.docSamples === false ? [] : DOC_SAMPLE_ORDERS.map((o) => ({ ...o }));
  const batches: [SandboxVendor, number, string | undefined][] = [
    ['sectigo', sectigoCount, sectigoAccount],
    ['digicert', total - sectigoCount, digicertAccount],
  ];
  for (const [vendor, count, account] of batches) {
    if (count === 0 || account === undefined) continue;
    for (const state of statesFor(vendor, count, mix, prng)) {
      const order: SeedOrder = {
        vendor,
        account,
        orderNumber: uniqueNumber(prng, used, vendor, vendor === 'sectigo' ? 10_000_000 : 1_000_000, 8),
        certificateID: uniqueNumber(prng, used, `${vendor}-cid`, 1_000_000_000, 10),
        serialNumber: uniqueSerial(prng, used, vendor),
        product: vendor === 'sectigo' ? pickWeighted(prng, SECTIGO_PRODUCTS) : 'ssl_basic',
        state,
        faults: [],
        latencyMs: 0,
        certificates: [],
      };
      if (state === 'being-issued') order.issuingCalls = issuingCalls;
      orders.push(order);
    }
  }
  return { accounts, orders, compromisedKeys: [] };
}

/** Exact counts per state (rounded, rest issued), in a seeded shuffled order. */
function statesFor(
  vendor: SandboxVendor,
  count: number,
  mix: Record<OrderState, number>,
  prng: Prng,
): OrderState[] {
  const states: OrderState[] = [];
  for (const state of ORDER_STATES) {
    if (state === 'issued') continue;
    if (vendor === 'digicert' && SECTIGO_ONLY_STATES.has(state)) continue;
    const n = Math.min(count - states.length, Math.round(count * clamp01(mix[state] ?? 0)));
    for (let i = 0; i < n; i++) states.push(state);
  }
  while (states.length < count) states.push('issued');
  return prng.shuffle(states);
}

function uniqueNumber(prng: Prng, used: Set<string>, space: string, min: number, digits: number): string {
  const max = 10 ** digits - 1;
  for (;;) {
    const value = String(prng.int(min, max));
    if (!used.has(`${space}:${value}`)) {
      used.add(`${space}:${value}`);
      return value;
    }
  }
}

function uniqueSerial(prng: Prng, used: Set<string>, vendor: SandboxVendor): string {
  for (;;) {
    // 16 bytes with the top bit clear and a non-zero first nibble: a positive serial with no leading zeros.
    const serial = `${prng.int(1, 7).toString(16)}${prng.hex(15)}${prng.int(0, 15).toString(16)}`;
    if (!used.has(`${vendor}-serial:${serial}`)) {
      used.add(`${vendor}-serial:${serial}`);
      return serial;
    }
  }
}

function pickWeighted(prng: Prng, choices: readonly [string, number][]): string {
  let r = prng.next();
  for (const [value, weight] of choices) {
    if (r < weight) return value;
    r -= weight;
  }
  return (choices[0] as [string, number])[0];
}

function sampleOrder(orderNumber: string, account: string, product: string): SeedOrder {
  return {
    vendor: 'sectigo',
    account,
    orderNumber,
    product,
    state: 'issued',
    faults: [],
    latencyMs: 0,
    certificates: [],
  };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
