/**
 * The vendor sandbox in a child process (sandbox-process.ts), and the parent's handle on it:
 * where it listens, its CA, the order numbers it issued, and its stats over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LatencySpec } from '../src/sandbox/latency.ts';
import type { SandboxStats } from '../src/sandbox/stats.ts';
import type { SandboxProcessOptions } from './sandbox-process.ts';

export type BenchSandboxStats = Omit<SandboxStats, 'orders'> & {
  /** Orders revoked exactly once / more than once since the sandbox started. */
  revokedOnce: number;
  revokedMoreThanOnce: number;
};

export interface BenchSandbox {
  readonly url: string;
  readonly sectigoBaseUrl: string;
  readonly caFile: string;
  readonly caPem: string;
  /** Every order the sandbox holds (all issued), in seed order. */
  readonly orderNumbers: readonly string[];
  readonly pid: number;
  stats(): Promise<BenchSandboxStats>;
  resetStats(): Promise<void>;
  /** Epoch ms (fractional) of every vendor request since start or the last reset. */
  arrivals(): Promise<number[]>;
  /** Changes the latency added to every vendor answer from now on. */
  setLatency(latency: LatencySpec): Promise<void>;
  close(): Promise<void>;
}

interface Ready {
  url: string;
  sectigoBaseUrl: string;
  caFile: string;
  caPem: string;
  orderNumbers: string[];
}

export async function startSandboxProcess(options: SandboxProcessOptions): Promise<BenchSandbox> {
  const script = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
  // Its standard output goes to our standard error: ours is for the result only.
  const child: ChildProcess = fork(script, [JSON.stringify(options)], { stdio: ['ignore', 2, 2, 'ipc'] });
  const pending = new Map<number, (body: unknown) => void>();
  let nextId = 1;

  const ready = await new Promise<Ready>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`sandbox process exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (message: { ready?: Ready; id?: number; body?: unknown }) => {
      if (message.ready) {
        child.off('exit', onExit);
        resolve(message.ready);
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message.body);
        pending.delete(message.id);
      }
    });
  });

  const ask = <T>(type: 'stats' | 'reset' | 'arrivals' | 'latency' | 'close', extra = {}): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (body: unknown) => void);
      child.send({ id, type, ...extra });
    });

  let closed: Promise<void> | undefined;
  return {
    ...ready,
    pid: child.pid ?? 0,
    stats: () => ask<BenchSandboxStats>('stats'),
    resetStats: () => ask<void>('reset'),
    arrivals: () => ask<number[]>('arrivals'),
    setLatency: (latency) => ask<void>('latency', { latency }),
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        await Promise.race([ask<void>('close'), exited]);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      })();
      return closed;
    },
  };
}
