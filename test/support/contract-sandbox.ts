/**
 * Shared set-up for the contract tests (test/integration/contract-*.test.ts): our vendor client
 * layer (src/vendors/) against the vendor sandbox (src/sandbox/) over real HTTPS.
 *
 * One sandbox per test file, with the accounts below and the file's own orders; transports made
 * with createHttpClient trusting the sandbox's CA file, exactly as a configured account would;
 * and `expectOutcome`, which checks an Outcome whole (any field we did not expect fails).
 */
import { request } from 'undici';
import { expect } from 'vitest';
import type { SandboxAccountsInput } from '../../src/sandbox/accounts.ts';
import type { RateLimit } from '../../src/sandbox/rate-limiter.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';
import { createHttpClient, type HttpClientOptions } from '../../src/vendors/http-client.ts';
import type { DigicertAccount, SectigoAccount, SectigoCredentials } from '../../src/vendors/operation.ts';
import type { Outcome } from '../../src/vendors/outcome.ts';
import type { Transport, TransportResponse } from '../../src/vendors/transport.ts';

/** Room for every call a file makes: only the `limited` accounts ever see a limit. */
export const ROOMY: RateLimit[] = [{ max: 10_000, durationMs: 1000 }];
/** One call a minute: the first is admitted, the next is refused (-42 / 429). */
export const ONE_A_MINUTE: RateLimit[] = [{ max: 1, durationMs: 60_000 }];

export const SECTIGO_LOGINS = {
  acme: { loginName: 'acme', loginPassword: 'acme-secret-pw' },
  other: { loginName: 'other', loginPassword: 'other-secret-pw' },
  poor: { loginName: 'poor', loginPassword: 'poor-secret-pw' },
  limited: { loginName: 'limited', loginPassword: 'limited-secret-pw' },
} as const;
export const ACME_SASP = 'SASPACME0001';

export const DIGICERT_KEYS = {
  admin: 'contract-admin-key',
  user: 'contract-user-key',
  limitedNoHeader: 'contract-limited-key',
  limitedSeconds: 'contract-limited-seconds-key',
  limitedWindow: 'contract-limited-window-key',
} as const;

/** The sandbox accounts every contract file starts with. */
export const CONTRACT_ACCOUNTS = {
  sectigo: [
    { ...SECTIGO_LOGINS.acme, saspSessionIDs: [ACME_SASP], rateLimits: ROOMY },
    { ...SECTIGO_LOGINS.other, rateLimits: ROOMY },
    { ...SECTIGO_LOGINS.poor, credit: false, rateLimits: ROOMY },
    { ...SECTIGO_LOGINS.limited, rateLimits: ONE_A_MINUTE },
  ],
  digicert: [
    { name: 'dc-admin', apiKey: DIGICERT_KEYS.admin, admin: true, rateLimits: ROOMY },
    { name: 'dc-user', apiKey: DIGICERT_KEYS.user, admin: false, rateLimits: ROOMY },
    { name: 'dc-limited', apiKey: DIGICERT_KEYS.limitedNoHeader, admin: true, rateLimits: ONE_A_MINUTE },
    {
      name: 'dc-limited-seconds',
      apiKey: DIGICERT_KEYS.limitedSeconds,
      admin: true,
      rateLimits: ONE_A_MINUTE,
      retryAfter: 7,
    },
    {
      name: 'dc-limited-window',
      apiKey: DIGICERT_KEYS.limitedWindow,
      admin: true,
      rateLimits: ONE_A_MINUTE,
      retryAfter: 'window' as const,
    },
  ],
};

/** A Sectigo order of `acme` unless `extra.account` says otherwise. */
export function sectigoOrder(
  orderNumber: string,
  state: SeedOrderInput['state'],
  extra: Partial<SeedOrderInput> = {},
): SeedOrderInput {
  return { vendor: 'sectigo', account: 'acme', orderNumber, state, ...extra };
}

/** A DigiCert order of `dc-admin` unless `extra.account` says otherwise. */
export function digicertOrder(
  orderNumber: string,
  state: SeedOrderInput['state'],
  extra: Partial<SeedOrderInput> = {},
): SeedOrderInput {
  return { vendor: 'digicert', account: 'dc-admin', orderNumber, state, ...extra };
}

/** The account's wait after -42 / a 429 without Retry-After: distinctive, so a test sees where it came from. */
export const DEFAULT_WAIT_MS = 45_000;
/** headersTimeoutMs of the transport used against a `hang` fault. */
export const SHORT_HEADERS_TIMEOUT_MS = 300;

export interface ContractSandbox {
  readonly sandbox: Sandbox;
  /** Sectigo transport (base `…/products/`), default timeouts. */
  readonly sectigoTransport: Transport;
  /** Sectigo transport with a short headers timeout, for `hang`. */
  readonly sectigoShortTransport: Transport;
  readonly digicertTransport: Transport;
  readonly digicertShortTransport: Transport;
  /** A SectigoAccount on the sandbox; `acme` by default. */
  sectigo(overrides?: Partial<SectigoAccount>): SectigoAccount;
  /** A DigicertAccount on the sandbox; the admin key by default. */
  digicert(overrides?: Partial<DigicertAccount>): DigicertAccount;
  /** A transport of our own client to the sandbox, closed with the rest. */
  transport(options?: Partial<HttpClientOptions>): Transport;
  state(vendor: 'sectigo' | 'digicert', orderNumber: string): string | undefined;
  close(): Promise<void>;
}

