/**
 * revoker's metrics without Redis: the counters the worker events feed, the fleet gauges from a
 * snapshot (one read per scrape), and a scrape that still answers when the fleet cannot be read.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../src/metrics/metric-names.ts';
import { createRevokerMetrics } from '../../../src/metrics/revoker-metrics.ts';
import type { FleetSnapshot } from '../../../src/queue/fleet-snapshot.ts';

const SNAPSHOT: FleetSnapshot = {
  accounts: [
    {
      account: 'acme',
      jobs: { waiting: 7, active: 2, delayed: 1, failed: 0 },
      halted: false,
      rateLimitPerSecond: 5,
    },
    {
      account: 'dc',
      jobs: { waiting: 0, active: 0, delayed: 0, failed: 0 },
      halted: true,
      rateLimitPerSecond: undefined,
    },
  ],
  deadLetterSize: 3,
};

/** `name{labels} value` lines of an exposition, as a map. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    map.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return map;
}

describe('revoker metrics', () => {
  it('exports every metric of METRIC_NAMES, and the process metrics', async () => {
    const metrics = createRevokerMetrics({ fleet: async () => SNAPSHOT });
    const { body, contentType } = await metrics.scrape();
    expect(contentType).toContain('text/plain');
    for (const name of Object.values(METRIC_NAMES)) expect(body).toContain(`# TYPE ${name} `);
    expect(body).toContain('# TYPE process_cpu_seconds_total counter');
    expect(body).toContain(`# TYPE ${METRIC_NAMES.vendorCallDurationSeconds} histogram`);
  });

  it('counts items, vendor calls, latency and rate-limit waits from worker events', async () => {
    const metrics = createRevokerMetrics({ processMetrics: false });
    const record = { outcome: 'revoked' as const, attempts: [] };
    for (let i = 0; i < 3; i++) {
      await metrics.events.itemFinished?.({
        account: 'acme',
        operation: 'sectigo.revokeSSL',
        jobId: `j${i}`,
        batchId: 'b',
        row: i,
        record,
      });
    }
    await metrics.events.itemFinished?.({
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      jobId: 'j9',
      batchId: 'b',
      row: 9,
      record: { outcome: 'dead-lettered', attempts: [] },
    });
    // Told again (the run that wrote the record died before telling): not counted twice.
    await metrics.events.itemFinished?.({
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      jobId: 'j0',
      batchId: 'b',
      row: 0,
      record,
      again: true,
    });
    await metrics.events.vendorCall?.({
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      step: 'call',
      code: '0',
      class: 'done',
      latencyMs: 120,
    });
    await metrics.events.vendorCall?.({
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      step: 'call',
      code: '-42',
      class: 'rate-limited',
      latencyMs: 3000,
    });
    await metrics.events.rateLimited?.({ account: 'acme', code: '-42', waitMs: 1500 });
    const s = samples((await metrics.scrape()).body);
    expect(s.get('revoker_items_total{account="acme",operation="sectigo.revokeSSL",outcome="revoked"}')).toBe(
      3,
    );
    expect(
      s.get('revoker_items_total{account="acme",operation="sectigo.revokeSSL",outcome="dead-lettered"}'),
    ).toBe(1);
    expect(
      s.get(
        'revoker_vendor_calls_total{account="acme",operation="sectigo.revokeSSL",code="-42",class="rate-limited"}',
      ),
    ).toBe(1);
    expect(
      s.get('revoker_vendor_call_duration_seconds_count{account="acme",operation="sectigo.revokeSSL"}'),
    ).toBe(2);
    expect(
      s.get(
        'revoker_vendor_call_duration_seconds_bucket{le="0.25",account="acme",operation="sectigo.revokeSSL"}',
      ),
    ).toBe(1);
    expect(
      s.get('revoker_vendor_call_duration_seconds_sum{account="acme",operation="sectigo.revokeSSL"}'),
    ).toBeCloseTo(3.12);
    expect(s.get('revoker_rate_limited_seconds_total{account="acme"}')).toBe(1.5);
  });

  it('reads the fleet gauges from one snapshot per scrape', async () => {
    let reads = 0;
    const metrics = createRevokerMetrics({
      processMetrics: false,
      fleet: async () => {
        reads++;
        return SNAPSHOT;
      },
    });
    const s = samples((await metrics.scrape()).body);
    expect(reads).toBe(1);
    expect(s.get('revoker_queue_jobs{account="acme",state="waiting"}')).toBe(7);
    expect(s.get('revoker_queue_jobs{account="acme",state="active"}')).toBe(2);
    expect(s.get('revoker_account_halted{account="acme"}')).toBe(0);
    expect(s.get('revoker_account_halted{account="dc"}')).toBe(1);
    expect(s.get('revoker_account_rate_limit_per_second{account="acme"}')).toBe(5);
    expect(s.has('revoker_account_rate_limit_per_second{account="dc"}')).toBe(false);
    expect(s.get('revoker_dead_letter_size')).toBe(3);
  });

  it('answers a scrape without the fleet gauges when the fleet cannot be read, and says why', async () => {
    const errors: unknown[] = [];
    const metrics = createRevokerMetrics({
      processMetrics: false,
      fleet: async () => {
        throw new Error('Redis is away');
      },
      onFleetError: (error) => errors.push(error),
    });
    await metrics.events.rateLimited?.({ account: 'acme', code: '429', waitMs: 1000 });
    const s = samples((await metrics.scrape()).body);
    expect(s.get('revoker_rate_limited_seconds_total{account="acme"}')).toBe(1);
    expect(s.get('revoker_dead_letter_size')).toBeNaN();
    expect([...s.keys()].some((k) => k.startsWith('revoker_queue_jobs'))).toBe(false);
    expect(String(errors[0])).toContain('Redis is away');
  });
});
