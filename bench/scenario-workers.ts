/**
 * (f) Many workers: 1, 2 and 4 worker processes (`revoker worker --config FILE`, as an operator
 * runs them) on ONE account whose limit is far out of reach, against the sandbox (a child
 * process) answering at once and with 200 ms of added latency. Per run: jobs per second, what
 * each job cost Redis (commands from INFO commandstats, CPU from INFO cpu), the worker processes'
 * CPU per job, and where the machine's cores went. With latency, throughput should follow
 * processes × concurrency ÷ latency until Redis or the cores saturate; the verdict says which.
 *
 * Each run: the queue is paused, the workers start and register (BullMQ's client names), the
 * batch is submitted into the paused queue, then the queue is resumed and the clock runs until
 * every item has its record. So start-up and submit are outside both the time and the per-job
 * figures of the worker phase (submit's own Redis commands are reported beside them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { openRevoker } from '../src/open-revoker.ts';
import { QUEUE_STREAMS } from '../src/queue/job-options.ts';
import { keySpace } from '../src/queue/keys.ts';
import type { LatencySpec } from '../src/sandbox/latency.ts';
import { warmSandbox } from './bare-worker.ts';
import { type BenchConfigOptions, benchConfig, benchEnv, writeBenchConfig } from './config.ts';
import type { BenchContext } from './context.ts';
import { perSecond, progress, round, sleep, until } from './log.ts';
import { ACCOUNT, revokeRows } from './orders.ts';
import { benchPrefix, commandStats, connectedClients, deleteKeys, redisCpuMs } from './redis.ts';
import { type BenchSandbox, startSandboxProcess } from './sandbox-child.ts';
import { processUsage, startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/** Far above reach: neither the queue limiter nor the sandbox may bind. */
const HIGH_LIMIT = { max: 100_000, durationMs: 1000 };
const SANDBOX_LIMIT = { max: 10_000_000, durationMs: 1000 };
const PROCESS_COUNTS = [1, 2, 4] as const;
const LATENCY_MS = 200;
/** A spread around 200 ms (the sandbox never answers with a constant), mean exactly 200. */
const LATENCY: LatencySpec = { kind: 'uniform', minMs: LATENCY_MS - 20, maxMs: LATENCY_MS + 20 };
const NO_LATENCY: LatencySpec = { kind: 'none' };
const SANDBOX_WARM_UP = 2_000;
const POLL_MS = 50;
/** How long Redis is watched with nothing of ours running, for the other clients' share. */
const BACKGROUND_MS = 1_000;
/** The verdict's thresholds at 200 ms: 2 processes vs 1, 4 processes vs 1. */
export const SCALING_TARGET = { twoProcesses: 1.6, fourProcesses: 2.5 } as const;
/** A resource counts as saturated at this share of its capacity (cores: of all the machine's). */
const SATURATED = 0.9;

export interface WorkersRunResult {
  processes: number;
  concurrencyPerProcess: number;
  latencyMs: number;
  jobs: number;
  /** From resuming the queue (workers ready, jobs queued) to the last record. */
  ms: number;
  jobsPerSec: number;
  /** From 10% of the jobs done to the last. */
  steadyJobsPerSec: number;
  /** processes × concurrency ÷ latency (with latency only), and the measured share of it. */
  expectedCeilingJobsPerSec?: number;
  ofCeiling?: number;
  redis: {
    /** Every command Redis ran during the worker phase ÷ jobs, commands inside Lua scripts included. */
    callsPerJob: number;
    /** The same less what the other clients of this Redis ran at their rate measured just before. */
    callsPerJobLessBackground: number;
    /** EVAL/EVALSHA/FCALL calls per job: the scripts, each one round trip from a client. */
    scriptsPerJob: number;
    /** Microseconds Redis spent in commands (commandstats usec) per job. */
    commandUsecPerJob: number;
    /** The commands run most, with the microseconds each spent per job. */
    top: { command: string; callsPerJob: number; usecPerJob: number }[];
    /** INFO cpu used_cpu_sys + used_cpu_user during the worker phase, per 1,000 jobs. */
    cpuMsPer1000Jobs: number;
    cpuMsPer1000JobsLessBackground: number;
    /** Commands per job of the `submit` into the paused queue (not in the figures above). */
    submitCallsPerJob: number;
    /** connected_clients with the workers running − before they started, ÷ processes. */
    connectionsPerProcess: number;
  };
  workers: {
    /** user + system CPU of all the worker processes during the worker phase ÷ jobs. */
    cpuMsPerJob: number;
    peakRssMiB: number | null;
  };
  sandbox: { requests: number; notZero: number };
  /**
   * CPU seconds per second of the worker phase (1 = one core): the machine's busy time
   * (/proc/stat, at most `cpus`), Redis (INFO cpu; 1 is its ceiling, it runs commands on one
   * thread), the worker processes, the sandbox, this bench process, and the rest of the machine
   * (busy − those; meaningful when Redis runs on this machine).
   */
  cores: {
    machineBusy: number;
    redis: number;
    workers: number;
    sandbox: number;
    bench: number;
    other: number;
  };
  /**
   * `cpus` ÷ the CPU per job of this run's own processes (workers, Redis, sandbox, bench): the
   * rate the machine could carry if every core were this run's. Shows what a busy machine hid.
   */
  cpuBoundJobsPerSec: number;
  report: { total: number; revoked: number; complete: boolean };
}

