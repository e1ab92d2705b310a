/**
 * (d) Memory: a 1,000,000-item batch through the three processes an operator runs, each a child
 * process of its own (`node bin/revoker.cjs …`), with its peak RSS (VmHWM): `revoker submit FILE`
 * of a CSV file, `revoker worker --config FILE` until every item has its record, and `revoker
 * batch report` of the finished batch (JSON to a file, CSV to standard output). Redis memory per
 * item is measured twice: queued (after the submit, before the worker starts) and finished. The
 * report must still be whole: counts.total and counts.revoked must both be the batch size.
 */

import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRevoker } from '../src/open-revoker.ts';
import { keySpace } from '../src/queue/keys.ts';
import { benchEntry, type CliRun, runCli } from './cli-process.ts';
import { type BenchConfigOptions, benchConfig, benchEnv, writeBenchConfig } from './config.ts';
import type { BenchContext } from './context.ts';
import { perSecond, progress, round, sleep, until } from './log.ts';
import { ACCOUNT, OPERATION, REASON } from './orders.ts';
import { benchPrefix, deleteKeys, memoryByGroup, usedMemory } from './redis.ts';
import { startSandboxProcess } from './sandbox-child.ts';
import { startWorkerProcess } from './worker-process.ts';

/** A CLI run's figures. */
export interface CliFigures {
  ms: number;
  peakRssBytes: number | null;
  peakRssMiB: number | null;
  exitCode: number | null;
}

export interface MemoryScenarioResult {
  items: number;
  /** What bin/revoker.cjs ran in the child processes: `src` (a checkout) or `dist` (BENCH_ENTRY=dist). */
  entry: 'src' | 'dist';
  redis: {
    usedMemoryBefore: number;
    /** After the submit, before the worker started: every item queued, none finished. */
    usedMemoryQueued: number;
    /** (queued − before) ÷ items: what a waiting item costs (job hash, wait list, batch list, …). */
    queuedBytesPerItem: number;
    usedMemoryAfter: number;
    /** (after − before) ÷ items: the brief's figure; includes anything else writing to this Redis meanwhile. */
    bytesPerItem: number;
    /** MEMORY USAGE of this run's own keys ÷ items (immune to other clients), and by kind of key. */
    ownKeysBytesPerItem: number;
    ownKeys: Record<string, { keys: number; bytes: number; bytesPerItem: number }>;
  };
  worker: {
    concurrency: number;
    peakRssBytes: number | null;
    peakRssMiB: number | null;
    cpuMsPerJob: number | null;
    ms: number;
    jobsPerSec: number;
  };
  /** `revoker submit FILE` of an items-row CSV file. */
  submit: CliFigures & { rowsPerSec: number; fileBytes: number };
  /** `revoker batch report ID` of the finished batch: JSON with --out FILE, CSV to standard output. */
  reportCli: { json: CliFigures & { bytes: number }; csv: CliFigures & { bytes: number } };
  report: { total: number; revoked: number; complete: boolean };
  sandbox: { requests: number; revokedMoreThanOnce: number };
  target: {
    bytesPerItemAtMost: number;
    queuedBytesPerItemAtMost: number;
    peakRssMiBBelow: number;
  };
  met: {
    bytesPerItem: boolean;
    queuedBytesPerItem: boolean;
    submitRss: boolean;
    workerRss: boolean;
    reportRss: boolean;
    reportComplete: boolean;
    all: boolean;
  };
}

/** Redis memory per item of a finished batch whose report is still complete. */
export const MEMORY_TARGET_BYTES_PER_ITEM = 200;
/** Redis memory per queued (not yet finished) item. */
export const MEMORY_TARGET_QUEUED_BYTES_PER_ITEM = 600;
/** Peak RSS of the submit, the worker and the report, each. */
export const MEMORY_TARGET_PEAK_RSS_MIB = 200;