export async function startContractSandbox(
  orders: SeedOrderInput[],
  options: Omit<SandboxOptions, 'seedData'> & {
    compromisedKeys?: string[];
    /** The sandbox's accounts; CONTRACT_ACCOUNTS by default, `defaults` for the sandbox's own. */
    accounts?: SandboxAccountsInput | 'defaults';
  } = {},
): Promise<ContractSandbox> {
  const { compromisedKeys, accounts, ...rest } = options;
  const sandbox = await startSandbox({
    ...rest,
    seedData: {
      ...(accounts === 'defaults' ? {} : { accounts: accounts ?? CONTRACT_ACCOUNTS }),
      orders,
      compromisedKeys: compromisedKeys ?? [],
    },
  });
  const transports: Transport[] = [];
  const transport = (base: string, extra: Partial<HttpClientOptions> = {}): Transport => {
    const t = createHttpClient({ baseUrl: base, caFile: sandbox.caFile, ...extra });
    transports.push(t);
    return t;
  };
  const sectigoTransport = transport(sandbox.sectigoBaseUrl);
  const sectigoShortTransport = transport(sandbox.sectigoBaseUrl, {
    headersTimeoutMs: SHORT_HEADERS_TIMEOUT_MS,
  });
  const digicertTransport = transport(sandbox.digicertBaseUrl);
  const digicertShortTransport = transport(sandbox.digicertBaseUrl, {
    headersTimeoutMs: SHORT_HEADERS_TIMEOUT_MS,
  });
  return {
    sandbox,
    sectigoTransport,
    sectigoShortTransport,
    digicertTransport,
    digicertShortTransport,
    sectigo: (overrides = {}) => ({
      vendor: 'sectigo',
      transport: sectigoTransport,
      credentials: { ...SECTIGO_LOGINS.acme } as SectigoCredentials,
      rehearsal: false,
      defaultRateLimitWaitMs: DEFAULT_WAIT_MS,
      ...overrides,
    }),
    digicert: (overrides = {}) => ({
      vendor: 'digicert',
      transport: digicertTransport,
      apiKey: DIGICERT_KEYS.admin,
      skipApproval: false,
      defaultRateLimitWaitMs: DEFAULT_WAIT_MS,
      ...overrides,
    }),
    transport: (options = {}) => transport(options.baseUrl ?? sandbox.sectigoBaseUrl, options),
    state: (vendor, orderNumber) => sandbox.state.find(vendor, orderNumber)?.state,
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
      await sandbox.close();
    },
  };
}

/**
 * Checks the whole Outcome: `learned` defaults to {}, `mayHaveTakenEffect` to false, the latency
 * to any number; every other field present on the Outcome must be expected (toStrictEqual).
 */
export function expectOutcome(
  actual: Outcome,
  expected: Partial<Record<keyof Outcome, unknown>> & Pick<Outcome, 'class' | 'vendor'>,
): void {
  expect(actual).toStrictEqual({
    learned: {},
    mayHaveTakenEffect: false,
    latencyMs: expect.any(Number),
    ...expected,
  });
}

/** POSTs a form over plain HTTP (our client cannot: it refuses http://) and returns the answer as a TransportResponse. */
export async function rawPlainPost(url: string, form: URLSearchParams): Promise<TransportResponse> {
  const res = await request(url, {
    method: 'POST',
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return toTransportResponse(res.statusCode, res.headers, await res.body.text());
}

/** PUTs JSON over plain HTTP (DigiCert's plain listener redirects). */
export async function rawPlainPut(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<TransportResponse> {
  const res = await request(url, { method: 'PUT', body, headers });
  return toTransportResponse(res.statusCode, res.headers, await res.body.text());
}

function toTransportResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): TransportResponse {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { kind: 'response', status, headers: flat, body, latencyMs: 0 };
}

/** A form-encoded request to a Sectigo endpoint through our transport, as callSectigo sends it. */
export function formRequest(path: string, form: URLSearchParams, method: 'GET' | 'POST' = 'POST') {
  return {
    method,
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: form.toString() } : {}),
  } as const;
}

/**
 * What every Sectigo endpoint answers to the sandbox's network faults: the same Outcome shapes,
 * whichever endpoint met them (src/vendors/sectigo/call.ts maps them once for all).
 */
export const SECTIGO_FAULT_OUTCOMES = {
  reset: {
    class: 'transient',
    vendor: 'sectigo',
    code: 'CA_ERR_RESET',
    message: expect.any(String),
    mayHaveTakenEffect: true,
  },
  garbage: {
    class: 'transient',
    vendor: 'sectigo',
    code: 'CA_ERR_RESPONSE',
    message: expect.stringMatching(/^unreadable answer \(HTTP 200\): /),
    httpStatus: 200,
    mayHaveTakenEffect: true,
    rawExcerpt: expect.any(String),
  },
  timeout: {
    class: 'transient',
    vendor: 'sectigo',
    code: 'CA_ERR_TIMEOUT',
    message: expect.stringMatching(/timeout/i),
    mayHaveTakenEffect: true,
  },
  /** An HTML 5xx page: its code carries the status the sandbox drew. */
  serverError: (httpStatus: number | undefined) =>
    ({
      class: 'transient',
      vendor: 'sectigo',
      code: `http-${httpStatus}`,
      message: expect.stringMatching(/^HTTP 50\d with no readable Sectigo code/),
      httpStatus,
      mayHaveTakenEffect: true,
      rawExcerpt: expect.stringContaining('<html>'),
    }) as const,
} as const;
