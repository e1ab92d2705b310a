/**
 * Everything a sandbox route needs, in one place: accounts, the order store, accounting, the
 * fault controller, each account's rate limiter and the clock. Built once per sandbox.
 */
import { type Accounting, accountKey, createAccounting } from './accounting.ts';
import type { DigicertAccount, SandboxAccounts, SectigoAccount } from './accounts.ts';
import type { FaultController } from './fault-controller.ts';
import type { SandboxVendor } from './order-state.ts';
import { createOrderStore, type OrderStore } from './order-store.ts';
import { createRateLimiter, type RateLimit, type RateLimiter } from './rate-limiter.ts';
import type { SandboxSeed } from './seed.ts';

export interface SandboxContext {
  readonly accounts: SandboxAccounts;
  readonly store: OrderStore;
  readonly accounting: Accounting;
  readonly faults: FaultController;
  /** SHA-256 hex of SPKI DER of keys AutoReplaceSMIME refuses (-40). */
  readonly compromisedKeys: ReadonlySet<string>;
  /** Vendor behaviours the docs leave open, played on request (variants.ts); the control route changes them. */
  readonly variants: Set<string>;
  now(): number;
  /** Waits `ms`; resolves early (never rejects) when the sandbox closes. */
  sleep(ms: number): Promise<void>;
  limiterOf(vendor: SandboxVendor, account: string): RateLimiter | undefined;
  sectigoByLogin(loginName: string): SectigoAccount | undefined;
  sectigoBySession(sessionID: string): SectigoAccount | undefined;
  digicertByKey(apiKey: string): DigicertAccount | undefined;
}

export interface ContextInit {
  seed: SandboxSeed;
  accounts: SandboxAccounts;
  faults: FaultController;
  prngSeed: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  variants?: readonly string[];
}

export function createContext(init: ContextInit): SandboxContext {
  const { accounts } = init;
  const sectigoLogins = new Map(accounts.sectigo.map((a) => [a.loginName, a]));
  const sessions = new Map(accounts.sectigo.flatMap((a) => a.saspSessionIDs.map((id) => [id, a] as const)));
  const digicertKeys = new Map(accounts.digicert.map((a) => [a.apiKey, a]));
  const digicertNames = new Set(accounts.digicert.map((a) => a.name));

  for (const order of init.seed.orders) {
    const known =
      order.vendor === 'sectigo' ? sectigoLogins.has(order.account) : digicertNames.has(order.account);
    if (!known)
      throw new Error(`order ${order.vendor}:${order.orderNumber} names unknown account "${order.account}"`);
  }

  const limiters = new Map<string, RateLimiter>();
  const addLimiter = (vendor: SandboxVendor, name: string, limits: readonly RateLimit[]) =>
    limiters.set(accountKey(vendor, name), createRateLimiter(limits));
  for (const a of accounts.sectigo) addLimiter('sectigo', a.loginName, a.rateLimits);
  for (const a of accounts.digicert) addLimiter('digicert', a.name, a.rateLimits);

  return {
    accounts,
    store: createOrderStore(init.seed.orders, { seed: init.prngSeed, now: init.now }),
    accounting: createAccounting(init.now),
    faults: init.faults,
    compromisedKeys: new Set(init.seed.compromisedKeys.map((k) => k.toLowerCase())),
    variants: new Set(init.variants ?? []),
    now: init.now,
    sleep: init.sleep,
    limiterOf: (vendor, account) => limiters.get(accountKey(vendor, account)),
    sectigoByLogin: (loginName) => sectigoLogins.get(loginName),
    sectigoBySession: (id) => sessions.get(id),
    digicertByKey: (apiKey) => digicertKeys.get(apiKey),
  };
}
