/**
 * A revoker CLI command run as an operator runs it (`node bin/revoker.cjs ARGS`, so with the V8
 * flag bin/revoker.cjs sets), in a child process: its wall time, exit code, the bytes it wrote to
 * standard output (counted, not kept) and its peak RSS (VmHWM at exit, bench/peak-rss.cjs).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REVOKER_BIN = fileURLToPath(new URL('../bin/revoker.cjs', import.meta.url));
export const PEAK_RSS_PRELOAD = fileURLToPath(new URL('./peak-rss.cjs', import.meta.url));

/**
 * Which code bin/revoker.cjs runs: `src` in a checkout (Node strips the types), or `dist` (the
 * build, what the package and the image ship) with BENCH_ENTRY=dist after `npm run build`.
 */
export function benchEntry(): 'src' | 'dist' {
  return process.env.BENCH_ENTRY === 'dist' ? 'dist' : 'src';
}

/** The environment a revoker child process of the bench gets. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // REDIS_URL would win over the config file's redis.url.
  delete env.REDIS_URL;
  if (benchEntry() === 'dist') env.REVOKER_ENTRY = 'dist';
  else delete env.REVOKER_ENTRY;
  return env;
}

export interface CliRun {
  exitCode: number | null;
  ms: number;
  stdoutBytes: number;
  peakRssBytes: number | null;
  stderr: string;
}

export async function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'revoker-bench-rss-'));
  const peakFile = join(dir, 'peak');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', PEAK_RSS_PRELOAD, REVOKER_BIN, ...args], {
      env: cliEnv({ ...env, BENCH_PEAK_RSS_FILE: peakFile }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    const ms = performance.now() - started;
    let peakRssBytes: number | null = null;
    try {
      peakRssBytes = Number(readFileSync(peakFile, 'utf8'));
    } catch {
      // not Linux, or the process died before its exit handler
    }
    return { exitCode, ms, stdoutBytes, peakRssBytes, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
