/**
 * The Redis a bench run uses and the key hygiene around it: REDIS_URL; else 127.0.0.1:6379 when
 * it answers; else a throwaway redis-server (the demo's finder, src/cli/demo-redis.ts). Every
 * scenario side works under its own key namespace and deletes its keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type DemoRedis, findDemoRedis } from '../src/cli/demo-redis.ts';
import { redactUrl } from '../src/queue/redis-connection.ts';

export type BenchRedis = DemoRedis;

export function findBenchRedis(env: NodeJS.ProcessEnv): Promise<BenchRedis> {
  return findDemoRedis(env);
}

export { redactUrl };

/** A connection for the bench's own reads (memory, counts, cleanup); BullMQ-safe. */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** `bench-<scenario>-<side>-<random>`: a namespace never shared with another run (revoker adds its own hash tags). */
export function benchPrefix(scenario: string, side: string): string {
  return `bench-${scenario}-${side}-${randomUUID().slice(0, 8)}`;
}

import { deleteKeysUnder, keysUnder } from '../src/queue/prefix-keys.ts';

export { deleteKeysUnder as deleteKeys, keysUnder };

/** INFO memory `used_memory`, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? Number.NaN);
}

/** INFO commandstats: calls and microseconds per command (commands run inside Lua scripts count too). */
export async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const match of (await redis.info('commandstats')).matchAll(
    /^cmdstat_(\S+):calls=(\d+),usec=(\d+)/gm,
  )) {
    stats.set(match[1] ?? '', { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** INFO cpu `used_cpu_sys + used_cpu_user` of the server process, in ms. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (field: string) =>
    Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
}

/** INFO clients `connected_clients`. */
export async function connectedClients(redis: Redis): Promise<number> {
  return Number(/^connected_clients:(\d+)/m.exec(await redis.info('clients'))?.[1] ?? Number.NaN);
}

export async function redisVersion(redis: Redis): Promise<string> {
  return /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? 'unknown';
}

/** Bytes each key under `prefix` takes (MEMORY USAGE, exact), summed by the group `groupOf` names. */
export async function memoryByGroup(
  redis: Redis,
  prefix: string,
  groupOf: (key: string) => string,
): Promise<Record<string, { keys: number; bytes: number }>> {
  const groups: Record<string, { keys: number; bytes: number }> = {};
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) {
    const slice = keys.slice(i, i + 500);
    const pipeline = redis.pipeline();
    for (const key of slice) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const results = (await pipeline.exec()) ?? [];
    slice.forEach((key, j) => {
      const bytes = Number(results[j]?.[1] ?? 0);
      const name = groupOf(key);
      const group = groups[name] ?? { keys: 0, bytes: 0 };
      groups[name] = group;
      group.keys++;
      group.bytes += bytes;
    });
  }
  return groups;
}

/** SCAN MATCH treats `*?[]\` as glob syntax; a prefix is matched literally. */
