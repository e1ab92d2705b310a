/**
 * A real Redis Sentinel setup for tests: one master (`redis-server`, optionally with a password)
 * and one Sentinel process (`redis-server sentinel.conf --sentinel`) monitoring it under a name,
 * both on free ports in temporary directories. Ready once the Sentinel names the master.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, type RedisProcess, startRedisServer, waitForPort } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisSentinel {
  readonly name: string;
  readonly master: RedisProcess;
  readonly sentinel: { host: string; port: number };
  stop(): Promise<void>;
}

export async function startRedisSentinel(
  options: { name?: string; password?: string } = {},
): Promise<RedisSentinel> {
  const name = options.name ?? 'revoker-test';
  const master = await startRedisServer({
    extraArgs: options.password ? ['--requirepass', options.password] : [],
  });
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'revoker-sentinel-'));
  const config = join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file as it learns: it must be a file of its own.
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      ...(options.password ? [`sentinel auth-pass ${name} ${options.password}`] : []),
      `sentinel down-after-milliseconds ${name} 5000`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const stop = async () => {
    child?.kill('SIGTERM');
    await exited;
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    const started = child;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    await waitForPort(port, 10_000);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { stdout } = await run('redis-cli', [
        '-p',
        String(port),
        'sentinel',
        'get-master-addr-by-name',
        name,
      ]);
      if (stdout.includes(String(master.port))) break;
      if (Date.now() > deadline) throw new Error(`the Sentinel does not name master ${name}: ${stdout}`);
      await delay(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, master, sentinel: { host: '127.0.0.1', port }, stop };
}
