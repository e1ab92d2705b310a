/**
 * revoker's Prometheus metrics, on a registry of their own (never prom-client's global one, so
 * two in one process, as in tests, do not collide):
 *
 * - per-process counters fed by the workers' events (worker-events.ts): items per final outcome,
 *   vendor calls per code and class, their latency, the vendor's rate-limit waits;
 * - fleet gauges read from Redis when scraped (jobs per account and state, halted accounts, rate
 *   limits, the dead-letter queue), so any one process, the API or a worker, reports the fleet;
 * - prom-client's default process metrics.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FleetSnapshot } from '../queue/fleet-snapshot.ts';
import type { WorkerEvents } from '../queue/worker-events.ts';
import { METRIC_NAMES } from './metric-names.ts';

export interface RevokerMetricsOptions {
  /** Reads the fleet when scraped; without it the fleet gauges are left out. */
  fleet?: () => Promise<FleetSnapshot>;
  /** Told when reading the fleet failed (the scrape still answers, without the fleet gauges). */
  onFleetError?: (error: unknown) => void;
  /** prom-client's process metrics (CPU, memory, event loop, GC). @defaultValue true */
  processMetrics?: boolean;
}

export interface RevokerMetrics {
  readonly registry: Registry;
  /** Feeds the counters: pass to runWorker({ events }). */
  readonly events: WorkerEvents;
  /** The exposition text of every metric, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Vendor calls take milliseconds to the vendor's 30 s timeouts: buckets from 10 ms to 60 s. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * One scrape reads four gauges; they share one read of the fleet if it is this fresh (a second
 * Prometheus, or a person with curl, may scrape at the same moment too).
 */
const SNAPSHOT_REUSE_MS = 1_000;

export function createRevokerMetrics(options: RevokerMetricsOptions = {}): RevokerMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const items = new Counter({
    name: METRIC_NAMES.itemsTotal,
    help: 'Items that reached a final outcome in this process (revoked, replaced, rehearsed, dead-lettered, …)',
    labelNames: ['account', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const calls = new Counter({
    name: METRIC_NAMES.vendorCallsTotal,
    help: "Vendor calls made by this process, by the vendor's code (or ours) and its outcome class",
    labelNames: ['account', 'operation', 'code', 'class'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: METRIC_NAMES.vendorCallDurationSeconds,
    help: 'How long vendor calls took, from sending to the answer read',
    labelNames: ['account', 'operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: METRIC_NAMES.rateLimitedSecondsTotal,
    help: "Seconds an account was told to wait by the vendor's rate limit (Sectigo -42, HTTP 429)",
    labelNames: ['account'] as const,
    registers: [registry],
  });

  const events: WorkerEvents = {
    vendorCall(e) {
      calls.inc({ account: e.account, operation: e.operation, code: e.code, class: e.class });
      latency.observe({ account: e.account, operation: e.operation }, e.latencyMs / 1000);
    },
    itemFinished(e) {
      // Told again after a crash: most likely counted by the run that wrote the record.
      if (e.again) return;
      items.inc({ account: e.account, operation: e.operation, outcome: e.record.outcome });
    },
    rateLimited(e) {
      rateLimited.inc({ account: e.account }, e.waitMs / 1000);
    },
  };

  if (options.fleet) registerFleetGauges(registry, options.fleet, options.onFleetError);

  return {
    registry,
    events,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

function registerFleetGauges(
  registry: Registry,
  read: () => Promise<FleetSnapshot>,
  onError: ((error: unknown) => void) | undefined,
): void {
  let last: { at: number; snapshot: Promise<FleetSnapshot | undefined> } | undefined;
  const snapshot = (): Promise<FleetSnapshot | undefined> => {
    const now = Date.now();
    if (last === undefined || now - last.at > SNAPSHOT_REUSE_MS) {
      last = {
        at: now,
        // A Redis that does not answer costs the fleet gauges (left out; the dead-letter size is
        // NaN), never the scrape: the process metrics and counters are still worth having.
        snapshot: read().catch((error: unknown) => {
          onError?.(error);
          return undefined;
        }),
      };
    }
    return last.snapshot;
  };

  new Gauge({
    name: METRIC_NAMES.queueJobs,
    help: "Jobs in each account's queue by state (waiting includes prioritized), read from Redis when scraped",
    labelNames: ['account', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const account of (await snapshot())?.accounts ?? []) {
        for (const [state, count] of Object.entries(account.jobs)) {
          this.set({ account: account.account, state }, count);
        }
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.accountHalted,
    help: 'Whether the account is halted (1) or not (0), read from Redis when scraped',
    labelNames: ['account'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const account of (await snapshot())?.accounts ?? []) {
        this.set({ account: account.account }, account.halted ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.accountRateLimitPerSecond,
    help: 'The rate limit the whole fleet obeys for the account, in calls per second',
    labelNames: ['account'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const account of (await snapshot())?.accounts ?? []) {
        if (account.rateLimitPerSecond !== undefined) {
          this.set({ account: account.account }, account.rateLimitPerSecond);
        }
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.deadLetterSize,
    help: 'Entries in the dead-letter queue, read from Redis when scraped',
    registers: [registry],
    async collect() {
      // A gauge without labels always has a value: NaN says "unknown" where 0 would say "empty".
      this.set((await snapshot())?.deadLetterSize ?? Number.NaN);
    },
  });
}
