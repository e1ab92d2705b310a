/**
 * The slot audit itself (test/support/slot-audit.ts, installed for every integration file): it
 * must see what a test sends and report any unit whose keys cross cluster slots, or every file
 * that passes under it proves nothing. Checked here with units made on purpose, on the tier's
 * Redis, through the same factory revoker uses.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keySpace } from '../../src/queue/keys.ts';
import { loadScript } from '../../src/queue/lua-script.ts';
import { deleteKeysUnder } from '../../src/queue/prefix-keys.ts';
import { createRedis, type RedisClient } from '../../src/queue/redis-connection.ts';
import { urlTarget } from '../../src/queue/redis-target.ts';
import { slotAudit } from '../support/slot-audit-setup.ts';

const keys = keySpace(`revoker-audit-${randomUUID().slice(0, 8)}`);
let redis: RedisClient;
beforeAll(() => {
  redis = createRedis(urlTarget(inject('redisUrl')), 'producer');
});
afterAll(async () => {
  await deleteKeysUnder(redis, keys.namespace);
  redis.disconnect();
});

describe('the slot audit', () => {
  it('reports a transaction whose keys cross slots, naming its commands and keys', async () => {
    slotAudit.take();
    await redis.multi().hset(keys.batchMeta('x'), 'id', 'x').zadd(keys.batches, 1, 'x').exec();
    expect(slotAudit.take()).toEqual([
      {
        // Reported when the second slot appears, before the EXEC.
        commands: 'multi hset zadd',
        keys: expect.objectContaining({
          [keys.batchMeta('x')]: expect.any(Number),
          [keys.batches]: expect.any(Number),
        }),
      },
    ]);
  });

  it('reports a script and a multi-key command across slots, and passes the same within one slot', async () => {
    slotAudit.take();
    const before = slotAudit.multiKeyUnits();
    // writeRecord's keys as revoker passes them: one account's hashes and its queue's lock key.
    const script = loadScript('writeRecord-3.lua');
    const record = JSON.stringify({ outcome: 'revoked', attempts: [] });
    const ok = [keys.results('a'), keys.intents('a'), keys.results('a')];
    await script.run(redis, ok, ['a~job', '', record, '', '1', '1']);
    await redis.hmget(keys.results('a'), 'a~job');
    await redis.del(keys.batchMeta('x'), keys.batchItems('x'));
    expect(slotAudit.take()).toEqual([]);
    expect(slotAudit.multiKeyUnits()).toBeGreaterThan(before);

    // The same script with another account's intents hash: the record and the intent apart.
    await script.run(
      redis,
      [keys.results('a'), keys.intents('b'), keys.results('a')],
      ['a~job2', '', record, '', '1', '1'],
    );
    await redis.del(keys.results('a'), keys.results('b'));
    expect(slotAudit.take().map((v) => v.commands)).toEqual([expect.stringMatching(/^evalsha/), 'del']);
  });
});
