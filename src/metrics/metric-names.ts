/**
 * The names of every metric revoker exports (besides prom-client's default process metrics), in
 * one place: the registry defines them from here, and the Grafana dashboard's test checks that
 * every query names one of them.
 */
export const METRIC_NAMES = {
  /** Counter {account, operation, outcome}: items that reached a final outcome in this process. */
  itemsTotal: 'revoker_items_total',
  /** Counter {account, operation, code, class}: vendor calls made by this process. */
  vendorCallsTotal: 'revoker_vendor_calls_total',
  /** Histogram {account, operation}: how long each vendor call took. */
  vendorCallDurationSeconds: 'revoker_vendor_call_duration_seconds',
  /** Counter {account}: seconds the account was told to wait by the vendor's rate limit (-42, 429). */
  rateLimitedSecondsTotal: 'revoker_rate_limited_seconds_total',
  /** Gauge {account, state}: jobs in the account's queue, read from Redis at scrape time (the fleet's). */
  queueJobs: 'revoker_queue_jobs',
  /** Gauge {account}: 1 while the account is halted, read from Redis at scrape time. */
  accountHalted: 'revoker_account_halted',
  /** Gauge {account}: the rate limit the whole fleet obeys, in calls per second. */
  accountRateLimitPerSecond: 'revoker_account_rate_limit_per_second',
  /** Gauge: entries in the dead-letter queue, read from Redis at scrape time. */
  deadLetterSize: 'revoker_dead_letter_size',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

/** Prefix of prom-client's default process metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, …). */
export const PROCESS_METRIC_PREFIXES = ['process_', 'nodejs_'] as const;
