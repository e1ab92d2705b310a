/**
 * A worker process is SIGKILLed mid-batch (calls in flight, jobs locked). A second worker picks
 * the dead worker's jobs up once their locks expire, and the batch still ends with every item
 * revoked exactly once: nothing lost, nothing revoked twice, the calls the dead worker never
 * heard back from recorded through the ambiguity rule.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRevoker } from '../../src/open-revoker.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { expectRevokedExactlyOnce, sectigoOrders } from '../support/exactly-once.ts';
import { eventually, ROOMY_SANDBOX_LIMITS, revokeSslRow, waitForFinal } from '../support/pipeline.ts';
import {
  deleteKeys,
  spawnWorker,
  tail,
  teardownStack,
  writeWorkerConfig,
} from '../support/worker-process.ts';

const ORDERS = 300;
/** Short lock and stalled check: a killed worker's jobs come back in about 3 s, not 45. */
const FAST_RECOVERY = { REVOKER_LOCK_DURATION_MS: '2000', REVOKER_STALLED_INTERVAL_MS: '1000' };

const teardown = teardownStack();
afterEach(() => teardown.run());

describe('fault: a worker process is killed mid-batch', () => {
  it('a second worker finishes the batch: every item revoked exactly once, the dead-letter queue empty', async () => {
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
    const prefix = `revoker-fault-${randomUUID().slice(0, 8)}`;
    const { file, config } = await writeWorkerConfig({
      dir,
      sandbox,
      redisUrl: inject('redisUrl'),
      prefix,
    });
    const revoker = await openRevoker(config);
    teardown.defer(() => revoker.close());
    teardown.defer(() => deleteKeys(revoker.redis, prefix));

    const a = spawnWorker(file, { env: FAST_RECOVERY });
    teardown.defer(() => a.kill());
    await a.ready();
    const { batchId, enqueued } = await revoker.producer.submit(
      orderNumbers.map((n, i) => ({ rowNumber: i + 2, raw: revokeSslRow(n) })),
    );
    expect(enqueued).toBe(ORDERS);

    // Kill A once it has done part of the work, with more in hand.
    await eventually(
      async () => (await revoker.batches.counts(batchId)).revoked >= 40,
      'worker A to revoke 40 items',
    );
    const killed = await a.kill();
    expect(killed.signal).toBe('SIGKILL');
    const atKill = await revoker.batches.counts(batchId);
    expect(atKill.revoked, 'A finished the whole batch before the kill: nothing was tested').toBeLessThan(
      ORDERS,
    );

    const b = spawnWorker(file, { env: FAST_RECOVERY });
    teardown.defer(() => b.kill());
    await b.ready();
    await waitForFinal(revoker, batchId, 40_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nworker B said:\n${tail(b)}`);
    });

    const { confirmed } = await expectRevokedExactlyOnce(revoker, sandbox, batchId, orderNumbers);
    // The calls A had in flight reached the sandbox and took effect after A died; B's retry
    // of each got -21 and recorded it as revoked (confirmed), not as a failure.
    expect(confirmed.length, 'no item went through the ambiguity rule').toBeGreaterThan(0);

    // B stops gracefully on SIGTERM.
    b.signal('SIGTERM');
    const stopped = await b.exit;
    expect({ code: stopped.code, signal: stopped.signal }, tail(b)).toEqual({ code: 0, signal: null });
    expect(b.messages()).toContain('worker stopped');
  });
});
