/**
 * The two HTTP servers of (e), each in a child process of its own so the load generator (this
 * process) never shares their event loop: `revoker serve` as an operator runs it, and the bare
 * fastify baseline (bare-api-server.ts). Ready once `/livez` answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './log.ts';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-api-server.ts', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  /** The process's user + system CPU time so far, in ms (from /proc; undefined elsewhere). */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    // /proc/PID/stat: utime and stime are fields 14 and 15, after the `(comm)` field.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `revoker serve --config FILE --port P --log-level LEVEL`. */
export async function startRevokerServe(
  configFile: string,
  env: Record<string, string>,
  logLevel: string,
): Promise<ServerProcess> {
  const port = await freePort();
  return started(
    spawn(
      process.execPath,
      [MAIN, 'serve', '--config', configFile, '--port', String(port), '--log-level', logLevel],
      {
        // Its request log goes where a deployment's would: out of the way (here, nowhere).
        env: { ...process.env, REDIS_URL: '', ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    ),
    port,
  );
}

export async function startBareServer(redisUrl: string, prefix: string): Promise<ServerProcess> {
  const port = await freePort();
  return started(
    spawn(process.execPath, [BARE], {
      env: { ...process.env, REDIS_URL: redisUrl, BENCH_PREFIX: prefix, BENCH_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
    port,
  );
}

async function started(child: ChildProcess, port: number): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it answered`);
    const ok = await fetch(`${url}/livez`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer ${url}/livez within 30 s`);
    }
    await sleep(100);
  }
  return {
    url,
    cpuMs: () => cpuMsOf(child.pid),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
