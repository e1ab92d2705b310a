/**
 * Outcome webhooks end to end: real Redis, the HTTPS vendor sandbox, a worker, and real HTTP
 * receivers on loopback. Signatures are checked by the receiver's own HMAC (support/
 * webhook-receiver.ts), never by our signer. Backoff is shortened through the webhook's `retry`
 * config, not with sleeps.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/queue/redis-connection.ts';
import { createResultStore } from '../../src/queue/result-store.ts';
import {
  captureLog,
  dumpRedis,
  eventually,
  type Rig,
  reportOf,
  revokeSslRow,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';
import {
  type ReceivedRequest,
  type Receiver,
  startReceiver,
  verifiesWith,
} from '../support/webhook-receiver.ts';

let rig: Rig | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
/** Retries in milliseconds, so a test waits for deliveries, not for a backoff schedule. */
const FAST_RETRY = { attempts: 10, baseDelayMs: 20, maxDelayMs: 100 };
const WORKER_TUNING = { shutdownGraceMs: 5000, sweepIntervalMs: 1000, batchWatchIntervalMs: 100 };

const ofType = (requests: readonly ReceivedRequest[], type: string) =>
  requests.filter((r) => r.json.type === type);

describe('outcome webhooks', () => {
  it('follow an item to its webhook: the report entry, signed, no secret in bodies, Redis or logs', async () => {
    const secret = newSecret();
    const hooks = await receiver();
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('8101'), sectigoOrder('8102')] } },
      env: { TEST_WEBHOOK_SECRET: secret },
      config: {
        webhooks: [
          {
            name: 'siem',
            url: hooks.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['item.finished', 'batch.finished'],
            retry: FAST_RETRY,
          },
        ],
      },
    });
    const log = captureLog();
    await rig.startWorker({ logger: log.logger, tuning: WORKER_TUNING });
    const { batchId } = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('8101'), revokeSslRow('8102')]),
    );
    const counts = await waitForFinal(rig.revoker, batchId);
    expect(counts.revoked).toBe(2);
    await eventually(
      async () =>
        ofType(hooks.accepted(), 'item.finished').length === 2 &&
        ofType(hooks.accepted(), 'batch.finished').length === 1,
      'two item.finished and one batch.finished delivered',
    );

    const report = await reportOf(rig.revoker, batchId);
    const items = ofType(hooks.received, 'item.finished');
    for (const request of hooks.received) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/hooks/revoker');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{32}$/);
      expect(verifiesWith(secret, request), 'the signature verifies with the secret').toBe(true);
      // The check itself can fail: another secret does not verify.
      expect(verifiesWith(newSecret(), request)).toBe(false);
      expect(request.body.includes(secret) || request.body.includes(secret.slice(6))).toBe(false);
    }
    // The body is the item's report entry, with its batch id.
    expect(items.map((r) => r.json.data).sort((a, b) => Number(a.row) - Number(b.row))).toEqual(
      report.map((entry) => ({ batchId, ...entry })),
    );
    expect(items.every((r) => r.json.timestamp === r.json.data.finishedAt)).toBe(true);
    const [batch] = ofType(hooks.received, 'batch.finished');
    expect(batch?.json.data).toMatchObject({
      batchId,
      counts: { revoked: 2, total: 2, 'in-progress': 0 },
      accounts: ['sectigo'],
      schedule: null,
    });

    // No secret in Redis (every key under the prefix, whatever its type) or the log.
    const log2 = log.text();
    expect(log2).toContain('webhook delivered');
    for (const text of [
      log2,
      ...(await dumpRedis(rig.revoker.redis, `${rig.prefix}*`)).map((e) => `${e.key}\n${e.text}`),
    ]) {
      expect(text.includes(secret)).toBe(false);
      expect(text.includes(secret.slice(6))).toBe(false);
    }
    // The log names the receiver by its origin, never the URL's path (it may hold a token).
    expect(log2).not.toContain('/hooks/revoker');
  });

  it('a receiver that fails 5 times, then accepts, gets the event once more with the same id', async () => {
    const secret = newSecret();
    const hooks = await receiver((index) => (index < 5 ? 500 : 204));
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('8201')] } },
      env: { TEST_WEBHOOK_SECRET: secret },
      config: {
        webhooks: [
          {
            name: 'flaky',
            url: hooks.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['item.finished'],
            retry: FAST_RETRY,
          },
        ],
      },
    });
    await rig.startWorker({ tuning: WORKER_TUNING });
    const { batchId } = await rig.revoker.producer.submit(rig.rows([revokeSslRow('8201')]));
    await waitForFinal(rig.revoker, batchId);
    await eventually(async () => hooks.accepted().length === 1, 'the event accepted');

    // The delivery job is complete: no further attempt can come, so the count is final.
    const eventId = String(hooks.received[0]?.headers['webhook-id']);
    const queue = new Queue('webhooks', {
      connection: rig.revoker.redis,
      prefix: rig.revoker.keys.webhooksQueue.prefix,
    });
    try {
      expect(await (await queue.getJob(`flaky~${eventId}`))?.getState()).toBe('completed');
    } finally {
      await queue.close();
    }
    expect(hooks.received.map((r) => r.status)).toEqual([500, 500, 500, 500, 500, 204]);
    expect(new Set(hooks.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(new Set(hooks.received.map((r) => r.body)).size).toBe(1);
    expect(hooks.received.every((r) => verifiesWith(secret, r))).toBe(true);
  });

  it('announce account.halted and account.resumed, only to webhooks of that account', async () => {
    const secret = newSecret();
    const ops = await receiver();
    const other = await receiver();
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('8301')] } },
      env: { TEST_SECTIGO_PASSWORD: 'wrong-password-for-the-halt', TEST_WEBHOOK_SECRET: secret },
      config: {
        webhooks: [
          {
            name: 'ops',
            url: ops.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['account.halted', 'account.resumed'],
            accounts: ['sectigo'],
            retry: FAST_RETRY,
          },
          {
            name: 'dc-only',
            url: other.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['account.halted', 'account.resumed', 'item.finished'],
            accounts: ['digicert'],
            retry: FAST_RETRY,
          },
        ],
      },
    });
    await rig.startWorker({ tuning: WORKER_TUNING });
    await rig.revoker.producer.submit(rig.rows([revokeSslRow('8301')]));
    await eventually(
      async () => ofType(ops.accepted(), 'account.halted').length >= 1,
      'account.halted delivered',
    );
    const [halted] = ofType(ops.received, 'account.halted');
    expect(halted?.json.data).toMatchObject({ account: 'sectigo', code: '-16' });
    expect(verifiesWith(secret, halted as ReceivedRequest)).toBe(true);

    // Through the same handle `revoker account resume` uses.
    await rig.revoker.account('sectigo').resume();
    await eventually(
      async () => ofType(ops.accepted(), 'account.resumed').length === 1,
      'account.resumed delivered',
    );
    const [resumed] = ofType(ops.received, 'account.resumed');
    expect(resumed?.json.data).toMatchObject({ account: 'sectigo', halt: { code: '-16' } });
    expect(resumed?.headers['webhook-id']).not.toBe(halted?.headers['webhook-id']);

    // The digicert-only webhook got no delivery at all: none was ever enqueued for it.
    const queue = new Queue('webhooks', {
      connection: rig.revoker.redis,
      prefix: rig.revoker.keys.webhooksQueue.prefix,
    });
    try {
      const jobs = await queue.getJobs(['completed', 'waiting', 'delayed', 'active', 'failed']);
      expect(jobs.some((j) => j.id?.startsWith('ops~'))).toBe(true);
      expect(jobs.filter((j) => j.id?.startsWith('dc-only~'))).toEqual([]);
    } finally {
      await queue.close();
    }
    expect(other.received).toEqual([]);
  });

  it('announce batch.finished exactly once per batch, with two workers sweeping', async () => {
    const hooks = await receiver();
    rig = await startRig({
      sandbox: { seedData: { orders: ['8401', '8402', '8403', '8404'].map((o) => sectigoOrder(o)) } },
      env: { TEST_WEBHOOK_SECRET: newSecret() },
      config: {
        webhooks: [
          {
            name: 'batches',
            url: hooks.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['batch.finished'],
            retry: FAST_RETRY,
          },
        ],
      },
    });
    await rig.startWorker({ tuning: WORKER_TUNING });
    await rig.startWorker({ tuning: WORKER_TUNING });
    const first = await rig.revoker.producer.submit(rig.rows([revokeSslRow('8401'), revokeSslRow('8402')]));
    await waitForFinal(rig.revoker, first.batchId);
    await eventually(async () => hooks.accepted().length === 1, 'the first batch announced');
    // Its finished delivery job leaves Redis (as removeOnComplete does in time), so a second
    // announcement would be a new delivery, not one BullMQ deduplicates by job id.
    const queue = new Queue('webhooks', {
      connection: rig.revoker.redis,
      prefix: rig.revoker.keys.webhooksQueue.prefix,
    });
    try {
      await eventually(async () => (await queue.getCompletedCount()) === 1, 'the delivery job completed');
      expect(await queue.clean(0, 0, 'completed')).toHaveLength(1);
    } finally {
      await queue.close();
    }
    // A second batch is a barrier: once it is announced, both workers have swept many times since.
    const second = await rig.revoker.producer.submit(rig.rows([revokeSslRow('8403'), revokeSslRow('8404')]));
    await waitForFinal(rig.revoker, second.batchId);
    await eventually(
      async () => hooks.accepted().some((r) => r.json.data.batchId === second.batchId),
      'the second batch announced',
    );
    const byBatch = (id: string) => hooks.received.filter((r) => r.json.data.batchId === id);
    expect(byBatch(first.batchId)).toHaveLength(1);
    expect(byBatch(second.batchId)).toHaveLength(1);
    expect(byBatch(first.batchId)[0]?.json.data.counts).toEqual(
      await rig.revoker.batches.counts(first.batchId),
    );
  });

  it('an item whose record was written by a worker that died before its event was enqueued is still announced', async () => {
    const hooks = await receiver();
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('8501')] } },
      env: { TEST_WEBHOOK_SECRET: newSecret() },
      config: {
        webhooks: [
          {
            name: 'siem',
            url: hooks.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['item.finished'],
            retry: FAST_RETRY,
          },
        ],
      },
    });
    // The job waits (no worker yet); its record says revoked, as a worker that died right after
    // writing it would leave it.
    const { batchId } = await rig.revoker.producer.submit(rig.rows([revokeSslRow('8501')]));
    const [item] = await reportOf(rig.revoker, batchId);
    const jobId = String(item?.jobId);
    const finishedAt = Date.now();
    const written = await createResultStore(rig.revoker.redis, rig.revoker.keys).write(jobId, {
      outcome: 'revoked',
      code: '0',
      message: 'revoked before the worker died',
      attempts: [],
      finishedAt,
    });
    expect(written.status).toBe('ok');

    await rig.startWorker({ tuning: WORKER_TUNING });
    await eventually(async () => hooks.accepted().length === 1, 'the item announced');
    const expectedId = `evt_${createHash('sha256').update(['item.finished', jobId, 'revoked', finishedAt].join('\n')).digest('hex').slice(0, 32)}`;
    expect(hooks.received[0]?.headers['webhook-id']).toBe(expectedId);
    expect(hooks.received[0]?.json.data).toMatchObject({
      jobId,
      batchId,
      outcome: 'revoked',
      message: 'revoked before the worker died',
    });
    // Announced without a second vendor call.
    expect(rig.sandbox.stats().accounts['sectigo:revoker-demo']?.requests ?? 0).toBe(0);
  });

  it('an item whose job BullMQ failed on its own is announced dead-lettered when the sweep records it', async () => {
    const hooks = await receiver();
    rig = await startRig({
      sandbox: { seedData: { orders: [sectigoOrder('8601')] } },
      env: { TEST_WEBHOOK_SECRET: newSecret() },
      config: {
        webhooks: [
          {
            name: 'siem',
            url: hooks.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['item.finished'],
            retry: FAST_RETRY,
          },
        ],
      },
    });
    const { batchId } = await rig.revoker.producer.submit(rig.rows([revokeSslRow('8601')]));
    // Something other than our processor fails the job in BullMQ (as a job stalled too often is).
    const connection = createRedis(rig.redisTarget, 'worker');
    const foreign = new Worker(
      'account-sectigo',
      async () => {
        throw new UnrecoverableError('stalled more than allowable limit');
      },
      { connection, prefix: rig.revoker.keys.accountQueue('sectigo').prefix },
    );
    const queue = new Queue('account-sectigo', {
      connection: rig.revoker.redis,
      prefix: rig.revoker.keys.accountQueue('sectigo').prefix,
    });
    try {
      await eventually(async () => (await queue.getFailedCount()) === 1, 'the job failed in BullMQ');
    } finally {
      await foreign.close();
      await queue.close();
      connection.disconnect();
    }

    await rig.startWorker({ tuning: WORKER_TUNING });
    await eventually(async () => hooks.accepted().length === 1, 'the item announced');
    const [report] = await reportOf(rig.revoker, batchId);
    expect(report).toMatchObject({ outcome: 'dead-lettered', code: 'BULLMQ_FAILED' });
    expect(hooks.received[0]?.json.data).toEqual({ batchId, ...report });
  });
});
