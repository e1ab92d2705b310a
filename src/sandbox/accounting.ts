/**
 * Request accounting: every vendor request counted per account in sliding windows (the busiest
 * second, the busiest window of each of the account's own limits), requests that came over the
 * limit, answers per code, and calls per order. Reset by `POST /_sandbox/reset-stats`; order
 * states and their revoke counts live in the store and are not reset.
 */
import type { SandboxVendor } from './order-state.ts';
import type { RateLimit } from './rate-limiter.ts';
import { createSlidingWindow, type SlidingWindow } from './sliding-window.ts';

/** Stands for requests whose credentials name no known account. */
export const UNKNOWN_ACCOUNT = '(unknown)';

export interface WindowStats {
  max: number;
  durationMs: number;
  /** Most requests that arrived in any window of `durationMs` (over-limit ones included). */
  peak: number;
}

export interface AccountStats {
  vendor: SandboxVendor;
  account: string;
  /** Every request that named this account (over-limit ones included). */
  requests: number;
  /** Requests answered -42 / 429 because the account was over its limit. */
  overLimit: number;
  /** Most requests that arrived in any 1-second window. */
  peakPerSecond: number;
  /** One entry per rate limit of the account. */
  windows: WindowStats[];
  /** Answers by code: Sectigo `0`, `-21`…; DigiCert `201`, `404 not_found|order`…; faults `fault:reset`… */
  codes: Record<string, number>;
}

export interface OrderCallStats {
  calls: number;
  codes: Record<string, number>;
}

export interface AccountingSnapshot {
  since: string;
  totalRequests: number;
  overLimit: number;
  accounts: Record<string, AccountStats>;
  codes: Record<SandboxVendor, Record<string, number>>;
  orderCalls: Record<string, OrderCallStats>;
}

export interface Accounting {
  /** One request arrived for `account` (undefined: unknown credentials). */
  arrival(vendor: SandboxVendor, account: string | undefined, limits: readonly RateLimit[]): void;
  overLimit(vendor: SandboxVendor, account: string | undefined): void;
  /** The answer a request got; `orderNumber` when it was about a known order. */
  answer(vendor: SandboxVendor, account: string | undefined, code: string, orderNumber?: string): void;
  snapshot(): AccountingSnapshot;
  reset(): void;
}

interface AccountCounters {
  stats: AccountStats;
  second: SlidingWindow;
  windows: { limit: RateLimit; window: SlidingWindow }[];
}

export function accountKey(vendor: SandboxVendor, account: string | undefined): string {
  return `${vendor}:${account ?? UNKNOWN_ACCOUNT}`;
}

export function createAccounting(now: () => number = Date.now): Accounting {
  let since = now();
  let totalRequests = 0;
  let overLimitTotal = 0;
  let accounts = new Map<string, AccountCounters>();
  let codes: Record<SandboxVendor, Record<string, number>> = { sectigo: {}, digicert: {} };
  let orderCalls = new Map<string, OrderCallStats>();

  const countersOf = (
    vendor: SandboxVendor,
    account: string | undefined,
    limits: readonly RateLimit[] = [],
  ): AccountCounters => {
    const key = accountKey(vendor, account);
    let counters = accounts.get(key);
    if (!counters) {
      counters = {
        stats: {
          vendor,
          account: account ?? UNKNOWN_ACCOUNT,
          requests: 0,
          overLimit: 0,
          peakPerSecond: 0,
          windows: [],
          codes: {},
        },
        second: createSlidingWindow(1000),
        windows: limits.map((limit) => ({ limit, window: createSlidingWindow(limit.durationMs) })),
      };
      accounts.set(key, counters);
    }
    return counters;
  };

  return {
    arrival(vendor, account, limits) {
      const t = now();
      const counters = countersOf(vendor, account, limits);
      totalRequests++;
      counters.stats.requests++;
      counters.second.record(t);
      for (const { window } of counters.windows) window.record(t);
    },
    overLimit(vendor, account) {
      overLimitTotal++;
      countersOf(vendor, account).stats.overLimit++;
    },
    answer(vendor, account, code, orderNumber) {
      bump(codes[vendor], code);
      bump(countersOf(vendor, account).stats.codes, code);
      if (orderNumber !== undefined) {
        const key = `${vendor}:${orderNumber}`;
        const calls = orderCalls.get(key) ?? { calls: 0, codes: {} };
        calls.calls++;
        bump(calls.codes, code);
        orderCalls.set(key, calls);
      }
    },
    snapshot() {
      const accountStats: Record<string, AccountStats> = {};
      for (const [key, counters] of accounts) {
        accountStats[key] = {
          ...counters.stats,
          codes: { ...counters.stats.codes },
          peakPerSecond: counters.second.peak,
          windows: counters.windows.map(({ limit, window }) => ({
            max: limit.max,
            durationMs: limit.durationMs,
            peak: window.peak,
          })),
        };
      }
      return {
        since: new Date(since).toISOString(),
        totalRequests,
        overLimit: overLimitTotal,
        accounts: accountStats,
        codes: structuredClone(codes),
        orderCalls: Object.fromEntries([...orderCalls].map(([k, v]) => [k, structuredClone(v)])),
      };
    },
    reset() {
      since = now();
      totalRequests = 0;
      overLimitTotal = 0;
      accounts = new Map();
      codes = { sectigo: {}, digicert: {} };
      orderCalls = new Map();
    },
  };
}

function bump(counts: Record<string, number>, code: string): void {
  counts[code] = (counts[code] ?? 0) + 1;
}
