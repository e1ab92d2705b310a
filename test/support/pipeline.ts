/**
 * An end-to-end rig for integration tests: the vendor sandbox over real HTTPS, a real Redis
 * (the tier's shared one, under a key prefix of this test's own), a config pointing at both,
 * and handles to run workers and produce jobs through the same code the CLI uses.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { parseConfig, type RevokerConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import type { InputRow } from '../../src/queue/producer.ts';
import type { WorkerPool } from '../../src/queue/worker-pool.ts';
import { type RunWorkerOptions, runWorker } from '../../src/run-worker.ts';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
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
}

export interface Rig {
  sandbox: Sandbox;
  config: RevokerConfig;
  env: Record<string, string>;
  revoker: Revoker;
  prefix: string;
  redisUrl: string;
  /** Starts an in-process worker pool (closed by close()). */
  startWorker(options?: Partial<RunWorkerOptions>): Promise<WorkerPool>;
  rows(raw: Record<string, unknown>[]): InputRow[];
  close(): Promise<void>;
}

export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const redisUrl = inject('redisUrl');
  const sandbox = await startSandbox(options.sandbox ?? {});
  const prefix = `{revoker-test-${randomUUID().slice(0, 8)}}`;
  const env = { ...TEST_ENV, ...options.env };
  const config = parseConfig(
    {
      redis: { url: redisUrl, prefix },
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
    },
    {},
    { source: 'test rig' },
  );
  const revoker = await openRevoker(config);
  const pools: WorkerPool[] = [];
  return {
    sandbox,
    config,
    env,
    revoker,
    prefix,
    redisUrl,
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
      await deleteKeys(revoker, prefix);
      await revoker.close();
      await sandbox.close();
    },
  };
}

async function deleteKeys(revoker: Revoker, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await revoker.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await revoker.redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
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
