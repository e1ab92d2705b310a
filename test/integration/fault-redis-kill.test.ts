/**
 * Redis itself crashes (SIGKILL) mid-batch and comes back a second later from its append-only
 * file. The worker process reconnects on its own and the batch ends with every item revoked
 * exactly once: no job lost with the crash, no order revoked twice, and a call that was in
 * flight while Redis was gone recorded as revoked (confirmed) when it had to be run again.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { expectRevokedExactlyOnce, ordersRevokedAtSandbox, sectigoOrders } from '../support/exactly-once.ts';
import { eventually, ROOMY_SANDBOX_LIMITS, revokeSslRow, waitForFinal } from '../support/pipeline.ts';
import { type RedisProcess, startRedisServer } from '../support/redis-server.ts';
import { spawnWorker, tail, teardownStack, writeWorkerConfig } from '../support/worker-process.ts';

const ORDERS = 300;

const teardown = teardownStack();
afterEach(() => teardown.run());

describe('fault: Redis is killed mid-batch and restarts from its AOF', () => {
  it.each([
    {
      locks: 'outlive the outage',
      // The jobs in hand keep their locks and complete once the worker has reconnected.
      env: { REVOKER_LOCK_DURATION_MS: '5000', REVOKER_STALLED_INTERVAL_MS: '1000' },
      confirmed: 'none expected',
    },
    {
      locks: 'expire during the outage',
      // The jobs in hand lose their locks: the stalled check runs them again, the vendor answers
      // -21 for the ones whose call went through, and the ambiguity rule records them revoked.
      env: { REVOKER_LOCK_DURATION_MS: '1000', REVOKER_STALLED_INTERVAL_MS: '500' },
      confirmed: 'some expected',
    },
  ])(
    'locks $locks: the worker reconnects by itself and every item is revoked exactly once',
    async (fault) => {
      const seed = sectigoOrders(ORDERS);
      const orderNumbers = seed.map((o) => o.orderNumber);
      const sandbox = await startSandbox({
        seedData: { orders: seed },
        rateLimits: ROOMY_SANDBOX_LIMITS,
        latency: { kind: 'uniform', minMs: 20, maxMs: 80 },
      });
      teardown.defer(() => sandbox.close());
      const dir = await mkdtemp(join(tmpdir(), 'revoker-fault-'));
      teardown.defer(() => rm(dir, { recursive: true, force: true }));
      const redisDir = join(dir, 'redis');
      await mkdir(redisDir);

      // A private Redis, for this test to kill; whichever instance is current is stopped at the end.
      let redis: RedisProcess = await startRedisServer({ appendOnly: true, dir: redisDir });
      teardown.defer(() => redis.stop());
      const { file, config } = await writeWorkerConfig({
        dir,
        sandbox,
        redisUrl: redis.url,
        prefix: `revoker-fault-${randomUUID().slice(0, 8)}`,
      });
      // The producer's connection fails fast by design and does not outlive the outage: the test
      // opens one before the crash and another after.
      let revoker: Revoker | undefined = await openRevoker(config);
      teardown.defer(() => revoker?.close().catch(() => revoker?.redis.disconnect()));

      const worker = spawnWorker(file, { env: fault.env });
      teardown.defer(() => worker.kill());
      await worker.ready();
      const { batchId, enqueued } = await revoker.producer.submit(
        orderNumbers.map((n, i) => ({ rowNumber: i + 2, raw: revokeSslRow(n) })),
      );
      expect(enqueued).toBe(ORDERS);
      await eventually(
        async () => (await revoker!.batches.counts(batchId)).revoked >= 40,
        'the worker to revoke 40 items',
      );
      await revoker.close();
      revoker = undefined;

      await redis.kill();
      expect(
        ordersRevokedAtSandbox(sandbox),
        'the batch was done before Redis died: nothing was tested',
      ).toBeLessThan(ORDERS);
      // The outage: Redis stays down for a second (the worker keeps trying), then restarts on the
      // same port from the same directory, i.e. from its AOF.
      await delay(1000);
      redis = await startRedisServer({ appendOnly: true, dir: redisDir, port: redis.port });

      revoker = await openRevoker(config);
      await waitForFinal(revoker, batchId, 40_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\nworker said:\n${tail(worker)}`);
      });
      expect(worker.running(), `the worker died with Redis:\n${tail(worker)}`).toBe(true);

      // Checks both ways that every -21 the sandbox gave is a confirmed revoke in the report.
      const { confirmed } = await expectRevokedExactlyOnce(revoker, sandbox, batchId, orderNumbers);
      if (fault.confirmed === 'some expected') {
        expect(confirmed.length, 'no job lost its lock: the case was not exercised').toBeGreaterThan(0);
      }

      worker.signal('SIGTERM');
      const stopped = await worker.exit;
      expect({ code: stopped.code, signal: stopped.signal }, tail(worker)).toEqual({ code: 0, signal: null });
    },
  );
});
