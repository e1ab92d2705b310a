/**
 * The item record's scripts on a real Redis: the transition table enforced atomically, writes
 * tied to the job's lock, intents written before a call and found by the next run, and a corrupt
 * record reported as an error that names the job.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ItemRecord } from '../../src/queue/item-record.ts';
import { type KeySpace, keySpace } from '../../src/queue/keys.ts';
import { deleteKeysUnder } from '../../src/queue/prefix-keys.ts';
import { createRedis, type RedisClient } from '../../src/queue/redis-connection.ts';
import { urlTarget } from '../../src/queue/redis-target.ts';
import { createResultStore, type LockProof, type ResultStore } from '../../src/queue/result-store.ts';

let redis: RedisClient;
let keys: KeySpace;
let store: ResultStore;
beforeAll(() => {
  redis = createRedis(urlTarget(inject('redisUrl')), 'producer');
  keys = keySpace(`revoker-records-${randomUUID().slice(0, 8)}`);
  store = createResultStore(redis, keys);
});
afterAll(async () => {
  await deleteKeysUnder(redis, keys.namespace);
  redis.disconnect();
});

const record = (outcome: ItemRecord['outcome'], extra: Partial<ItemRecord> = {}): ItemRecord => ({
  outcome,
  attempts: [],
  ...extra,
});

/** A job lock the way BullMQ keeps it: a string key holding the worker's token. */
async function lockFor(jobId: string, token: string = randomUUID()): Promise<LockProof> {
  const queue = keys.accountQueue('x');
  const lockKey = `${queue.prefix}:${queue.name}:${jobId}:lock`;
  await redis.set(lockKey, token, 'PX', 60_000);
  return { lockKey, token };
}

// Job ids start with their account (job-id.ts): the record lives in that account's hash.
const id = () => `x~job-${randomUUID().slice(0, 8)}`;

describe('item records in Redis', () => {
  it('never overwrites a success, and says what it refused', async () => {
    const jobId = id();
    expect(await store.write(jobId, record('revoked'))).toEqual({ status: 'ok' });
    const refused = await store.write(jobId, record('dead-lettered', { code: 'X' }));
    expect(refused).toMatchObject({ status: 'refused', current: { outcome: 'revoked' } });
    expect((await store.get(jobId))?.outcome).toBe('revoked');
    // Not even a reopen (dlq replay) touches it.
    expect((await store.write(jobId, record('in-progress'), { mode: 'reopen' })).status).toBe('refused');
  });

  it('reopens a dead-lettered record only in reopen mode', async () => {
    const jobId = id();
    await store.write(jobId, record('dead-lettered'));
    expect((await store.write(jobId, record('in-progress'))).status).toBe('refused');
    expect((await store.write(jobId, record('in-progress'), { mode: 'reopen' })).status).toBe('ok');
    expect((await store.get(jobId))?.outcome).toBe('in-progress');
  });

  it('refuses a write from a worker whose lock token is no longer the job’s', async () => {
    const jobId = id();
    const mine = await lockFor(jobId);
    expect((await store.write(jobId, record('in-progress'), { lock: mine })).status).toBe('ok');
    // The lock expired and another worker took the job.
    await lockFor(jobId, 'another-worker');
    expect((await store.write(jobId, record('revoked'), { lock: mine })).status).toBe('lock-lost');
    expect((await store.begin(jobId, { step: 'call', at: 1 }, mine)).status).toBe('lock-lost');
    expect((await store.get(jobId))?.outcome).toBe('in-progress');
  });

  it('writes an intent before the call; the next run finds it unanswered; the answer clears it', async () => {
    const jobId = id();
    const first = await store.begin(jobId, { step: 'call', at: 1000 }, await lockFor(jobId));
    expect(first).toEqual({ status: 'started', record: undefined, earlierIntent: undefined });
    expect(await store.intentOf(jobId)).toEqual({ step: 'call', at: 1000 });
    // The worker dies here. The next run (another token) sees the call that got no answer.
    const second = await store.begin(jobId, { step: 'call', at: 2000 }, await lockFor(jobId));
    expect(second).toMatchObject({ status: 'started', earlierIntent: { step: 'call', at: 1000 } });
    await store.write(jobId, record('revoked'));
    expect(await store.intentOf(jobId)).toBeUndefined();
    // A run after that completes with no call: the record is final, and no intent is written.
    const third = await store.begin(jobId, { step: 'call', at: 3000 });
    expect(third).toMatchObject({ status: 'final', record: { outcome: 'revoked' } });
    expect(await store.intentOf(jobId)).toBeUndefined();
  });

  it('reads an empty attempts list written by Lua (cjson turns [] into {}) as an empty list', async () => {
    const jobId = id();
    await redis.hset(keys.results('x'), jobId, JSON.stringify({ outcome: 'in-progress', attempts: {} }));
    expect((await store.get(jobId))?.attempts).toEqual([]);
  });

  it('reports a corrupt record as an error naming the job, never as "no record"', async () => {
    const jobId = id();
    await redis.hset(keys.results('x'), jobId, '{"outcome":');
    await expect(store.get(jobId)).rejects.toMatchObject({ code: 'RECORD_ERR_CORRUPT' });
    await expect(store.get(jobId)).rejects.toThrow(jobId);
    await expect(store.begin(jobId, { step: 'call', at: 1 })).rejects.toThrow(jobId);
    await expect(store.write(jobId, record('revoked'))).rejects.toThrow(jobId);
    // Nothing was written over it, and no intent was left behind by begin.
    expect(await redis.hget(keys.results('x'), jobId)).toBe('{"outcome":');
  });

  it('remove forgets the record and its intent', async () => {
    const jobId = id();
    await store.begin(jobId, { step: 'call', at: 1 });
    await store.write(jobId, record('dead-lettered'), { clearIntent: false });
    await store.remove([jobId]);
    expect(await store.get(jobId)).toBeUndefined();
    expect(await store.intentOf(jobId)).toBeUndefined();
  });
});
