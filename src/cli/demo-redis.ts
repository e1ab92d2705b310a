/**
 * Finds a Redis for the demo: REDIS_URL; else 127.0.0.1:6379 if it answers; else a throwaway
 * `redis-server` on a free port when the binary is installed; else a message saying what to do.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RevokerError } from '../errors.ts';

export interface DemoRedis {
  url: string;
  origin: 'REDIS_URL' | 'local' | 'started';
  stop(): Promise<void>;
}

function answers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function findDemoRedis(env: Readonly<Record<string, string | undefined>>): Promise<DemoRedis> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, origin: 'REDIS_URL', stop: async () => {} };
  if (await answers(6379)) return { url: 'redis://127.0.0.1:6379', origin: 'local', stop: async () => {} };

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'revoker-demo-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const failed = new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    child.once('exit', () => resolve(true));
  });
  for (let i = 0; i < 50; i++) {
    if (await answers(port)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        origin: 'started',
        async stop() {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (await Promise.race([failed, new Promise<boolean>((r) => setTimeout(() => r(false), 100))])) break;
  }
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new RevokerError(
    'REDIS_ERR_UNAVAILABLE',
    'the demo needs Redis 7+: set REDIS_URL, start one on 127.0.0.1:6379, install redis-server ' +
      '(apt-get install redis-server), or run `docker compose --profile host-redis up -d redis-host`',
  );
}
