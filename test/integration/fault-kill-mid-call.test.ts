/**
 * A worker process is SIGKILLed while its vendor call is in flight: the sandbox holds the answer
 * (the order's latency), applies the operation after the worker died, and nobody hears back.
 * The call's intent is on record, so the next worker knows the call may have taken effect:
 *
 * - a replacement is never sent again: exactly one replacement call at the vendor, and the item
 *   ends dead-lettered with REPLACE_UNCERTAIN (a person checks the order before replaying);
 * - a revoke is sent again, the vendor says "already revoked", and the item ends revoked
 *   (confirmed) with exactly one successful revoke at the vendor;
 * - a DigiCert approval is read before it is sent again: the request is found approved, the item
 *   ends revoked, and no second approval reaches the vendor (seen before: a rerun approval got
 *   `invalid_request_status|approved` and the revoked order was dead-lettered).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import {
  digicertOrder,
  eventually,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeOrderRow,
  revokeSslRow,
  sectigoOrder,
  waitForFinal,
} from '../support/pipeline.ts';
import {
  deleteKeys,
  spawnWorker,
  tail,
  teardownStack,
  writeWorkerConfig,
} from '../support/worker-process.ts';

const FAST_RECOVERY = { REVOKER_LOCK_DURATION_MS: '2000', REVOKER_STALLED_INTERVAL_MS: '1000' };
/** Long enough to kill the worker while the sandbox still holds the answer. */
const HELD_MS = 2500;

const teardown = teardownStack();
afterEach(() => teardown.run());

async function stack(
  orders: Parameters<typeof sectigoOrder>[],
  extra: { digicertOrders?: SeedOrderInput[]; digicert?: Record<string, unknown> } = {},
): Promise<{
  sandbox: Sandbox;
  revoker: Revoker;
  file: string;
}> {
  const sandbox = await startSandbox({
    seedData: { orders: [...orders.map((args) => sectigoOrder(...args)), ...(extra.digicertOrders ?? [])] },
    rateLimits: ROOMY_SANDBOX_LIMITS,
  });
  teardown.defer(() => sandbox.close());
  const dir = await mkdtemp(join(tmpdir(), 'revoker-midcall-'));
  teardown.defer(() => rm(dir, { recursive: true, force: true }));
  const prefix = `revoker-midcall-${randomUUID().slice(0, 8)}`;
  const { file, config } = await writeWorkerConfig({
    dir,
    sandbox,
    redisUrl: inject('redisUrl'),
    prefix,
    ...(extra.digicert ? { digicert: extra.digicert } : {}),
  });
  const revoker = await openRevoker(config);
  teardown.defer(() => revoker.close());
  teardown.defer(() => deleteKeys(revoker.redis, prefix));
  return { sandbox, revoker, file };
}

/** Runs the batch on worker A, kills A once its call is in flight, and lets worker B finish. */
async function killMidCall(s: { sandbox: Sandbox; revoker: Revoker; file: string }, batchId: string) {
  const a = spawnWorker(s.file, { env: FAST_RECOVERY });
  teardown.defer(() => a.kill());
  await a.ready();
  // The intent is written just before the call goes out; the sandbox then counts its arrival.
  await eventually(
    async () => (await s.revoker.redis.hlen(s.revoker.keys.intents('sectigo'))) > 0,
    'the call intent',
  );
  await eventually(async () => s.sandbox.stats().totalRequests > 0, 'the call to reach the sandbox');
  expect((await a.kill()).signal).toBe('SIGKILL');
  const b = spawnWorker(s.file, { env: FAST_RECOVERY });
  teardown.defer(() => b.kill());
  await b.ready();
  await waitForFinal(s.revoker, batchId, 30_000).catch((error: unknown) => {
    throw new Error(`${String(error)}\nworker B said:\n${tail(b)}`);
  });
}

