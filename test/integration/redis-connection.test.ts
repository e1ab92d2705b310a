/**
 * redis-connection.ts on a real Redis: inOneWrite sends the commands issued inside it in one
 * socket write (the API's item join counts on it, bench e), with each command's own answer, and
 * an error thrown inside it leaves the socket writing as before.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createRedis, inOneWrite, type RedisClient } from '../../src/queue/redis-connection.ts';
import { urlTarget } from '../../src/queue/redis-target.ts';

let redis: RedisClient;
const key = `revoker-one-write-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  redis = createRedis(urlTarget(inject('redisUrl')), 'producer');
  await redis.ping();
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await redis.del(key);
  redis.disconnect();
});

/** Counts the socket's writes: writev (several commands at once) and single ones. */
function spyWrites(client: RedisClient) {
  if (!(client instanceof Redis)) throw new Error('a single-server connection expected');
  const socket = client.stream as unknown as { _write: () => void; _writev: () => void };
  return { single: vi.spyOn(socket, '_write'), batched: vi.spyOn(socket, '_writev') };
}

describe('inOneWrite', () => {
  it('sends the commands issued inside it in one write, each with its own answer', async () => {
    const writes = spyWrites(redis);
    const answers = await Promise.all(
      inOneWrite(redis, () => [redis.hset(key, 'a', '1'), redis.hincrby(key, 'a', 2), redis.hget(key, 'a')]),
    );
    expect(answers).toEqual([1, 3, '3']);
    expect(writes.batched).toHaveBeenCalledTimes(1);
    expect(writes.single).not.toHaveBeenCalled();
  });

  it('uncorks the socket when the callback throws', async () => {
    expect(() =>
      inOneWrite(redis, () => {
        void redis.hset(key, 'b', '1');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(await redis.hget(key, 'b')).toBe('1');
    const writes = spyWrites(redis);
    expect(await redis.hget(key, 'a')).toBe('3');
    expect(writes.single).toHaveBeenCalledTimes(1);
  });
});