export async function scenarioMemory(
  ctx: BenchContext,
  items = 1_000_000,
  concurrency = 100,
): Promise<MemoryScenarioResult> {
  progress(`memory: starting the sandbox with ${items.toLocaleString('en')} issued orders`);
  const sandbox = await startSandboxProcess({
    orders: items,
    rateLimits: [{ max: 10_000_000, durationMs: 1000 }],
  });
  const prefix = benchPrefix('d', 'revoker');
  const dir = mkdtempSync(join(tmpdir(), 'revoker-bench-'));
  const configFile = join(dir, 'revoker.config.json');
  const options: BenchConfigOptions = {
    redisUrl: ctx.redisUrl,
    prefix,
    sectigoBaseUrl: sandbox.sectigoBaseUrl,
    caFile: sandbox.caFile,
    rateLimit: { max: 100_000, durationMs: 1000 },
    concurrency,
  };
  writeBenchConfig(configFile, options);
  const revoker = await openRevoker(benchConfig(options));
  const keys = keySpace(prefix);
  const batchId = `bench-d-${Date.now().toString(36)}`;
  const env = benchEnv();
  try {
    const inputFile = join(dir, 'rows.csv');
    const fileBytes = await writeRowsFile(inputFile, sandbox.orderNumbers);
    await sleep(200);
    const before = await usedMemory(ctx.redis);

    progress(`memory: revoker submit of a ${items.toLocaleString('en')}-row file (${benchEntry()})`);
    const submit = await runCli(['submit', inputFile, '--config', configFile, '--batch', batchId], env);
    if (submit.exitCode !== 0)
      throw new Error(`revoker submit exited with ${submit.exitCode}: ${submit.stderr}`);
    progress(`memory: submit ${Math.round(submit.ms)} ms, peak RSS ${mib(submit.peakRssBytes)} MiB`);
    await sleep(200);
    const queued = await usedMemory(ctx.redis);

    progress('memory: running `revoker worker --config …` as a child process');
    const started = performance.now();
    const worker = startWorkerProcess(configFile, env);
    let lastReport = performance.now();
    const finished = await until(
      async () => {
        const done = await ctx.redis.hlen(keys.results(ACCOUNT));
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          const usage = worker.usage();
          progress(
            `memory: ${done.toLocaleString('en')} of ${items.toLocaleString('en')} done; worker RSS ${mib(usage.rssBytes)} MiB (peak ${mib(usage.peakRssBytes)})`,
          );
        }
        return done >= items;
      },
      // ~2,500 jobs/s on 2 shared cores; a busy machine gets three times as long.
      Math.max(240_000, items * 1.2),
      50,
    );
    const ms = performance.now() - started;
    const usage = worker.usage();
    const exitCode = await worker.stop();
    if (!finished) progress('memory: the worker did not finish in time');
    if (exitCode !== 0) progress(`memory: the worker exited with ${exitCode}`);

    await sleep(200);
    const after = await usedMemory(ctx.redis);

    progress('memory: revoker batch report (JSON to a file, CSV to standard output)');
    const reportFile = join(dir, 'report.json');
    const json = await runCli(['batch', 'report', batchId, '--config', configFile, '--out', reportFile], env);
    const jsonBytes = statSync(reportFile, { throwIfNoEntry: false })?.size ?? 0;
    rmSync(reportFile, { force: true });
    const csv = await runCli(['batch', 'report', batchId, '--config', configFile, '--format', 'csv'], env);
    progress(
      `memory: report json ${Math.round(json.ms)} ms, peak RSS ${mib(json.peakRssBytes)} MiB; csv ${Math.round(csv.ms)} ms, ${mib(csv.peakRssBytes)} MiB`,
    );

    progress('memory: reading the batch report counts');
    const counts = await revoker.batches.counts(batchId);
    const groups = await memoryByGroup(ctx.redis, prefix, (key) =>
      groupOf(key, keys.results(ACCOUNT), keys.batchMeta(batchId), prefix),
    );
    const ownBytes = Object.values(groups).reduce((sum, g) => sum + g.bytes, 0);
    const stats = await sandbox.stats();
    const complete = counts.total === items && counts.revoked === items;
    const queuedBytesPerItem = round((queued - before) / items, 1);
    const workerPeak = usage.peakRssBytes ?? null;
    const reportPeak = Math.max(json.peakRssBytes ?? Number.POSITIVE_INFINITY, csv.peakRssBytes ?? 0);

    return {
      items,
      entry: benchEntry(),
      redis: {
        usedMemoryBefore: before,
        usedMemoryQueued: queued,
        queuedBytesPerItem,
        usedMemoryAfter: after,
        bytesPerItem: round((after - before) / items, 1),
        ownKeysBytesPerItem: round(ownBytes / items, 1),
        ownKeys: Object.fromEntries(
          Object.entries(groups)
            .sort(([, a], [, b]) => b.bytes - a.bytes)
            .map(([name, g]) => [name, { ...g, bytesPerItem: round(g.bytes / items, 1) }]),
        ),
      },
      worker: {
        concurrency,
        peakRssBytes: workerPeak,
        peakRssMiB: workerPeak === null ? null : round(workerPeak / 2 ** 20, 1),
        cpuMsPerJob: usage.cpuMs === undefined ? null : round(usage.cpuMs / items, 4),
        ms: Math.round(ms),
        jobsPerSec: perSecond(items, ms),
      },
      submit: { ...cliFigures(submit), rowsPerSec: perSecond(items, submit.ms), fileBytes },
      reportCli: {
        json: { ...cliFigures(json), bytes: jsonBytes },
        csv: { ...cliFigures(csv), bytes: csv.stdoutBytes },
      },
      report: { total: counts.total, revoked: counts.revoked, complete },
      target: {
        bytesPerItemAtMost: MEMORY_TARGET_BYTES_PER_ITEM,
        queuedBytesPerItemAtMost: MEMORY_TARGET_QUEUED_BYTES_PER_ITEM,
        peakRssMiBBelow: MEMORY_TARGET_PEAK_RSS_MIB,
      },
      met: memoryMet({
        ownBytesPerItem: ownBytes / items,
        queuedBytesPerItem,
        submitRss: submit.peakRssBytes,
        workerRss: workerPeak,
        reportRss: Number.isFinite(reportPeak) ? reportPeak : null,
        reportComplete: complete && json.exitCode === 0 && csv.exitCode === 0,
      }),
      sandbox: { requests: stats.totalRequests, revokedMoreThanOnce: stats.revokedMoreThanOnce },
    };
  } finally {
    await revoker.close();
    await deleteKeys(ctx.redis, prefix);
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which part of revoker's state a key belongs to. */
function groupOf(key: string, results: string, batchMeta: string, prefix: string): string {
  if (key === results) return 'results hash';
  // `<prefix>:{b:ID}:meta|items|…` (src/queue/keys.ts): the batch's keys share its tag.
  const batchTag = batchMeta.slice(0, -':meta'.length);
  if (key.startsWith(`${batchTag}:`)) return key.endsWith(':items') ? 'batch item list' : 'batch meta';
  if (key.startsWith(`${prefix}:{fleet}:batches`)) return 'batch index';
  // BullMQ keys are `<prefix>:{a:ACCOUNT}:<queue>:…`: skip the account's tag.
  const rest = key.slice(prefix.length + 1).replace(/^\{[^}]*\}:/, '');
  const [queue = '', kind = ''] = rest.split(':');
  // BullMQ: `<prefix>:<queue>:<job id>` hashes, plus the queue's own keys (events, completed, meta, …).
  const ownKeys = new Set([
    'events',
    'completed',
    'failed',
    'wait',
    'active',
    'delayed',
    'meta',
    'id',
    'limiter',
    'stalled-check',
    'marker',
    'paused',
    'prioritized',
    'pc',
    'stalled',
    'de',
    'waiting-children',
  ]);
  if (ownKeys.has(kind)) return `bullmq ${queue}:${kind}`;
  return `bullmq ${queue} job hashes`;
}

