/**
 * The commands as an operator runs them, in real processes: `revoker serve` refuses a config with
 * no token (saying what to add) or a token too short; it starts, answers /readyz, and stops on
 * SIGTERM; `revoker worker --metrics-port` serves /metrics and /healthz and stops with the worker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { deleteKeysUnder } from '../../src/queue/prefix-keys.ts';
import { createRedis } from '../../src/queue/redis-connection.ts';
import { urlTarget } from '../../src/queue/redis-target.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { runCli } from '../support/cli-run.ts';
import { eventually } from '../support/pipeline.ts';
import { freePort } from '../support/redis-server.ts';
import { spawnWorker, type WorkerProcess, writeWorkerConfig } from '../support/worker-process.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'serve-command-test-token-0123456789abcdef';

let dir: string | undefined;
let child: ChildProcess | undefined;
let worker: WorkerProcess | undefined;
let sandbox: Sandbox | undefined;
/** Key prefixes the processes of a test wrote under (deleted afterwards). */
const prefixes: string[] = [];
afterEach(async () => {
  child?.kill('SIGKILL');
  await worker?.kill();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  child = worker = sandbox = dir = undefined;
  const redis = createRedis(urlTarget(inject('redisUrl')), 'producer');
  try {
    for (const prefix of prefixes.splice(0)) await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
});

async function configFile(api: unknown): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'revoker-serve-'));
  const file = join(dir, 'revoker.config.json');
  const prefix = `revoker-serve-${process.pid}`;
  prefixes.push(prefix);
  await writeFile(file, JSON.stringify({ redis: { url: inject('redisUrl'), prefix }, api }));
  return file;
}

describe('revoker serve (the command)', () => {
  it('refuses to start without a token, saying what to add', async () => {
    const file = await configFile({});
    const result = await runCli(['serve', '--config', file, '--port', '0'], {});
    expect(result.code).toBe(2);
    expect(result.text).toContain('api.tokens: revoker serve needs at least one API token');
    expect(result.text).toContain('"token": { "env": "REVOKER_API_TOKEN" }');
  });

  it('refuses a token that is too short or not set, naming the field', async () => {
    const file = await configFile({
      tokens: [
        { name: 'short', token: { env: 'SHORT_TOKEN' }, scopes: ['read'] },
        { name: 'unset', token: { env: 'UNSET_TOKEN' }, scopes: ['read'] },
      ],
    });
    const result = await runCli(['serve', '--config', file], { SHORT_TOKEN: 'abc' });
    expect(result.code).toBe(2);
    expect(result.text).toContain(
      'api.tokens[0].token ("short"): the token has 3 characters; use at least 32',
    );
    expect(result.text).toContain('api.tokens[1].token: environment variable UNSET_TOKEN is not set');
    expect(result.text).not.toContain('abc"');
  });

  it('starts, answers /readyz and the API, and stops on SIGTERM', async () => {
    const file = await configFile({
      tokens: [{ name: 'ops', token: { env: 'OPS_TOKEN' }, scopes: ['read'] }],
    });
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, OPS_TOKEN: TOKEN };
    delete env.REDIS_URL;
    const serve = spawn(
      process.execPath,
      ['src/cli/main.ts', 'serve', '--config', file, '--port', String(port)],
      {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = serve;
    let out = '';
    serve.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    serve.stderr?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    const exit = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    await eventually(async () => out.includes('revoker serve: listening on'), 'serve listening', 20_000);
    expect(out).toContain(`http://127.0.0.1:${port}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', redis: 'ok', config: 'loaded' });
    const accounts = await fetch(`http://127.0.0.1:${port}/v1/accounts`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(accounts.status).toBe(200);
    // The log is written in chunks (logger.ts bufferedStdout), but a line waits no longer than a moment.
    await eventually(async () => out.includes('"msg":"request completed"'), 'the request log line', 5_000);
    serve.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toContain('revoker serve stopped');
    expect(out).not.toContain(TOKEN);
  });
});

describe('revoker worker --metrics-port', () => {
  it('serves /metrics and /healthz while it works, and stops with the worker', async () => {
    dir = await mkdtemp(join(tmpdir(), 'revoker-wm-'));
    sandbox = await startSandbox();
    const prefix = `revoker-wm-${process.pid}`;
    prefixes.push(prefix);
    const { file } = await writeWorkerConfig({ dir, sandbox, redisUrl: inject('redisUrl'), prefix });
    const port = await freePort();
    worker = spawnWorker(file, { args: ['--metrics-port', String(port)] });
    await worker.ready();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('revoker_queue_jobs{account="sectigo",state="waiting"} 0');
    expect(metrics).toContain('# TYPE revoker_items_total counter');
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    worker.signal('SIGTERM');
    expect((await worker.exit).code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

    const bad = await runCli(['worker', '--config', file, '--metrics-port', 'lots'], {});
    expect(bad.code).toBe(2);
    expect(bad.text).toContain('--metrics-port: expected a port number');
  });
});
