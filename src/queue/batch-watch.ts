/**
 * The batch watch: finds batches whose every item is final and announces each one once
 * (`batch.finished` webhooks, scheduled runs' reports).
 *
 * Cheap: it looks only at the open set (submitted batches not yet announced, batch-store.ts),
 * and keeps per batch how far its items are known final (`finalThrough`), so a sweep of a
 * 200,000-item batch in progress reads from its first unfinished item, not from the start. When
 * the cursor reaches the end, one full pass confirms it (a replayed item before the cursor may
 * have reopened) and counts the outcomes. A DigiCert request waiting for approval is not final.
 *
 * Once per batch: one worker of the fleet sweeps at a time (a lock), listeners are told first and
 * the batch is marked announced after (HSETNX), so a crash in between tells it again on the next
 * sweep, with the same event id, rather than never. A batch announced is not announced again,
 * even if a replay later reopens one of its items.
 *
 * A library batch of the day (`lib-<name>-<YYYYMMDD>`, producer.ts) keeps growing all day: it is
 * announced once its day (UTC) is over and its items are final.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type BatchReader, emptyCounts, type OutcomeCounts } from './batch-report.ts';
import type { BatchMeta, BatchStore } from './batch-store.ts';
import { FINAL_OUTCOMES } from './item-record.ts';
import type { KeySpace } from './keys.ts';
import type { RedisClient } from './redis-connection.ts';
import type { ResultStore } from './result-store.ts';

export interface FinishedBatch {
  batchId: string;
  meta: BatchMeta;
  /** Every outcome's count (skipped rows included); they add up to `total`. */
  counts: OutcomeCounts;
  /** The accounts of its items, sorted. */
  accounts: string[];
  /** Epoch ms when its last item became final (its creation time when it has none). */
  finishedAt: number;
}

export interface BatchWatchDeps {
  redis: RedisClient;
  keys: KeySpace;
  batches: BatchStore;
  results: ResultStore;
  reader: BatchReader;
}

const CHUNK = 1000;
/** Open batches looked at per sweep, oldest first. */
const MAX_OPEN_PER_SWEEP = 1000;
const DAILY_BATCH = /^lib-[A-Za-z0-9_.-]{1,40}-(\d{8})$/;

/** A library batch of the day whose day (UTC) is not over: more items may join it. */
export function isDailyBatchStillOpen(batchId: string, now: number): boolean {
  const day = DAILY_BATCH.exec(batchId)?.[1];
  if (day === undefined) return false;
  const today = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  return day >= today;
}

/** Open batches whose every item is final now. Announces nothing; drops stale open entries. */
export async function findFinishedBatches(deps: BatchWatchDeps, now: number): Promise<FinishedBatch[]> {
  const { redis, keys, batches, results } = deps;
  const finished: FinishedBatch[] = [];
  for (const batchId of await batches.openBatches(MAX_OPEN_PER_SWEEP)) {
    const meta = await batches.readMeta(batchId);
    if (!meta || (await batches.announcedAt(batchId)) !== undefined) {
      // Pruned, or announced by a sweep that died before dropping it from the set.
      await redis.zrem(keys.batchesOpen, batchId);
      continue;
    }
    if (meta.state !== 'submitted' || isDailyBatchStillOpen(batchId, now)) continue;

    const total = await batches.itemCount(batchId);
    let through = Math.min(await batches.readFinalThrough(batchId), total);
    let open = false;
    while (through < total && !open) {
      const refs = await batches.readItems(batchId, through, CHUNK);
      const records = await results.getMany(refs.map((r) => r.jobId));
      const firstOpen = records.findIndex((r) => !r || !FINAL_OUTCOMES.has(r.outcome));
      if (firstOpen === -1) through += refs.length;
      else {
        through += firstOpen;
        open = true;
      }
      if (refs.length === 0) break;
    }
    await batches.writeFinalThrough(batchId, through);
    if (open) continue;

    const complete = await fullPass(deps.reader, batchId, meta);
    if (complete) finished.push(complete);
    else await batches.writeFinalThrough(batchId, 0);
  }
  return finished;
}

/** Counts every item once more; undefined when one is not final after all. */
async function fullPass(
  reader: BatchReader,
  batchId: string,
  meta: BatchMeta,
): Promise<FinishedBatch | undefined> {
  const counts = emptyCounts();
  const accounts = new Set<string>();
  let finishedAt = meta.createdAt;
  for await (const chunk of reader.items(batchId)) {
    for (const item of chunk) {
      if (!FINAL_OUTCOMES.has(item.outcome)) return undefined;
      counts[item.outcome]++;
      counts.total++;
      if (item.account) accounts.add(item.account);
      if (item.finishedAt) finishedAt = Math.max(finishedAt, Date.parse(item.finishedAt));
    }
  }
  return { batchId, meta, counts, accounts: [...accounts].sort(), finishedAt };
}

export interface BatchWatchOptions extends BatchWatchDeps {
  logger: Logger;
  /** Told once per finished batch, before it is marked announced (so a crash tells it again). */
  onFinished(batch: FinishedBatch): Promise<void>;
  /** @defaultValue 5000 */
  intervalMs?: number;
  now?: () => number;
}

export interface BatchWatch {
  /** Sweeps now (if no other worker is sweeping); answers how many batches it announced. */
  sweepNow(): Promise<number>;
  close(): Promise<void>;
}

/** How long a sweeping worker holds the fleet's sweep; one that dies frees it after this. */
const LOCK_MS = 60_000;

export function startBatchWatch(options: BatchWatchOptions): BatchWatch {
  const { redis, keys, batches, logger } = options;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 5_000;
  let running: Promise<number> | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function sweep(): Promise<number> {
    const token = randomUUID();
    if ((await redis.set(keys.batchWatchLock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return 0;
    let announced = 0;
    try {
      for (const batch of await findFinishedBatches(options, now())) {
        try {
          await options.onFinished(batch);
        } catch (error) {
          // Kept open: the next sweep tells it again.
          logger.warn({ batchId: batch.batchId, err: String(error) }, 'batch finished: a listener failed');
          continue;
        }
        if (await batches.markAnnounced(batch.batchId, now())) announced++;
      }
    } finally {
      if ((await redis.get(keys.batchWatchLock)) === token) await redis.del(keys.batchWatchLock);
    }
    return announced;
  }

  const sweepNow = (): Promise<number> => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    if (closed) return;
    void sweepNow()
      .catch((error: unknown) => logger.warn({ err: String(error) }, 'batch watch sweep failed'))
      .finally(() => {
        // The next sweep starts after this one ends: sweeps of one process never overlap.
        if (!closed) {
          timer = setTimeout(tick, intervalMs);
          timer.unref();
        }
      });
  };
  timer = setTimeout(tick, intervalMs);
  timer.unref();

  return {
    sweepNow,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
