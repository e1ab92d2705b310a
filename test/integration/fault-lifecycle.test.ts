/**
 * Processes that end and connections that recover:
 * - a worker told to stop while Redis is unreachable closes within its grace period (before,
 *   it hung until a second signal or a watchdog);
 * - `submit --wait` rides out a Redis restart, says it is waiting, and still ends with the batch;
 * - `--wait` says when no worker serves an account the batch needs, and stops with exit 3 on a
 *   batch whose account is not in its config.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForBatch } from '../../src/cli/wait-for-batch.ts';
import { openRevoker } from '../../src/open-revoker.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { textSink } from '../support/cli-run.ts';
import { sectigoOrders } from '../support/exactly-once.ts';
import { eventually, ROOMY_SANDBOX_LIMITS, revokeSslRow, startRig } from '../support/pipeline.ts';
import { type RedisProcess, startRedisServer } from '../support/redis-server.ts';
import { spawnWorker, tail, teardownStack, writeWorkerConfig } from '../support/worker-process.ts';

const teardown = teardownStack();
afterEach(() => teardown.run());

async function privateStack(orders: number, latencyMs: number) {
  const seed = sectigoOrders(orders);
  const sandbox = await startSandbox({
    seedData: { orders: seed },
    rateLimits: ROOMY_SANDBOX_LIMITS,
    latency: { kind: 'uniform', minMs: latencyMs, maxMs: latencyMs * 2 },
  });
  teardown.defer(() => sandbox.close());
  const dir = await mkdtemp(join(tmpdir(), 'revoker-life-'));
  teardown.defer(() => rm(dir, { recursive: true, force: true }));
  const redisDir = join(dir, 'redis');
  await mkdir(redisDir);
  const state: { redis: RedisProcess } = {
    redis: await startRedisServer({ appendOnly: true, dir: redisDir }),
  };
  teardown.defer(() => state.redis.stop());
  const { file, config } = await writeWorkerConfig({
    dir,
    sandbox,
    redisUrl: state.redis.url,
    prefix: `revoker-life-${randomUUID().slice(0, 8)}`,
    concurrency: 4,
  });
  const restart = async () => {
    state.redis = await startRedisServer({ appendOnly: true, dir: redisDir, port: state.redis.port });
  };
  return { sandbox, file, config, state, restart, numbers: seed.map((o) => String(o.orderNumber)) };
}

describe('fault: processes that end and connections that recover', () => {
  it('SIGTERM while Redis is down: the worker closes within its grace period, not at a second signal', async () => {
    const s = await privateStack(200, 200);
    const revoker = await openRevoker(s.config);
    const worker = spawnWorker(s.file, { args: ['--grace-ms', '2000'] });
    teardown.defer(() => worker.kill());
    await worker.ready();
    await revoker.producer.submit(s.numbers.map((n, i) => ({ rowNumber: i + 2, raw: revokeSslRow(n) })));
    await eventually(async () => worker.messages().includes('vendor call'), 'the worker to make calls');
    await revoker.close();

    await s.state.redis.kill();
    worker.signal('SIGTERM');
    const stopped = await worker.exit;
    // "worker stopped" is logged only when close() itself returned: not the watchdog's exit.
    expect(worker.messages(), tail(worker)).toContain(
      'grace period over: cancelling calls in flight and closing now',
    );
    expect(worker.messages(), tail(worker)).toContain('worker stopped');
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('submit --wait rides out a Redis restart and still reports the batch', async () => {
    const s = await privateStack(150, 20);
    const revoker = await openRevoker(s.config);
    teardown.defer(() => revoker.close().catch(() => revoker.redis.disconnect()));
    const worker = spawnWorker(s.file);
    teardown.defer(() => worker.kill());
    await worker.ready();
    const { batchId } = await revoker.producer.submit(
      s.numbers.map((n, i) => ({ rowNumber: i + 2, raw: revokeSslRow(n) })),
    );
    const out = textSink();
    const err = textSink();
    const watching = waitForBatch(revoker, batchId, { out: out.stream, err: err.stream, intervalMs: 200 });
    await eventually(async () => (await revoker.batches.counts(batchId)).revoked >= 20, '20 revoked');

    await s.state.redis.kill();
    await delay(3000);
    await s.restart();

    const result = await watching;
    expect(result.kind, err.text()).toBe('settled');
    expect(result.counts).toMatchObject({ total: 150, revoked: 150 });
    expect(err.text()).toMatch(/Redis is unreachable .*still waiting for batch/);
    expect(err.text()).toMatch(/Redis answers again; still watching batch/);
    expect(worker.running(), tail(worker)).toBe(true);
  }, 90_000);

  it('--wait warns when no worker serves an account, and stops on an account not in its config', async () => {
    const rig = await startRig();
    teardown.defer(() => rig.close());
    const { batchId } = await rig.revoker.producer.submit(rig.rows([revokeSslRow('7800')]));
    const out = textSink();
    const err = textSink();
    const controller = new AbortController();
    const watching = waitForBatch(rig.revoker, batchId, {
      out: out.stream,
      err: err.stream,
      intervalMs: 100,
      noWorkerWarnAfterMs: 300,
      signal: controller.signal,
    });
    await eventually(
      async () => /no worker is serving account sectigo/.test(err.text()),
      'the no-worker warning',
    );
    controller.abort();
    await expect(watching).rejects.toThrow(/stopped watching/);

    // The same batch seen from a config that no longer has the account.
    const { sectigo: _gone, ...rest } = rig.config.accounts;
    const without = await openRevoker({ ...rig.config, accounts: rest });
    teardown.defer(() => without.close());
    const result = await waitForBatch(without, batchId, { out: out.stream, intervalMs: 100 });
    expect(result).toMatchObject({ kind: 'not-configured', account: 'sectigo' });
    const statuses = await without.accountStatus();
    expect(statuses.find((st) => st.account === 'sectigo')).toMatchObject({
      configured: false,
      vendor: '(not configured)',
      counts: { waiting: 1 },
    });
  }, 60_000);
});
