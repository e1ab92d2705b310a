/**
 * An end-to-end rig for integration tests: the vendor sandbox over real HTTPS, a real Redis
 * (the tier's shared one, under a key prefix of this test's own), a config pointing at both,
 * and handles to run workers and produce jobs through the same code the CLI uses.
 */
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { inject } from 'vitest';
import { parseConfig, type RevokerConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import type { OutcomeCounts, ReportItem } from '../../src/queue/batch-report.ts';
import { deleteKeysUnder, scanKeys } from '../../src/queue/prefix-keys.ts';
import type { InputRow } from '../../src/queue/producer.ts';
import type { RedisClient } from '../../src/queue/redis-connection.ts';
import { type RedisTarget, resolveRedisTarget } from '../../src/queue/redis-target.ts';
import type { WorkerPool } from '../../src/queue/worker-pool.ts';
import { type RunWorkerOptions, runWorker } from '../../src/run-worker.ts';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';

/** The demo credentials the sandbox accepts, under the env names the test config refers to. */
export const TEST_ENV = {
  TEST_SECTIGO_PASSWORD: DEMO_SECTIGO_ACCOUNT.loginPassword,
  TEST_DIGICERT_KEY: DEMO_DIGICERT_ACCOUNT.apiKey,
} as const;

export interface RigOptions {
  sandbox?: SandboxOptions;
  /** Extra or replaced fields of the two accounts (`sectigo`, `digicert`). */
  sectigo?: Record<string, unknown>;
  digicert?: Record<string, unknown>;
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  env?: Record<string, string>;
  /** More top-level config sections (`webhooks`, `schedules`). */
  config?: Record<string, unknown>;
  /**
   * Where Redis is: the `redis` section without its prefix (`{ cluster: { nodes } }`, …).
   * @defaultValue `{ url: <the tier's Redis> }`
   */
  redis?: Record<string, unknown>;
}

export interface Rig {
  sandbox: Sandbox;
  config: RevokerConfig;
  env: Record<string, string>;
  revoker: Revoker;
  prefix: string;
  /** Where the rig's Redis is (the tier's single node, or the cluster or Sentinel it was given). */
  redisTarget: RedisTarget;
  /** Starts an in-process worker pool (closed by close()). */
  startWorker(options?: Partial<RunWorkerOptions>): Promise<WorkerPool>;
  rows(raw: Record<string, unknown>[]): InputRow[];
  close(): Promise<void>;
}

export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const redis = options.redis ?? { url: inject('redisUrl') };
  const sandbox = await startSandbox(options.sandbox ?? {});
  const prefix = `revoker-test-${randomUUID().slice(0, 8)}`;
  const env = { ...TEST_ENV, ...options.env };
  const config = parseConfig(
    {
      redis: { ...redis, prefix },
      accounts: {
        sectigo: {
          vendor: 'sectigo',
          baseUrl: sandbox.sectigoBaseUrl,
          caFile: sandbox.caFile,
          credentials: {
            loginName: DEMO_SECTIGO_ACCOUNT.loginName,
            loginPassword: { env: 'TEST_SECTIGO_PASSWORD' },
          },
          rateLimit: { max: 1000, durationMs: 1000 },
          concurrency: 20,
          rateLimitWaitMs: 200,
          ...options.sectigo,
        },
        digicert: {
          vendor: 'digicert',
          baseUrl: sandbox.digicertBaseUrl,
          caFile: sandbox.caFile,
          credentials: { apiKey: { env: 'TEST_DIGICERT_KEY' } },
          rateLimit: { max: 1000, durationMs: 1000 },
          concurrency: 20,
          rateLimitWaitMs: 200,
          approvalPollIntervalMs: 200,
          ...options.digicert,
        },
      },
      retry: { attempts: 5, baseDelayMs: 50, maxDelayMs: 200, ...options.retry },
      ...options.config,
    },
    {},
    { source: 'test rig' },
  );
  let redisTarget: RedisTarget;
  let revoker: Revoker;
  try {
    redisTarget = await resolveRedisTarget(config.redis, { env });
    revoker = await openRevoker(config, { redis: redisTarget });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const pools: WorkerPool[] = [];
  return {
    sandbox,
    config,
    env,
    revoker,
    prefix,
    redisTarget,
    async startWorker(overrides = {}) {
      const pool = await runWorker({
        config,
        env,
        logger: silentLogger(),
        tuning: { shutdownGraceMs: 5000, sweepIntervalMs: 1000 },
        ...overrides,
      });
      pools.push(pool);
      return pool;
    },
    rows(raw) {
      return raw.map((r, i) => ({ rowNumber: i + 2, raw: r }));
    },
    async close() {
      for (const pool of pools) await pool.close().catch(() => {});
      await deleteKeysUnder(revoker.redis, prefix);
      await revoker.close();
      await sandbox.close();
    },
  };
}

/** Polls until `check` returns true or the timeout passes (then throws with `what`). */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers for the pipeline-*.test.ts files.

/** A rate limit the sandbox never reaches in a small test (its Sectigo default is 5 per second). */
export const ROOMY_SANDBOX_LIMITS = [{ max: 100_000, durationMs: 1000 }];

/** Seed orders of the demo accounts (the ones the rig's config logs in as). */
export function sectigoOrder(orderNumber: string, extra: Partial<SeedOrderInput> = {}): SeedOrderInput {
  return {
    vendor: 'sectigo',
    account: DEMO_SECTIGO_ACCOUNT.loginName,
    orderNumber,
    state: 'issued',
    ...extra,
  };
}

export function digicertOrder(orderNumber: string, extra: Partial<SeedOrderInput> = {}): SeedOrderInput {
  return { vendor: 'digicert', account: DEMO_DIGICERT_ACCOUNT.name, orderNumber, state: 'issued', ...extra };
}

/** An input row revoking a Sectigo order with AutoRevokeSSL. */
export function revokeSslRow(
  orderNumber: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    account: 'sectigo',
    operation: 'sectigo.revokeSSL',
    orderNumber,
    revocationReason: 'key compromise',
    ...extra,
  };
}