describe('fault: a worker dies while its vendor call is in flight', () => {
  it('a replacement is made once and ends REPLACE_UNCERTAIN, never sent again', async () => {
    const s = await stack([['7200', { product: 'smime', latencyMs: HELD_MS }]]);
    const csr = await makeCsr({ keyType: 'ec-p256' });
    const { batchId } = await s.revoker.producer.submit([
      {
        rowNumber: 2,
        raw: {
          account: 'sectigo',
          operation: 'sectigo.replaceSMIME',
          orderNumber: '7200',
          csr: csr.pem,
          revokeOldOrder: 'N',
        },
      },
    ]);
    await killMidCall(s, batchId);

    // The dead worker's call did reach the vendor and made the replacement.
    await eventually(
      async () => (s.sandbox.state.find('sectigo', '7200')?.replacedBy.length ?? 0) > 0,
      'the replacement',
    );
    const [item] = await reportOf(s.revoker, batchId);
    expect(item).toMatchObject({ outcome: 'dead-lettered', code: 'REPLACE_UNCERTAIN' });
    expect(item?.message).toMatch(/check the order at the vendor before replaying/);
    const order = s.sandbox.stats().orders['sectigo:7200'];
    expect(order, 'exactly one replacement call reached the vendor').toMatchObject({
      calls: 1,
      replacements: 1,
    });
    const [entry] = await s.revoker.deadLetter.list();
    expect(entry?.attempts.map((a) => a.code)).toEqual(['WORKER_LOST']);
  });

  it('a revoke is sent again, answered "already revoked", and ends revoked (confirmed) with one revoke', async () => {
    const s = await stack([['7210', { latencyMs: HELD_MS }]]);
    const { batchId } = await s.revoker.producer.submit([{ rowNumber: 2, raw: revokeSslRow('7210') }]);
    await killMidCall(s, batchId);

    const [item] = await reportOf(s.revoker, batchId);
    expect(item).toMatchObject({ outcome: 'revoked', confirmed: true, code: '-21' });
    const order = s.sandbox.stats().orders['sectigo:7210'];
    expect(order).toMatchObject({ calls: 2, successfulRevokes: 1, state: 'revoked' });
  });

  it('a DigiCert approval is read before it is sent again: revoked, one approval at the vendor', async () => {
    const s = await stack([], {
      digicertOrders: [digicertOrder('7220', { latencyMs: HELD_MS })],
      digicert: { autoApprove: true },
    });
    const { batchId } = await s.revoker.producer.submit([{ rowNumber: 2, raw: revokeOrderRow('7220') }]);
    const a = spawnWorker(s.file, { env: FAST_RECOVERY });
    teardown.defer(() => a.kill());
    await a.ready();
    // The revoke is answered (a request, pending); the approval's intent is written, and the
    // approval sent and held at the vendor (its latency) when the worker dies.
    const jobId = 'digicert~digicert.revokeOrder~order_id~7220';
    await eventually(
      async () =>
        ((await s.revoker.redis.hget(s.revoker.keys.intents('digicert'), jobId)) ?? '').includes('approve'),
      'the approval intent',
    );
    await eventually(
      async () => s.sandbox.stats().orders['digicert:7220']?.codes['201'] === 1,
      'the revoke answer',
    );
    await delay(300);
    expect((await a.kill()).signal).toBe('SIGKILL');
    // The held approval takes effect after the worker is gone.
    await eventually(
      async () => s.sandbox.controls.order('digicert', '7220')?.state === 'revoked',
      'the approval to take effect',
    );
    const b = spawnWorker(s.file, { env: FAST_RECOVERY });
    teardown.defer(() => b.kill());
    await b.ready();
    await waitForFinal(s.revoker, batchId, 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nworker B said:\n${tail(b)}`);
    });
    const [item] = await reportOf(s.revoker, batchId);
    expect(item).toMatchObject({ outcome: 'revoked' });
    const order = s.sandbox.controls.order('digicert', '7220')!;
    expect(order.requests.map((r) => r.status)).toEqual(['approved']);
    // Revoke (201), approval (204, after the kill), the read (200): nothing refused.
    expect(s.sandbox.stats().orders['digicert:7220']?.codes).toEqual({ '201': 1, '204': 1, '200': 1 });
  });
});
