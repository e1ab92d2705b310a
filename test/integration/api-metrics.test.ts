/**
 * Metrics after a batch: a worker's counters (its --metrics-port endpoint, fed by the worker
 * events) match the batch report's counts per outcome and the vendor calls the sandbox counted
 * on its own; `revoker serve`'s /metrics (read scope) reports the fleet read from Redis: the
 * dead-letter queue, the queues, halts and the limit. /healthz follows the workers' state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerMetrics, type WorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import {
  eventually,
  ROOMY_SANDBOX_LIMITS,
  sectigoOrder,
  silentLogger,
  waitForFinal,
} from '../support/pipeline.ts';

let api: ApiRig;
let workerMetrics: WorkerMetrics;
beforeAll(async () => {
  api = await startApiRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: {
        orders: [
          ...['4601', '4602', '4603', '4604'].map((n) => sectigoOrder(n)),
          sectigoOrder('4605', { state: 'revoked' }),
        ],
      },
    },
  });
  workerMetrics = await startWorkerMetrics({
    config: api.rig.config,
    env: {},
    port: 0,
    logger: silentLogger(),
  });
});
afterAll(async () => {
  await workerMetrics?.close();
  await api?.close();
});

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

function sum(map: Map<string, number>, prefix: string, labelMatch = ''): number {
  let total = 0;
  for (const [key, value] of map)
    if (key.startsWith(`${prefix}{`) && key.includes(labelMatch)) total += value;
  return total;
}

describe('metrics', () => {
  it("counts a worker's items and calls as the report and the sandbox do; serve reports the fleet", async () => {
    const health = async () => fetch(`${workerMetrics.url}/healthz`);
    expect((await health()).status).toBe(503);
    await api.rig.startWorker({ events: workerMetrics.events });
    workerMetrics.started();
    expect(await (await health()).json()).toEqual({ status: 'ok' });

    const rows = [
      ...['4601', '4602', '4603'].map((n) => ({
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        orderNumber: n,
      })),
      { account: 'sectigo', operation: 'sectigo.revokeSSL', orderNumber: '4604', test: 'Y' },
      { account: 'sectigo', operation: 'sectigo.revokeSSL', orderNumber: '4605' },
    ];
    const posted = await api.call('POST', '/v1/batches?batchId=api-metrics-1', {
      token: TOKENS.submit,
      headers: { 'content-type': 'application/x-ndjson' },
      body: rows.map((r) => JSON.stringify(r)).join('\n'),
    });
    expect(posted.status).toBe(202);
    await waitForFinal(api.rig.revoker, 'api-metrics-1');
    const counts = (await api.call('GET', '/v1/batches/api-metrics-1', { token: TOKENS.read })).json<{
      counts: Record<string, number>;
    }>().counts;
    expect(counts).toMatchObject({ total: 5, revoked: 3, rehearsed: 1, 'dead-lettered': 1 });

    // The worker's own counters: told after each record is written, so they may trail it a moment.
    let worker = new Map<string, number>();
    await eventually(async () => {
      worker = samples(await (await fetch(`${workerMetrics.url}/metrics`)).text());
      return sum(worker, 'revoker_items_total') === counts.total;
    }, 'the worker counted every item');
    for (const outcome of ['revoked', 'rehearsed', 'dead-lettered', 'replaced']) {
      expect(sum(worker, 'revoker_items_total', `outcome="${outcome}"`), outcome).toBe(counts[outcome]);
    }
    // Every vendor call, counted by the worker and (independently) by the sandbox.
    const calls = sum(worker, 'revoker_vendor_calls_total');
    expect(calls).toBe(api.rig.sandbox.stats().totalRequests);
    expect(sum(worker, 'revoker_vendor_calls_total', 'code="-21",class="permanent"')).toBe(1);
    expect(sum(worker, 'revoker_vendor_call_duration_seconds_count')).toBe(calls);
    expect(worker.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // serve's /metrics: the fleet as Redis holds it.
    expect((await api.call('GET', '/metrics')).status).toBe(401);
    const scraped = await api.call('GET', '/metrics', { token: TOKENS.read });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const fleet = samples(scraped.text);
    expect(fleet.get('revoker_dead_letter_size')).toBe(1);
    expect(fleet.get('revoker_queue_jobs{account="sectigo",state="waiting"}')).toBe(0);
    expect(fleet.get('revoker_queue_jobs{account="sectigo",state="active"}')).toBe(0);
    expect(fleet.get('revoker_account_halted{account="sectigo"}')).toBe(0);
    expect(fleet.get('revoker_account_rate_limit_per_second{account="sectigo"}')).toBe(1000);
    // The worker process reports the same fleet.
    expect(worker.get('revoker_dead_letter_size')).toBe(1);

    workerMetrics.stopping();
    const stopping = await health();
    expect(stopping.status).toBe(503);
    expect(await stopping.json()).toMatchObject({ status: 'unhealthy', reason: 'workers stopping' });
  });
});
