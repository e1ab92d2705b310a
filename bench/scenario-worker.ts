/**
 * (b) Worker throughput: revoker's worker (runWorker, in this process) beside a bare BullMQ
 * Worker that POSTs the same form with undici (bare-worker.ts), each on N queued jobs naming
 * fresh issued orders, at the same concurrency, against one sandbox in a child process whose
 * rate limit (like the account's) is far above what can be reached.
 *
 * Before measuring: direct POSTs warm the sandbox, and a short run of each side warms this
 * process's code, so neither side pays the JIT or the sandbox's warm-up for the other.
 */
import { openRevoker } from '../src/open-revoker.ts';
import { accountJobOptions } from '../src/queue/job-options.ts';
import { keySpace } from '../src/queue/keys.ts';
import { runWorker } from '../src/run-worker.ts';
import { bareAddBulk } from './bare-producer.ts';
import { runBareWorker, warmSandbox } from './bare-worker.ts';
import { benchConfig, benchEnv } from './config.ts';
import { type BenchContext, benchLogger } from './context.ts';
import { medianBy, perSecond, progress, round, sleep } from './log.ts';
import { ACCOUNT, bareJobs, revokeRows } from './orders.ts';
import { benchPrefix, deleteKeys } from './redis.ts';
import { type BenchSandbox, startSandboxProcess } from './sandbox-child.ts';

export const WORKER_TARGET_RATIO = 0.8;
/** Rounds of each side, alternated: the median round decides, so one noisy round neither passes nor fails. */
export const WORKER_ROUNDS = 3;
const DIRECT_WARM_UP = 5_000;
// Long enough for the JIT: after 2,000 jobs revoker's first round still ran ~10% below its later
// ones (more code to warm than the bare worker's), which put the warm-up in the figure.
const SIDE_WARM_UP = 10_000;
/** Far above reach: neither the queue limiter nor the sandbox may bind. */
const HIGH_LIMIT = { max: 100_000, durationMs: 1000 };
const SANDBOX_LIMIT = { max: 10_000_000, durationMs: 1000 };

export interface WorkerSideResult {
  jobs: number;
  /** From starting the worker (no connection open yet) to the last job done. */
  ms: number;
  jobsPerSec: number;
  /** From 10% of the jobs done to the last: connections open, code warm. */
  steadyJobsPerSec: number;
  /** Requests the sandbox counted for this side, and answers other than 0. */
  sandboxRequests: number;
  notZero: number;
  /** This process's CPU (user + system) per job: the worker's own cost, steadier than the rate on a busy machine. */
  cpuMsPerJob: number;
  /** Redis's CPU per job (INFO cpu), all clients: what the side asks of Redis. */
  redisCpuMsPerJob: number;
}

export interface WorkerRound {
  revoker: WorkerSideResult & { revoked: number; total: number };
  bareWorker: WorkerSideResult;
  /** revoker jobs/s ÷ bare jobs/s (whole runs). */
  ratio: number;
  /** The same over the steady part of each run. */
  steadyRatio: number;
}

export interface WorkerScenarioResult {
  concurrency: number;
  /** Every round, in order (revoker then bare in each). */
  rounds: WorkerRound[];
  /** The median round (by ratio). */
  revoker: WorkerRound['revoker'];
  bareWorker: WorkerSideResult;
  /** The median of the rounds' ratios. */
  ratio: number;
  /** The median round's steady ratio. */
  steadyRatio: number;
  target: { ratioAtLeast: number };
  met: boolean;
}

export async function scenarioWorker(
  ctx: BenchContext,
  jobs = 20_000,
  concurrency = 100,
): Promise<WorkerScenarioResult> {
  const total = DIRECT_WARM_UP + 2 * SIDE_WARM_UP + 2 * jobs * WORKER_ROUNDS;
  progress(`worker: starting the sandbox with ${total.toLocaleString('en')} issued orders`);
  const sandbox = await startSandboxProcess({ orders: total, rateLimits: [SANDBOX_LIMIT] });
  try {
    let next = 0;
    const take = (n: number) => {
      const orders = sandbox.orderNumbers.slice(next, next + n);
      next += n;
      return orders;
    };
    await warmSandbox(sandbox, take(DIRECT_WARM_UP), concurrency, 'worker');
    progress(`worker: warm-up runs of each side (${SIDE_WARM_UP.toLocaleString('en')} jobs)`);
    await runRevokerSide(ctx, sandbox, take(SIDE_WARM_UP), concurrency);
    await runBareSide(ctx, sandbox, take(SIDE_WARM_UP), concurrency);

    const rounds: WorkerRound[] = [];
    for (let n = 1; n <= WORKER_ROUNDS; n++) {
      const ours = await runRevokerSide(ctx, sandbox, take(jobs), concurrency);
      const bare = await runBareSide(ctx, sandbox, take(jobs), concurrency);
      const ratio = round(ours.jobsPerSec / bare.jobsPerSec);
      rounds.push({
        revoker: ours,
        bareWorker: bare,
        ratio,
        steadyRatio: round(ours.steadyJobsPerSec / bare.steadyJobsPerSec),
      });
      progress(
        `worker: round ${n}: revoker ${ours.jobsPerSec} jobs/s (steady ${ours.steadyJobsPerSec}), ` +
          `bare ${bare.jobsPerSec} jobs/s (steady ${bare.steadyJobsPerSec}), ratio ${ratio}`,
      );
    }
    const median = medianBy(rounds, (r) => r.ratio);
    return {
      concurrency,
      rounds,
      revoker: median.revoker,
      bareWorker: median.bareWorker,
      ratio: median.ratio,
      steadyRatio: median.steadyRatio,
      target: { ratioAtLeast: WORKER_TARGET_RATIO },
      met: median.ratio >= WORKER_TARGET_RATIO,
    };
  } finally {
    await sandbox.close();
  }
}

