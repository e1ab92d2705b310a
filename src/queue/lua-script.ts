/**
 * A Lua script of src/queue/commands/, loaded once and called by its SHA (EVALSHA), sent whole
 * only when Redis does not know it yet (after a restart or SCRIPT FLUSH). Every key a script
 * touches is passed in KEYS, so each can share one hash tag on Redis Cluster.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from './redis-connection.ts';

export interface LuaScript {
  readonly name: string;
  run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function loadScript(fileName: string): LuaScript {
  const source = readFileSync(new URL(`./commands/${fileName}`, import.meta.url), 'utf8');
  const sha = createHash('sha1').update(source).digest('hex');
  const numberOfKeys = Number(/-(\d+)\.lua$/.exec(fileName)?.[1]);
  if (!Number.isInteger(numberOfKeys)) throw new Error(`script ${fileName} must be named <verb>-<keys>.lua`);
  return {
    name: fileName,
    async run(redis, keys, args) {
      if (keys.length !== numberOfKeys) throw new Error(`${fileName} takes ${numberOfKeys} keys`);
      try {
        return await redis.evalsha(sha, numberOfKeys, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(source, numberOfKeys, ...keys, ...args);
      }
    },
  };
}
