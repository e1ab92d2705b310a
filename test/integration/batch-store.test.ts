/**
 * batch-store.ts joinItem on a real Redis: the batch of the day single items join is created by
 * its first item and indexed (all batches, open ones), counts and lists every item, and is indexed
 * again when it was removed while this store still knew it (joinItem writes the index entries
 * only with a store's first item of a batch). joinItems, the API's items of one turn at once,
 * counts, lists and reads them all in one script run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BatchMeta, createBatchStore } from '../../src/queue/batch-store.ts';
import { type KeySpace, keySpace } from '../../src/queue/keys.ts';
import { deleteKeysUnder } from '../../src/queue/prefix-keys.ts';
import { createRedis, type RedisClient } from '../../src/queue/redis-connection.ts';
import { urlTarget } from '../../src/queue/redis-target.ts';

let redis: RedisClient;
let keys: KeySpace;
beforeAll(() => {
  redis = createRedis(urlTarget(inject('redisUrl')), 'producer');
  keys = keySpace(`revoker-join-${randomUUID().slice(0, 8)}`);
});
afterAll(async () => {
  await deleteKeysUnder(redis, keys.namespace);
  redis.disconnect();
});

const meta = (id: string): BatchMeta => ({
  id,
  createdAt: 1_700_000_000_000,
  state: 'submitted',
  rows: 0,
  valid: 0,
  invalid: 0,
  source: 'api:test',
});

async function indexed(batchId: string): Promise<{ all: boolean; open: boolean }> {
  return {
    all: (await redis.zscore(keys.batches, batchId)) !== null,
    open: (await redis.zscore(keys.batchesOpen, batchId)) !== null,
  };
}

describe('joinItem', () => {
  it('creates, indexes, counts and lists the batch of the day, and reads the record', async () => {
    const store = createBatchStore(redis, keys);
    const id = `lib-api-${randomUUID().slice(0, 8)}`;
    await redis.hset(keys.results('acme'), 'acme~x~orderNumber~2', '{"o":"r"}');
    expect(await store.joinItem(meta(id), { row: 1, jobId: 'acme~x~orderNumber~1' })).toBeNull();
    expect(await store.joinItem(meta(id), { row: 1, jobId: 'acme~x~orderNumber~2' })).toBe('{"o":"r"}');
    expect(await indexed(id)).toEqual({ all: true, open: true });
    expect(await store.readMeta(id)).toMatchObject({ id, rows: 2, valid: 2, state: 'submitted' });
    expect((await store.readItems(id, 0, 10)).map((i) => i.jobId)).toEqual([
      'acme~x~orderNumber~1',
      'acme~x~orderNumber~2',
    ]);
  });

  it('indexes the batch again when it was removed after the store indexed it', async () => {
    const store = createBatchStore(redis, keys);
    const id = `lib-api-${randomUUID().slice(0, 8)}`;
    await store.joinItem(meta(id), { row: 1, jobId: 'acme~x~orderNumber~3' });
    await store.remove(id);
    expect(await indexed(id)).toEqual({ all: false, open: false });
    await store.joinItem(meta(id), { row: 1, jobId: 'acme~x~orderNumber~4' });
    expect(await indexed(id)).toEqual({ all: true, open: true });
    expect(await store.readMeta(id)).toMatchObject({ rows: 1, valid: 1 });
  });

  it('indexes a batch another store created and this one has not seen', async () => {
    const id = `lib-api-${randomUUID().slice(0, 8)}`;
    await createBatchStore(redis, keys).joinItem(meta(id), { row: 1, jobId: 'acme~x~orderNumber~5' });
    await redis.zrem(keys.batchesOpen, id);
    await createBatchStore(redis, keys).joinItem(meta(id), { row: 1, jobId: 'acme~x~orderNumber~6' });
    expect(await indexed(id)).toEqual({ all: true, open: true });
  });
});

describe('joinItems', () => {
  it('joins several items in one call: counted, listed in the order given, their records read per account', async () => {
    const store = createBatchStore(redis, keys);
    const id = `lib-api-${randomUUID().slice(0, 8)}`;
    await redis.hset(keys.results('acme'), 'acme~x~orderNumber~12', '{"o":"r"}');
    await redis.hset(keys.results('other'), 'other~x~orderNumber~13', '{"o":"d"}');
    const items = ['acme~x~orderNumber~11', 'acme~x~orderNumber~12', 'other~x~orderNumber~13'].map(
      (jobId) => ({
        row: 1,
        jobId,
      }),
    );
    expect(await store.joinItems(meta(id), items)).toEqual([null, '{"o":"r"}', '{"o":"d"}']);
    expect(await store.joinItems(meta(id), [{ row: 1, jobId: 'acme~x~orderNumber~14' }])).toEqual([null]);
    expect(await store.joinItems(meta(id), [])).toEqual([]);
    expect(await indexed(id)).toEqual({ all: true, open: true });
    expect(await store.readMeta(id)).toMatchObject({ rows: 4, valid: 4, invalid: 0, source: 'api:test' });
    expect((await store.readItems(id, 0, 10)).map((i) => i.jobId)).toEqual([
      'acme~x~orderNumber~11',
      'acme~x~orderNumber~12',
      'other~x~orderNumber~13',
      'acme~x~orderNumber~14',
    ]);
  });
});