async function runRevokerSide(
  ctx: BenchContext,
  sandbox: BenchSandbox,
  orders: readonly string[],
  concurrency: number,
): Promise<WorkerScenarioResult['revoker']> {
  const prefix = benchPrefix('b', 'revoker');
  const config = benchConfig({
    redisUrl: ctx.redisUrl,
    prefix,
    sectigoBaseUrl: sandbox.sectigoBaseUrl,
    caFile: sandbox.caFile,
    rateLimit: HIGH_LIMIT,
    concurrency,
  });
  const revoker = await openRevoker(config);
  const results = keySpace(prefix).results(ACCOUNT);
  try {
    const { batchId } = await revoker.producer.submit(revokeRows(orders), { source: 'bench' });
    await sandbox.resetStats();
    const tenth = Math.ceil(orders.length / 10);
    let tenthAt = 0;
    const cost = startCostMeter(ctx);
    const started = performance.now();
    const pool = await runWorker({
      config,
      env: benchEnv(),
      logger: benchLogger(),
      tuning: { shutdownGraceMs: 5000 },
    });
    // Every job writes its record (HSET) just before BullMQ completes it: count the records.
    let done = 0;
    const deadline = started + 300_000;
    while (done < orders.length && performance.now() < deadline) {
      await sleep(10);
      done = await ctx.redis.hlen(results);
      if (!tenthAt && done >= tenth) tenthAt = performance.now();
    }
    const ended = performance.now();
    const spent = await cost.stop(done);
    await pool.close();
    if (done < orders.length) progress(`worker: revoker side timed out at ${done} of ${orders.length}`);
    const counts = await revoker.batches.counts(batchId);
    const stats = await sandbox.stats();
    return {
      jobs: orders.length,
      ms: Math.round(ended - started),
      jobsPerSec: perSecond(done, ended - started),
      steadyJobsPerSec: perSecond(done - tenth, ended - tenthAt),
      sandboxRequests: stats.totalRequests,
      notZero: stats.totalRequests - (stats.codes.sectigo['0'] ?? 0),
      ...spent,
      revoked: counts.revoked,
      total: counts.total,
    };
  } finally {
    await revoker.close();
    await deleteKeys(ctx.redis, prefix);
  }
}

async function runBareSide(
  ctx: BenchContext,
  sandbox: BenchSandbox,
  orders: readonly string[],
  concurrency: number,
): Promise<WorkerSideResult> {
  const prefix = benchPrefix('b', 'bare');
  try {
    await bareAddBulk({
      redis: ctx.redis,
      prefix,
      jobs: bareJobs(orders, 'bench-worker-bare'),
      jobOptions: accountJobOptions(),
    });
    await sandbox.resetStats();
    const cost = startCostMeter(ctx);
    const run = await runBareWorker({
      redisUrl: ctx.redisUrl,
      prefix,
      sandboxUrl: sandbox.url,
      caPem: sandbox.caPem,
      concurrency,
      expected: orders.length,
      timeoutMs: 300_000,
    });
    const spent = await cost.stop(run.completed);
    const stats = await sandbox.stats();
    return {
      jobs: orders.length,
      ms: Math.round(run.elapsedMs),
      jobsPerSec: perSecond(run.completed, run.elapsedMs),
      steadyJobsPerSec: perSecond(run.steadyJobs, run.steadyMs),
      sandboxRequests: stats.totalRequests,
      notZero: run.notZero + run.failed,
      ...spent,
    };
  } finally {
    await deleteKeys(ctx.redis, prefix);
  }
}

/** CPU spent from now until stop(): this process's, and Redis's (INFO cpu), per job done. */
function startCostMeter(ctx: BenchContext) {
  const cpu = process.cpuUsage();
  const redisBefore = redisCpuMs(ctx);
  return {
    async stop(jobs: number): Promise<{ cpuMsPerJob: number; redisCpuMsPerJob: number }> {
      const used = process.cpuUsage(cpu);
      const redisMs = (await redisCpuMs(ctx)) - (await redisBefore);
      const per = (ms: number) => (jobs > 0 ? round(ms / jobs, 4) : 0);
      return { cpuMsPerJob: per((used.user + used.system) / 1000), redisCpuMsPerJob: per(redisMs) };
    },
  };
}

async function redisCpuMs(ctx: BenchContext): Promise<number> {
  const info = await ctx.redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (value('used_cpu_sys') + value('used_cpu_user')) * 1000;
}
