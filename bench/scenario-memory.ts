/**
 * (d) Memory: Redis memory per item once a 200,000-item batch has finished, and the worker's
 * peak RSS. The batch goes through `submit`, then through revoker's worker run as its own process
 * (`revoker worker --config FILE`); once every item has its record, the worker's VmHWM is read
 * and it is stopped, and Redis's `used_memory` is compared with the figure before the batch.
 * The report must still be whole: counts.total and counts.revoked must both be the batch size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRevoker } from '../src/open-revoker.ts';
import { keySpace } from '../src/queue/keys.ts';
import { type BenchConfigOptions, benchConfig, benchEnv, writeBenchConfig } from './config.ts';
import type { BenchContext } from './context.ts';
import { perSecond, progress, round, sleep, until } from './log.ts';
import { ACCOUNT, revokeRows } from './orders.ts';
import { benchPrefix, deleteKeys, memoryByGroup, usedMemory } from './redis.ts';
import { startSandboxProcess } from './sandbox-child.ts';
import { startWorkerProcess } from './worker-process.ts';

export interface MemoryScenarioResult {
  items: number;
  redis: {
    usedMemoryBefore: number;
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
  submit: { ms: number; rowsPerSec: number };
  report: { total: number; revoked: number; complete: boolean };
  sandbox: { requests: number; revokedMoreThanOnce: number };
  target: { bytesPerItemAtMost: number };
  met: { bytesPerItem: boolean; reportComplete: boolean; all: boolean };
}

/** Redis memory per item of a finished batch whose report is still complete. */
export const MEMORY_TARGET_BYTES_PER_ITEM = 200;

export async function scenarioMemory(
  ctx: BenchContext,
  items = 200_000,
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
  try {
    await sleep(200);
    const before = await usedMemory(ctx.redis);

    progress(`memory: submitting ${items.toLocaleString('en')} rows`);
    const submitStarted = performance.now();
    const { batchId } = await revoker.producer.submit(revokeRows(sandbox.orderNumbers), { source: 'bench' });
    const submitMs = performance.now() - submitStarted;

    progress('memory: running `revoker worker --config …` as a child process');
    const started = performance.now();
    const worker = startWorkerProcess(configFile, benchEnv());
    let lastReport = performance.now();
    const finished = await until(
      async () => {
        const done = await ctx.redis.hlen(keys.results(ACCOUNT));
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          const rss = worker.usage().rssBytes;
          const mib = rss === undefined ? '?' : (rss / 2 ** 20).toFixed(0);
          progress(
            `memory: ${done.toLocaleString('en')} of ${items.toLocaleString('en')} done; worker RSS ${mib} MiB`,
          );
        }
        return done >= items;
      },
      240_000,
      50,
    );
    const ms = performance.now() - started;
    const usage = worker.usage();
    const exitCode = await worker.stop();
    if (!finished) progress('memory: the worker did not finish in time');
    if (exitCode !== 0) progress(`memory: the worker exited with ${exitCode}`);

    await sleep(200);
    const after = await usedMemory(ctx.redis);
    progress('memory: reading the batch report counts');
    const counts = await revoker.batches.counts(batchId);
    const groups = await memoryByGroup(ctx.redis, prefix, (key) =>
      groupOf(key, keys.results(ACCOUNT), keys.batchMeta(batchId), prefix),
    );
    const ownBytes = Object.values(groups).reduce((sum, g) => sum + g.bytes, 0);
    const stats = await sandbox.stats();

    return {
      items,
      redis: {
        usedMemoryBefore: before,
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
        peakRssBytes: usage.peakRssBytes ?? null,
        peakRssMiB: usage.peakRssBytes === undefined ? null : round(usage.peakRssBytes / 2 ** 20, 1),
        cpuMsPerJob: usage.cpuMs === undefined ? null : round(usage.cpuMs / items, 4),
        ms: Math.round(ms),
        jobsPerSec: perSecond(items, ms),
      },
      submit: { ms: Math.round(submitMs), rowsPerSec: perSecond(items, submitMs) },
      report: {
        total: counts.total,
        revoked: counts.revoked,
        complete: counts.total === items && counts.revoked === items,
      },
      target: { bytesPerItemAtMost: MEMORY_TARGET_BYTES_PER_ITEM },
      met: memoryMet(ownBytes / items, counts.total === items && counts.revoked === items),
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

function memoryMet(ownBytesPerItem: number, reportComplete: boolean): MemoryScenarioResult['met'] {
  const bytesPerItem = ownBytesPerItem <= MEMORY_TARGET_BYTES_PER_ITEM;
  return { bytesPerItem, reportComplete, all: bytesPerItem && reportComplete };
}