/** An input row revoking a DigiCert order. */
export function revokeOrderRow(
  orderId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    account: 'digicert',
    operation: 'digicert.revokeOrder',
    order_id: orderId,
    revocationReason: 'key compromise',
    ...extra,
  };
}

/** Every item of a batch's report (skipped rows included), in report order. */
export async function reportOf(revoker: Revoker, batchId: string): Promise<ReportItem[]> {
  const all: ReportItem[] = [];
  for await (const chunk of revoker.batches.items(batchId)) all.push(...chunk);
  return all;
}

/** Waits until no item of the batch is in progress any more (pending approval counts as not final). */
export async function waitForFinal(
  revoker: Revoker,
  batchId: string,
  timeoutMs = 15_000,
): Promise<OutcomeCounts> {
  let counts: OutcomeCounts | undefined;
  await eventually(
    async () => {
      counts = await revoker.batches.counts(batchId);
      return counts.total > 0 && counts['in-progress'] === 0 && counts['pending-approval'] === 0;
    },
    `every item of ${batchId} final`,
    timeoutMs,
  );
  return counts as OutcomeCounts;
}

export interface RedisDumpEntry {
  key: string;
  type: string;
  /** Every string the key holds (members, fields and values, stream entries), joined. */
  text: string;
}

/** Reads every key matching `pattern` (on every master of a cluster) and everything it holds, whatever its type. */
export async function dumpRedis(redis: RedisClient, pattern: string): Promise<RedisDumpEntry[]> {
  const entries: RedisDumpEntry[] = [];
  for (const key of await scanKeys(redis, pattern, 1000)) {
    const type = await redis.type(key);
    let parts: string[];
    switch (type) {
      case 'string':
        parts = [(await redis.get(key)) ?? ''];
        break;
      case 'hash':
        parts = Object.entries(await redis.hgetall(key)).flat();
        break;
      case 'list':
        parts = await redis.lrange(key, 0, -1);
        break;
      case 'set':
        parts = await redis.smembers(key);
        break;
      case 'zset':
        parts = await redis.zrange(key, 0, -1, 'WITHSCORES');
        break;
      case 'stream': {
        const stream = await redis.xrange(key, '-', '+');
        parts = stream.flatMap(([id, fields]) => [id, ...fields]);
        break;
      }
      case 'none':
        continue; // gone between SCAN and TYPE
      default:
        throw new Error(`dumpRedis: key ${key} has a type this dump cannot read: ${type}`);
    }
    entries.push({ key, type, text: parts.join('\n') });
  }
  return entries;
}

/** A pino destination that keeps every line, for tests that read the log. */
export function captureLog(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: {
      write(line: string) {
        lines.push(line);
      },
    },
  });
  return { logger, lines, text: () => lines.join('') };
}

/** Calls the sandbox over HTTPS (trusting its CA), e.g. DigiCert's request status endpoint. */
export async function sandboxRequest(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: string }> {
  const url = new URL(path, sandbox.url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: sandbox.caPem,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
