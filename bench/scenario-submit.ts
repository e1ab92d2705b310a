/**
 * (a) Producer throughput: `revoker.producer.submit` of N rows from an in-memory generator
 * (validation, staging in Redis, addBulk per 1,000, batch item list) beside a bare BullMQ
 * `addBulk` loop of the same jobs (same ids, data and options, 1,000 at a time) into another
 * prefix. Nothing consumes the queues; every key is deleted afterwards.
 */

import { openRevoker } from '../src/open-revoker.ts';
import { accountJobOptions } from '../src/queue/job-options.ts';
import { bareAddBulk } from './bare-producer.ts';
import { type BenchConfigOptions, benchConfig } from './config.ts';
import type { BenchContext } from './context.ts';
import { medianBy, perSecond, progress, round as roundTo } from './log.ts';
import { type BenchRow, bareJobs, revokeRows, syntheticOrderNumbers } from './orders.ts';
import { benchPrefix, deleteKeys } from './redis.ts';

export const SUBMIT_TARGET_RATIO = 0.85;
/** Rounds of each side, alternated: the median round decides, so one noisy round neither passes nor fails. */
export const SUBMIT_ROUNDS = 3;

export interface SubmitRound {
  revoker: {
    ms: number;
    rowsPerSec: number;
    /** Pass 1 (read, validate, stage in Redis) and pass 2 (enqueue from staging), split where the rows ran out. */
    validateAndStageMs: number;
    enqueueMs: number;
    enqueued: number;
  };
  bareAddBulk: { ms: number; rowsPerSec: number; added: number };
  /** revoker rows/s ÷ bare rows/s in this round. */
  ratio: number;
}

export interface SubmitScenarioResult {
  rows: number;
  /** Every round, in order (revoker then bare in each). */
  rounds: SubmitRound[];
  /** The median round (by ratio). */
  revoker: SubmitRound['revoker'];
  bareAddBulk: SubmitRound['bareAddBulk'];
  /** The median of the rounds' ratios. */
  ratio: number;
  target: { ratioAtLeast: number };
  met: boolean;
}

const NO_SANDBOX = 'https://sandbox.invalid/products/';

export async function scenarioSubmit(ctx: BenchContext, rows = 200_000): Promise<SubmitScenarioResult> {
  // Warm-up: JIT both paths on a small batch so neither side pays it in the measurement.
  progress('submit: warm-up (5,000 rows each way)');
  await runRevoker(ctx, 5_000, 'warm');
  await runBare(ctx, 5_000, 'warm');

  const rounds: SubmitRound[] = [];
  for (let round = 1; round <= SUBMIT_ROUNDS; round++) {
    const ours = await runRevoker(ctx, rows, `run${round}`);
    const bare = await runBare(ctx, rows, `run${round}`);
    const revokerRate = perSecond(rows, ours.ms);
    const bareRate = perSecond(rows, bare.ms);
    rounds.push({
      revoker: {
        ms: Math.round(ours.ms),
        rowsPerSec: revokerRate,
        validateAndStageMs: Math.round(ours.passOneMs),
        enqueueMs: Math.round(ours.ms - ours.passOneMs),
        enqueued: ours.enqueued,
      },
      bareAddBulk: { ms: Math.round(bare.ms), rowsPerSec: bareRate, added: bare.added },
      ratio: roundTo(revokerRate / bareRate),
    });
    progress(
      `submit: round ${round}: revoker ${revokerRate} rows/s, bare addBulk ${bareRate} rows/s, ratio ${roundTo(revokerRate / bareRate)}`,
    );
  }
  const median = medianBy(rounds, (r) => r.ratio);
  return {
    rows,
    rounds,
    revoker: median.revoker,
    bareAddBulk: median.bareAddBulk,
    ratio: median.ratio,
    target: { ratioAtLeast: SUBMIT_TARGET_RATIO },
    met: median.ratio >= SUBMIT_TARGET_RATIO,
  };
}

function batchIdFor(rows: number, label: string): string {
  return `bench-submit-${rows}-${label}`;
}

async function runRevoker(
  ctx: BenchContext,
  rows: number,
  label: string,
): Promise<{ ms: number; passOneMs: number; enqueued: number }> {
  const prefix = benchPrefix('a', 'revoker');
  const options: BenchConfigOptions = {
    redisUrl: ctx.redisUrl,
    prefix,
    sectigoBaseUrl: NO_SANDBOX,
    rateLimit: { max: 100_000, durationMs: 1000 },
    concurrency: 100,
  };
  const revoker = await openRevoker(benchConfig(options));
  try {
    let rowsDoneAt = 0;
    const started = performance.now();
    function* timedRows(): Generator<BenchRow> {
      yield* revokeRows(syntheticOrderNumbers(rows));
      rowsDoneAt = performance.now();
    }
    const summary = await revoker.producer.submit(timedRows(), {
      batchId: batchIdFor(rows, label),
      source: 'bench',
    });
    const ms = performance.now() - started;
    if (summary.enqueued !== rows) throw new Error(`submit enqueued ${summary.enqueued} of ${rows}`);
    return { ms, passOneMs: rowsDoneAt - started, enqueued: summary.enqueued };
  } finally {
    await revoker.close();
    await deleteKeys(ctx.redis, prefix);
  }
}

async function runBare(
  ctx: BenchContext,
  rows: number,
  label: string,
): Promise<{ ms: number; added: number }> {
  const prefix = benchPrefix('a', 'bare');
  const jobOptions = accountJobOptions();
  try {
    const started = performance.now();
    const added = await bareAddBulk({
      redis: ctx.redis,
      prefix,
      jobs: bareJobs(syntheticOrderNumbers(rows), batchIdFor(rows, label)),
      jobOptions,
    });
    return { ms: performance.now() - started, added };
  } finally {
    await deleteKeys(ctx.redis, prefix);
  }
}