export interface ScalingVerdict {
  /** jobs/s of 2 and of 4 processes ÷ that of 1. */
  twoVsOne: number;
  fourVsOne: number;
  scales: boolean;
  /** When it does not: what was saturated in the 4-process run (cores, redis), else unexplained. */
  limitedBy: 'nothing' | 'cores' | 'redis' | 'unexplained';
}

export interface WorkersScenarioResult {
  concurrencyPerProcess: number;
  accountLimit: { max: number; durationMs: number };
  cpus: number;
  redisBackground: { callsPerSec: number; cpuCores: number };
  noLatency: { jobsPerRun: number; runs: WorkersRunResult[]; scaling: ScalingVerdict };
  latency200ms: { jobsPerProcess: number; runs: WorkersRunResult[]; scaling: ScalingVerdict };
  target: { at200ms: typeof SCALING_TARGET };
  /** The 200 ms case scales, or its shortfall is explained by saturated cores or Redis. */
  met: { scales: boolean; explained: boolean; all: boolean };
}

export async function scenarioWorkers(
  ctx: BenchContext,
  jobsNoLatency = 5_000,
  jobsPerProcessAt200ms = 2_500,
  concurrency = 50,
): Promise<WorkersScenarioResult> {
  const processTotal = PROCESS_COUNTS.reduce((sum, n) => sum + n, 0);
  const total =
    SANDBOX_WARM_UP + PROCESS_COUNTS.length * jobsNoLatency + processTotal * jobsPerProcessAt200ms;
  progress(`workers: starting the sandbox with ${total.toLocaleString('en')} issued orders`);
  const sandbox = await startSandboxProcess({
    orders: total,
    rateLimits: [SANDBOX_LIMIT],
    latency: NO_LATENCY,
  });
  const dir = mkdtempSync(join(tmpdir(), 'revoker-bench-f-'));
  const backgrounds: { callsPerSec: number; cpuCores: number }[] = [];
  try {
    let next = 0;
    const take = (n: number) => {
      const orders = sandbox.orderNumbers.slice(next, next + n);
      next += n;
      return orders;
    };
    await warmSandbox(sandbox, take(SANDBOX_WARM_UP), concurrency, 'workers');

    const noLatency: WorkersRunResult[] = [];
    for (const processes of PROCESS_COUNTS) {
      const run = await runOnce(
        ctx,
        sandbox,
        dir,
        take(jobsNoLatency),
        processes,
        concurrency,
        0,
        backgrounds,
      );
      noLatency.push(run);
    }
    await sandbox.setLatency(LATENCY);
    const withLatency: WorkersRunResult[] = [];
    for (const processes of PROCESS_COUNTS) {
      const orders = take(processes * jobsPerProcessAt200ms);
      const run = await runOnce(ctx, sandbox, dir, orders, processes, concurrency, LATENCY_MS, backgrounds);
      withLatency.push(run);
    }

    const scaling200 = verdict(withLatency);
    const explained = scaling200.limitedBy === 'cores' || scaling200.limitedBy === 'redis';
    return {
      concurrencyPerProcess: concurrency,
      accountLimit: HIGH_LIMIT,
      cpus: cpus().length,
      redisBackground: {
        callsPerSec: round(mean(backgrounds.map((b) => b.callsPerSec)), 0),
        cpuCores: round(mean(backgrounds.map((b) => b.cpuCores)), 3),
      },
      noLatency: { jobsPerRun: jobsNoLatency, runs: noLatency, scaling: verdict(noLatency) },
      latency200ms: { jobsPerProcess: jobsPerProcessAt200ms, runs: withLatency, scaling: scaling200 },
      target: { at200ms: SCALING_TARGET },
      met: { scales: scaling200.scales, explained, all: scaling200.scales || explained },
    };
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Snapshot {
  at: number;
  commands: Map<string, { calls: number; usec: number }>;
  redisCpuMs: number;
  workerCpuMs: number;
  sandboxCpuMs: number;
  benchCpuMs: number;
  machine: { busy: number; total: number };
}

async function snapshot(
  ctx: BenchContext,
  workers: readonly WorkerProcess[],
  sandboxPid: number,
): Promise<Snapshot> {
  const commands = await commandStats(ctx.redis);
  const cpuMs = await redisCpuMs(ctx.redis);
  return {
    at: performance.now(),
    commands,
    redisCpuMs: cpuMs,
    workerCpuMs: workers.reduce((sum, w) => sum + (w.usage().cpuMs ?? 0), 0),
    sandboxCpuMs: processUsage(sandboxPid).cpuMs ?? 0,
    benchCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    machine: machineTicks(),
  };
}

/** Busy and total jiffies of all cores (/proc/stat's first line); zeros where it is not there. */
function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Commands run between two snapshots, by command, less the ones the bench itself sent. */
function commandsBetween(
  before: Snapshot,
  after: Snapshot,
  own: Record<string, number>,
): { byCommand: Map<string, number>; usecByCommand: Map<string, number>; calls: number; usec: number } {
  const byCommand = new Map<string, number>();
  const usecByCommand = new Map<string, number>();
  let calls = 0;
  let usec = 0;
  for (const [name, stat] of after.commands) {
    const prior = before.commands.get(name) ?? { calls: 0, usec: 0 };
    const n = Math.max(0, stat.calls - prior.calls - (own[name] ?? 0));
    usec += stat.usec - prior.usec;
    if (n > 0) byCommand.set(name, n);
    if (stat.usec > prior.usec) usecByCommand.set(name, stat.usec - prior.usec);
    calls += n;
  }
  return { byCommand, usecByCommand, calls, usec };
}

async function runOnce(
  ctx: BenchContext,
  sandbox: BenchSandbox,
  dir: string,
  orders: readonly string[],
  processes: number,
  concurrency: number,
  latencyMs: number,
  backgrounds: { callsPerSec: number; cpuCores: number }[],
): Promise<WorkersRunResult> {
  const jobs = orders.length;
  const label = `${processes} process${processes > 1 ? 'es' : ''} at ${latencyMs} ms`;
  const prefix = benchPrefix('f', `${processes}p${latencyMs}ms`);
  const configFile = join(dir, `${processes}p${latencyMs}ms.config.json`);
  const options: BenchConfigOptions = {
    redisUrl: ctx.redisUrl,
    prefix,
    sectigoBaseUrl: sandbox.sectigoBaseUrl,
    caFile: sandbox.caFile,
    rateLimit: HIGH_LIMIT,
    concurrency,
  };
  writeBenchConfig(configFile, options);
  const revoker = await openRevoker(benchConfig(options));
  const keys = keySpace(prefix);
  const address = keys.accountQueue(ACCOUNT);
  const queue = new Queue(address.name, {
    connection: ctx.redis,
    prefix: address.prefix,
    streams: QUEUE_STREAMS,
  });
  const workers: WorkerProcess[] = [];
  try {
    // The other clients of this Redis, at rest as far as this run goes.
    const quietFrom = await snapshot(ctx, [], sandbox.pid);
    await sleep(BACKGROUND_MS);
    const quietTo = await snapshot(ctx, [], sandbox.pid);
    const quiet = commandsBetween(quietFrom, quietTo, { info: 2 });
    const background = {
      callsPerSec: (quiet.calls * 1000) / (quietTo.at - quietFrom.at),
      cpuMsPerMs: (quietTo.redisCpuMs - quietFrom.redisCpuMs) / (quietTo.at - quietFrom.at),
    };
    backgrounds.push({ callsPerSec: background.callsPerSec, cpuCores: background.cpuMsPerMs });

    await queue.pause();
    const clientsBefore = await connectedClients(ctx.redis);
    progress(`workers: ${label}: starting the worker processes`);
    for (let i = 0; i < processes; i++) workers.push(startWorkerProcess(configFile, benchEnv()));
    const ready = await until(async () => (await queue.getWorkersCount()) >= processes, 60_000, 100);
    if (!ready) throw new Error(`workers: ${label}: the workers did not register within 60 s`);
    // Registered is not quite started: let the rest of each process's start-up settle.
    await sleep(1_000);
    const connectionsPerProcess = ((await connectedClients(ctx.redis)) - clientsBefore) / processes;

    const s0 = await snapshot(ctx, workers, sandbox.pid);
    progress(`workers: ${label}: submitting ${jobs.toLocaleString('en')} jobs into the paused queue`);
    const { batchId } = await revoker.producer.submit(revokeRows(orders), { source: 'bench' });
    await sandbox.resetStats();
    const s1 = await snapshot(ctx, workers, sandbox.pid);

    await queue.resume();
    const started = performance.now();
    const tenth = Math.ceil(jobs / 10);
    let tenthAt = 0;
    let done = 0;
    let polls = 0;
    let lastReport = started;
    const deadline = started + 240_000;
    while (done < jobs && performance.now() < deadline) {
      await sleep(POLL_MS);
      done = await ctx.redis.hlen(keys.results(ACCOUNT));
      polls++;
      if (!tenthAt && done >= tenth) tenthAt = performance.now();
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        progress(`workers: ${label}: ${done.toLocaleString('en')} of ${jobs.toLocaleString('en')} done`);
      }
    }
    const ended = performance.now();
    const s2 = await snapshot(ctx, workers, sandbox.pid);
    if (done < jobs) progress(`workers: ${label}: timed out at ${done} of ${jobs}`);
    const peakRss = Math.max(...workers.map((w) => w.usage().peakRssBytes ?? 0));
    const codes = await Promise.all(workers.splice(0).map((w) => w.stop()));
    if (codes.some((c) => c !== 0)) progress(`workers: ${label}: worker exit codes ${codes.join(', ')}`);

    const ms = ended - started;
    const work = commandsBetween(s1, s2, { hlen: polls, info: 2 });
    const submit = commandsBetween(s0, s1, { info: 2 });
    const seconds = (s2.at - s1.at) / 1000;
    const redisCpu = s2.redisCpuMs - s1.redisCpuMs;
    const wall = s2.at - s1.at;
    const jobsPerSec = perSecond(done, ms);
    const ceiling = latencyMs > 0 ? (processes * concurrency * 1000) / latencyMs : undefined;
    const scripts = ['evalsha', 'eval', 'fcall', 'evalsha_ro', 'eval_ro'].reduce(
      (sum, name) => sum + (work.byCommand.get(name) ?? 0),
      0,
    );
    const stats = await sandbox.stats();
    const counts = await revoker.batches.counts(batchId);
    progress(
      `workers: ${label}: ${jobsPerSec} jobs/s${ceiling ? ` (ceiling ${ceiling})` : ''}, ` +
        `${round(work.calls / jobs, 1)} Redis commands and ${round((redisCpu * 1000) / jobs, 0)} ms Redis CPU per 1,000 jobs`,
    );
    return {
      processes,
      concurrencyPerProcess: concurrency,
      latencyMs,
      jobs,
      ms: Math.round(ms),
      jobsPerSec,
      steadyJobsPerSec: tenthAt ? perSecond(done - tenth, ended - tenthAt) : 0,
      ...(ceiling ? { expectedCeilingJobsPerSec: ceiling, ofCeiling: round(jobsPerSec / ceiling, 2) } : {}),
      redis: {
        callsPerJob: round(work.calls / jobs, 1),
        callsPerJobLessBackground: round(
          Math.max(0, work.calls - background.callsPerSec * seconds) / jobs,
          1,
        ),
        scriptsPerJob: round(scripts / jobs, 2),
        commandUsecPerJob: round(work.usec / jobs, 1),
        top: [...work.byCommand]
          .sort(([, a], [, b]) => b - a)
          .slice(0, 8)
          .map(([command, calls]) => ({
            command,
            callsPerJob: round(calls / jobs, 2),
            usecPerJob: round((work.usecByCommand.get(command) ?? 0) / jobs, 1),
          })),
        cpuMsPer1000Jobs: round((redisCpu * 1000) / jobs, 1),
        cpuMsPer1000JobsLessBackground: round(
          (Math.max(0, redisCpu - background.cpuMsPerMs * wall) * 1000) / jobs,
          1,
        ),
        submitCallsPerJob: round(submit.calls / jobs, 1),
        connectionsPerProcess: round(connectionsPerProcess, 1),
      },
      workers: {
        cpuMsPerJob: round((s2.workerCpuMs - s1.workerCpuMs) / jobs, 3),
        peakRssMiB: peakRss > 0 ? round(peakRss / 2 ** 20, 1) : null,
      },
      sandbox: {
        requests: stats.totalRequests,
        notZero: stats.totalRequests - (stats.codes.sectigo['0'] ?? 0),
      },
      cores: coresBetween(s1, s2),
      cpuBoundJobsPerSec: cpuBound(s1, s2, jobs),
      report: {
        total: counts.total,
        revoked: counts.revoked,
        complete: counts.total === jobs && counts.revoked === jobs,
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await queue.close();
    await revoker.close();
    await deleteKeys(ctx.redis, prefix);
  }
}

/** 2 and 4 processes against 1; when short of the targets, what the 4-process run ran out of. */
function verdict(runs: readonly WorkersRunResult[]): ScalingVerdict {
  const rate = (n: number) => runs.find((r) => r.processes === n)?.jobsPerSec ?? 0;
  const one = rate(1);
  const twoVsOne = one > 0 ? round(rate(2) / one, 2) : 0;
  const fourVsOne = one > 0 ? round(rate(4) / one, 2) : 0;
  const scales = twoVsOne >= SCALING_TARGET.twoProcesses && fourVsOne >= SCALING_TARGET.fourProcesses;
  if (scales) return { twoVsOne, fourVsOne, scales, limitedBy: 'nothing' };
  const largest = runs.at(-1);
  let limitedBy: ScalingVerdict['limitedBy'] = 'unexplained';
  if (largest && largest.cores.redis >= SATURATED) limitedBy = 'redis';
  else if (largest && largest.cores.machineBusy >= SATURATED * cpus().length) limitedBy = 'cores';
  return { twoVsOne, fourVsOne, scales, limitedBy };
}

function coresBetween(s1: Snapshot, s2: Snapshot): WorkersRunResult['cores'] {
  const wall = s2.at - s1.at;
  const per = (ms: number) => round(ms / wall, 2);
  const machineTotal = s2.machine.total - s1.machine.total;
  const machineBusy =
    machineTotal > 0 ? ((s2.machine.busy - s1.machine.busy) / machineTotal) * cpus().length * wall : 0;
  const redis = s2.redisCpuMs - s1.redisCpuMs;
  const workers = s2.workerCpuMs - s1.workerCpuMs;
  const sandbox = s2.sandboxCpuMs - s1.sandboxCpuMs;
  const bench = s2.benchCpuMs - s1.benchCpuMs;
  return {
    machineBusy: per(machineBusy),
    redis: per(redis),
    workers: per(workers),
    sandbox: per(sandbox),
    bench: per(bench),
    other: per(Math.max(0, machineBusy - redis - workers - sandbox - bench)),
  };
}

function cpuBound(s1: Snapshot, s2: Snapshot, jobs: number): number {
  const ownMs =
    s2.redisCpuMs -
    s1.redisCpuMs +
    (s2.workerCpuMs - s1.workerCpuMs) +
    (s2.sandboxCpuMs - s1.sandboxCpuMs) +
    (s2.benchCpuMs - s1.benchCpuMs);
  return ownMs > 0 ? Math.round((cpus().length * 1000 * jobs) / ownMs) : 0;
}

function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((sum, v) => sum + v, 0) / values.length : 0;
}
