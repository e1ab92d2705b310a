/**
 * Stopping a worker process with signals. SIGTERM while vendor calls are in flight: it takes no
 * new job, lets the calls finish and records them, and exits 0 within its grace period. A second
 * signal during that shutdown makes it exit at once, non-zero; the jobs it abandoned are not
 * lost: the next worker picks them up and the ambiguity rule records the ones that went through.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import type { LatencySpec } from '../../src/sandbox/latency.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { callsInFlight, expectRevokedExactlyOnce, sectigoOrders } from '../support/exactly-once.ts';
import {
  eventually,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeSslRow,
  waitForFinal,
} from '../support/pipeline.ts';
import {
  deleteKeys,
  spawnWorker,
  tail,
  teardownStack,
  writeWorkerConfig,
} from '../support/worker-process.ts';

const ORDERS = 40;
const CONCURRENCY = 10;
const GRACE_MS = 20_000;
const FAST_RECOVERY = { REVOKER_LOCK_DURATION_MS: '2000', REVOKER_STALLED_INTERVAL_MS: '1000' };

const teardown = teardownStack();
afterEach(() => teardown.run());

interface Setup {
  sandbox: Sandbox;
  revoker: Revoker;
  file: string;
  orderNumbers: string[];
}

async function setUp(latency: LatencySpec): Promise<Setup> {
  const seed = sectigoOrders(ORDERS);
  const sandbox = await startSandbox({
    seedData: { orders: seed },
    rateLimits: ROOMY_SANDBOX_LIMITS,
    latency,
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
    concurrency: CONCURRENCY,
  });
  const revoker = await openRevoker(config);
  teardown.defer(() => revoker.close());
  teardown.defer(() => deleteKeys(revoker.redis, prefix));
  return { sandbox, revoker, file, orderNumbers: seed.map((o) => o.orderNumber) };
}

async function submitAll(revoker: Revoker, orderNumbers: readonly string[]): Promise<string> {
  const { batchId, enqueued } = await revoker.producer.submit(
    orderNumbers.map((n, i) => ({ rowNumber: i + 2, raw: revokeSslRow(n) })),
  );
  expect(enqueued).toBe(orderNumbers.length);
  return batchId;
}

describe('fault: a worker process is stopped by signals', () => {
  it('SIGTERM with calls in flight: the calls finish and are recorded, no new job starts, exit 0 within the grace period', async () => {
    const { sandbox, revoker, file, orderNumbers } = await setUp({ kind: 'uniform', minMs: 400, maxMs: 600 });
    const worker = spawnWorker(file, { args: ['--grace-ms', String(GRACE_MS)] });
    teardown.defer(() => worker.kill());
    await worker.ready();
    const batchId = await submitAll(revoker, orderNumbers);

    await eventually(async () => callsInFlight(sandbox) >= CONCURRENCY, `${CONCURRENCY} calls in flight`);
    const sentAt = Date.now();
    worker.signal('SIGTERM');
    const stopped = await worker.exit;
    expect({ code: stopped.code, signal: stopped.signal }, tail(worker)).toEqual({ code: 0, signal: null });
    expect(stopped.at - sentAt, 'took longer than the grace period').toBeLessThan(GRACE_MS);
    expect(worker.messages()).toEqual(
      expect.arrayContaining(['stopping: no new jobs; waiting for calls in flight', 'worker stopped']),
    );

    // Every call the sandbox received was answered and its answer recorded: each order the
    // sandbox revoked is `revoked` in the report, every other item still waits, none is active.
    expect(callsInFlight(sandbox)).toBe(0);
    const revokedAtSandbox = new Set(
      Object.values(sandbox.stats().orders)
        .filter((o) => o.successfulRevokes === 1)
        .map((o) => o.orderNumber),
    );
    expect(revokedAtSandbox.size).toBeGreaterThanOrEqual(CONCURRENCY);
    expect(revokedAtSandbox.size, 'the worker finished the batch: no job was left to refuse').toBeLessThan(
      ORDERS,
    );
    const report = await reportOf(revoker, batchId);
    for (const item of report) {
      const orderNumber = item.target.replace(/^orderNumber=/, '');
      expect({ orderNumber, outcome: item.outcome }).toEqual({
        orderNumber,
        outcome: revokedAtSandbox.has(orderNumber) ? 'revoked' : 'in-progress',
      });
      if (item.outcome === 'in-progress') expect(item.attempts, `${orderNumber} was tried`).toBe(0);
    }
    const [status] = await revoker.accountStatus();
    expect(status?.counts).toMatchObject({ active: 0, waiting: ORDERS - revokedAtSandbox.size, failed: 0 });
  });

  it('a second signal during shutdown exits at once (non-zero); the next worker recovers the abandoned jobs', async () => {
    // Calls slow enough that the shutdown is still waiting for them when the second signal comes.
    const { sandbox, revoker, file, orderNumbers } = await setUp({
      kind: 'uniform',
      minMs: 8000,
      maxMs: 9000,
    });
    const worker = spawnWorker(file, { args: ['--grace-ms', String(GRACE_MS)], env: FAST_RECOVERY });
    teardown.defer(() => worker.kill());
    await worker.ready();
    const batchId = await submitAll(revoker, orderNumbers);

    await eventually(async () => callsInFlight(sandbox) >= CONCURRENCY, `${CONCURRENCY} calls in flight`);
    worker.signal('SIGTERM');
    await eventually(
      async () => worker.messages().includes('stopping: no new jobs; waiting for calls in flight'),
      'the worker to start its shutdown',
    );
    worker.signal('SIGINT');
    const stopped = await worker.exit;
    // Exited (130, as after Ctrl-C) while its calls were still in flight at the vendor.
    const inFlightAtExit = callsInFlight(sandbox);
    const callsAtExit = sandbox.stats().totalRequests;
    expect(stopped.code, tail(worker)).toBe(130);
    expect(inFlightAtExit, 'the worker waited for its calls').toBeGreaterThan(0);
    const recordedBeforeExit = (await revoker.batches.counts(batchId)).revoked;

    // The calls it abandoned still take effect at the vendor. Then a new worker (fast vendor now)
    // finds the abandoned jobs stalled and finishes the batch.
    await eventually(async () => callsInFlight(sandbox) === 0, 'the abandoned calls to end', 20_000);
    sandbox.controls.setFaults({ latency: { kind: 'uniform', minMs: 5, maxMs: 20 } });
    const next = spawnWorker(file, { env: FAST_RECOVERY });
    teardown.defer(() => next.kill());
    await next.ready();
    await waitForFinal(revoker, batchId, 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nthe next worker said:\n${tail(next)}`);
    });
    const { confirmed } = await expectRevokedExactlyOnce(revoker, sandbox, batchId, orderNumbers);
    // Every call the first worker made but never recorded took effect, and came back as -21.
    expect(confirmed.length, 'the abandoned calls were not recorded by the ambiguity rule').toBe(
      callsAtExit - recordedBeforeExit,
    );

    next.signal('SIGTERM');
    expect((await next.exit).code, tail(next)).toBe(0);
  });
});