function memoryMet(figures: {
  ownBytesPerItem: number;
  queuedBytesPerItem: number;
  submitRss: number | null;
  workerRss: number | null;
  reportRss: number | null;
  reportComplete: boolean;
}): MemoryScenarioResult['met'] {
  const below = (bytes: number | null) => bytes !== null && bytes < MEMORY_TARGET_PEAK_RSS_MIB * 2 ** 20;
  const met = {
    bytesPerItem: figures.ownBytesPerItem <= MEMORY_TARGET_BYTES_PER_ITEM,
    queuedBytesPerItem: figures.queuedBytesPerItem <= MEMORY_TARGET_QUEUED_BYTES_PER_ITEM,
    submitRss: below(figures.submitRss),
    workerRss: below(figures.workerRss),
    reportRss: below(figures.reportRss),
    reportComplete: figures.reportComplete,
  };
  return { ...met, all: Object.values(met).every(Boolean) };
}

function cliFigures(run: CliRun): CliFigures {
  return {
    ms: Math.round(run.ms),
    peakRssBytes: run.peakRssBytes,
    peakRssMiB: run.peakRssBytes === null ? null : round(run.peakRssBytes / 2 ** 20, 1),
    exitCode: run.exitCode,
  };
}

function mib(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '?' : (bytes / 2 ** 20).toFixed(0);
}

/** The input file an operator would submit: a header and one sectigo.revokeSSL row per order. */
async function writeRowsFile(path: string, orderNumbers: readonly string[]): Promise<number> {
  const out = createWriteStream(path);
  out.write('account,operation,orderNumber,revocationReason\n');
  for (const orderNumber of orderNumbers) {
    if (!out.write(`${ACCOUNT},${OPERATION},${orderNumber},${REASON}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}
