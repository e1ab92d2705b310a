/**
 * A real `revoker worker` process for fault tests: writes the config file it reads, spawns
 * `node src/cli/main.ts worker --config FILE` with the secret in its environment, keeps its
 * output (for assertions and for failure messages), and kills it on the way out.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type RevokerConfig } from '../../src/config.ts';
import { DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { eventually, TEST_ENV } from './pipeline.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerConfigOptions {
  dir: string;
  sandbox: Sandbox;
  redisUrl: string;
  prefix: string;
  /** Calls in flight per worker process. @defaultValue 8 */
  concurrency?: number;
  /** The account's rateLimit. @defaultValue `{ max: 100000, durationMs: 1000 }` */
  rateLimit?: Record<string, number>;
  /** Written next to the default file name, for a second config in the same directory. */
  fileName?: string;
  /** Adds a DigiCert account (`digicert`, key `{ env: TEST_DIGICERT_KEY }`) with these extra fields. */
  digicert?: Record<string, unknown>;
  /** More top-level config sections (`webhooks`, `schedules`). */
  extra?: Record<string, unknown>;
}

/**
 * Writes a config file with one Sectigo account (`sectigo`) on the sandbox; the password is
 * referenced as `{ env: TEST_SECTIGO_PASSWORD }`. Returns the path and the same config parsed
 * (for the test's own producer), parsed without the environment so REDIS_URL cannot redirect it.
 */
export async function writeWorkerConfig(
  options: WorkerConfigOptions,
): Promise<{ file: string; config: RevokerConfig }> {
  const input = {
    redis: { url: options.redisUrl, prefix: options.prefix },
    accounts: {
      sectigo: {
        vendor: 'sectigo',
        baseUrl: options.sandbox.sectigoBaseUrl,
        caFile: options.sandbox.caFile,
        credentials: {
          loginName: DEMO_SECTIGO_ACCOUNT.loginName,
          loginPassword: { env: 'TEST_SECTIGO_PASSWORD' },
        },
        rateLimit: options.rateLimit ?? { max: 100_000, durationMs: 1000 },
        concurrency: options.concurrency ?? 8,
        rateLimitWaitMs: 200,
      },
      ...(options.digicert
        ? {
            digicert: {
              vendor: 'digicert',
              baseUrl: options.sandbox.digicertBaseUrl,
              caFile: options.sandbox.caFile,
              credentials: { apiKey: { env: 'TEST_DIGICERT_KEY' } },
              rateLimit: options.rateLimit ?? { max: 100_000, durationMs: 1000 },
              concurrency: options.concurrency ?? 8,
              rateLimitWaitMs: 200,
              approvalPollIntervalMs: 200,
              ...options.digicert,
            },
          }
        : {}),
    },
    retry: { attempts: 5, baseDelayMs: 50, maxDelayMs: 200 },
    ...options.extra,
  };
  const file = join(options.dir, options.fileName ?? 'revoker.config.json');
  await writeFile(file, `${JSON.stringify(input, null, 2)}\n`);
  return { file, config: parseConfig(input, {}, { source: file }) };
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Epoch ms. */
  at: number;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The `msg` of every JSON log line so far. */
  messages(): string[];
  running(): boolean;
  readonly exit: Promise<WorkerExit>;
  /** Resolves once the worker has logged `worker started`; throws if it exits first. */
  ready(timeoutMs?: number): Promise<void>;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL (when still running), resolved once the process is gone. */
  kill(): Promise<WorkerExit>;
}

export interface SpawnWorkerOptions {
  /** Extra environment: REVOKER_LOCK_DURATION_MS and friends. */
  env?: Record<string, string>;
  /** Extra CLI arguments (`--grace-ms 10000`). */
  args?: string[];
}

export function spawnWorker(configFile: string, options: SpawnWorkerOptions = {}): WorkerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEST_SECTIGO_PASSWORD: TEST_ENV.TEST_SECTIGO_PASSWORD,
    TEST_DIGICERT_KEY: TEST_ENV.TEST_DIGICERT_KEY,
    ...options.env,
  };
  // REDIS_URL would win over the config file's redis.url: the worker must use the file's.
  delete env.REDIS_URL;
  const child = spawn(
    process.execPath,
    ['src/cli/main.ts', 'worker', '--config', configFile, ...(options.args ?? [])],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  let exited: WorkerExit | undefined;
  const exit = new Promise<WorkerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal, at: Date.now() };
      resolve(exited);
    });
  });
  const messages = () =>
    out.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        const msg = (JSON.parse(line) as { msg?: unknown }).msg;
        return typeof msg === 'string' ? [msg] : [];
      } catch {
        return [];
      }
    });
  const worker: WorkerProcess = {
    child,
    output: () => out,
    messages,
    running: () => exited === undefined,
    exit,
    async ready(timeoutMs = 20_000) {
      await eventually(
        async () => {
          if (exited) {
            throw new Error(`worker exited (${exited.code ?? exited.signal}) before it started:\n${out}`);
          }
          return messages().includes('worker started');
        },
        `worker ${child.pid} started`,
        timeoutMs,
      );
    },
    signal(signal) {
      if (exited === undefined) child.kill(signal);
    },
    async kill() {
      if (exited === undefined) child.kill('SIGKILL');
      return exit;
    },
  };
  return worker;
}

/** The last `lines` lines a worker wrote, for failure messages. */
export function tail(worker: WorkerProcess, lines = 30): string {
  return worker.output().trimEnd().split('\n').slice(-lines).join('\n');
}

export { deleteKeysUnder as deleteKeys } from '../../src/queue/prefix-keys.ts';

/** Clean-up steps run in reverse order, every one even if another throws (for afterEach). */
export function teardownStack(): { defer(step: () => unknown): void; run(): Promise<void> } {
  let steps: (() => unknown)[] = [];
  return {
    defer(step) {
      steps.push(step);
    },
    async run() {
      const pending = steps.reverse();
      steps = [];
      const failures: unknown[] = [];
      for (const step of pending) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'teardown failed');
    },
  };
}
