/**
 * revoker's worker as an operator runs it, in a child process (`node bin/revoker.cjs worker
 * --config FILE`, so with the V8 flag bin/revoker.cjs sets), with its peak resident set (VmHWM)
 * and CPU time read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cliEnv, REVOKER_BIN } from './cli-process.ts';

export interface WorkerProcess {
  readonly pid: number;
  /** VmHWM and VmRSS in bytes, user+system CPU ms; undefined where /proc is not there. */
  usage(): { peakRssBytes?: number; rssBytes?: number; cpuMs?: number };
  stop(): Promise<number | null>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** VmHWM and VmRSS in bytes, user+system CPU ms of any process; {} where /proc is not there. */
export function processUsage(pid: number): { peakRssBytes?: number; rssBytes?: number; cpuMs?: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    };
    // /proc/PID/stat: fields 14 and 15 (utime, stime) after the `(comm)` field.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      peakRssBytes: kb('VmHWM'),
      rssBytes: kb('VmRSS'),
      cpuMs: Math.round((ticks * 1000) / CLOCK_TICKS_PER_SECOND),
    };
  } catch {
    return {};
  }
}

export function startWorkerProcess(configFile: string, env: Record<string, string>): WorkerProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [REVOKER_BIN, 'worker', '--config', configFile, '--log-level', 'warn', '--grace-ms', '5000'],
    { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its log lines (stdout) and errors go to our standard error.
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid ?? 0;
  return {
    pid,
    usage: () => processUsage(pid),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
