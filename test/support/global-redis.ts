/**
 * Vitest global setup for the integration tier: finds a Redis, in this order, and hands its
 * URL to the tests (`inject('redisUrl')`):
 *   1. REDIS_URL when set;
 *   2. a throwaway `redis-server` on a free port when the binary is installed;
 *   3. a container from @testcontainers/redis when a Docker engine answers;
 *   4. otherwise the tier fails at once, saying what is missing (never a silent skip).
 */
import type { TestProject } from 'vitest/node';
import { hasRedisServerBinary, type RedisProcess, startRedisServer } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let local: RedisProcess | undefined;
let stopContainer: (() => Promise<unknown>) | undefined;

export async function setup(project: TestProject): Promise<void> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return;
  }
  if (hasRedisServerBinary()) {
    local = await startRedisServer();
    project.provide('redisUrl', local.url);
    return;
  }
  const container = await startContainer();
  if (container) {
    stopContainer = container.stop;
    project.provide('redisUrl', container.url);
    return;
  }
  throw new Error(
    'integration tests need Redis: set REDIS_URL, install redis-server (apt-get install redis-server), ' +
      'or run a Docker engine for @testcontainers/redis',
  );
}

export async function teardown(): Promise<void> {
  await local?.stop();
  await stopContainer?.();
}

async function startContainer(): Promise<{ url: string; stop: () => Promise<unknown> } | undefined> {
  try {
    // Optional dependency: only loaded when neither REDIS_URL nor redis-server is available.
    const moduleName = '@testcontainers/redis';
    const { RedisContainer } = (await import(moduleName)) as {
      RedisContainer: new (
        image: string,
      ) => { start(): Promise<{ getConnectionUrl(): string; stop(): Promise<unknown> }> };
    };
    const started = await new RedisContainer('redis:7-alpine').start();
    return { url: started.getConnectionUrl(), stop: () => started.stop() };
  } catch {
    return undefined;
  }
}
