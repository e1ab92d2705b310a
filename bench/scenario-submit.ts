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
import { perSecond, progress, round } from './log.ts';
import { type BenchRow, bareJobs, revokeRows, syntheticOrderNumbers } from './orders.ts';
import { benchPrefix, deleteKeys } from './redis.ts';

export const SUBMIT_TARGET_RATIO = 0.8;

export interface SubmitScenarioResult {
  rows: number;
  revoker: {
    ms: number;
    rowsPerSec: number;
    /** Pass 1 (read, validate, stage in Redis) and pass 2 (enqueue from staging), split where the rows ran out. */
    validateAndStageMs: number;
    enqueueMs: number;
    enqueued: number;
  };
  bareAddBulk: { ms: number; rowsPerSec: number; added: number };
  /** revoker rows/s ÷ bare rows/s. */
  ratio: number;
  target: { ratioAtLeast: number };
  met: boolean;
}

const NO_SANDBOX = 'https://sandbox.invalid/products/';

export async function scenarioSubmit(ctx: BenchContext, rows = 200_000): Promise<SubmitScenarioResult> {
  // Warm-up: JIT both paths on a small batch so neither side pays it in the measurement.
  progress('submit: warm-up (5,000 rows each way)');
  await runRevoker(ctx, 5_000, 1);
  await runBare(ctx, 5_000, 1);

  progress(`submit: revoker.producer.submit of ${rows.toLocaleString('en')} rows`);
  const ours = await runRevoker(ctx, rows, 0);
  progress(`submit: revoker ${perSecond(rows, ours.ms)} rows/s`);
  progress(`submit: bare addBulk of ${rows.toLocaleString('en')} jobs`);
  const bare = await runBare(ctx, rows, 0);
  progress(`submit: bare ${perSecond(rows, bare.ms)} rows/s`);

  const revokerRate = perSecond(rows, ours.ms);
  const bareRate = perSecond(rows, bare.ms);
  const ratio = round(revokerRate / bareRate);
  return {
    rows,
    revoker: {
      ms: Math.round(ours.ms),
      rowsPerSec: revokerRate,
      validateAndStageMs: Math.round(ours.passOneMs),
      enqueueMs: Math.round(ours.ms - ours.passOneMs),
      enqueued: ours.enqueued,
    },
    bareAddBulk: { ms: Math.round(bare.ms), rowsPerSec: bareRate, added: bare.added },
    ratio,
    target: { ratioAtLeast: SUBMIT_TARGET_RATIO },
    met: ratio >= SUBMIT_TARGET_RATIO,
  };
}

function batchIdFor(rows: number, warm: number): string {
  return `bench-submit-${rows}-${warm ? 'warm' : 'run'}`;
}

async function runRevoker(
  ctx: BenchContext,
  rows: number,
  warm: number,
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
      batchId: batchIdFor(rows, warm),
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
  warm: number,
): Promise<{ ms: number; added: number }> {
  const prefix = benchPrefix('a', 'bare');
  const jobOptions = accountJobOptions();
  try {
    const started = performance.now();
    const added = await bareAddBulk({
      redis: ctx.redis,
      prefix,
      jobs: bareJobs(syntheticOrderNumbers(rows), batchIdFor(rows, warm)),
      jobOptions,
    });
    return { ms: performance.now() - started, added };
  } finally {
    await deleteKeys(ctx.redis, prefix);
  }
}
