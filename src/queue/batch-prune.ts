/**
 * Retention: a batch and its item records are removed once the batch's last item finished more
 * than `retention.days` ago. A record several batches list (an item submitted again later) stays
 * while any batch that is kept lists it. Batches still running, or whose items wait for an
 * approval, are never pruned. Dead-letter entries are not touched (they stay until purged).
 */

import type { BatchStore } from './batch-store.ts';
import { FINAL_OUTCOMES } from './item-record.ts';
import type { KeySpace } from './keys.ts';
import type { RedisClient } from './redis-connection.ts';
import type { ResultStore } from './result-store.ts';

export interface PruneOptions {
  /** Batches whose last item finished before this epoch ms go. */
  cutoff: number;
  /** Say what would go, remove nothing. @defaultValue false */
  dryRun?: boolean;
}

export interface PruneResult {
  /** Batches removed (or that would be, on a dry run). */
  batches: string[];
  /** Item records removed with them. */
  records: number;
  /** Batches old enough but not finished (an item in progress or waiting for approval): kept. */
  unfinished: string[];
}

const CHUNK = 1000;

export async function pruneBatches(
  deps: { redis: RedisClient; keys: KeySpace; batches: BatchStore; results: ResultStore },
  options: PruneOptions,
): Promise<PruneResult> {
  const { redis, keys, batches, results } = deps;
  const result: PruneResult = { batches: [], records: 0, unfinished: [] };
  // A batch ends after it was created: only those created before the cutoff can have ended before it.
  const candidates = await redis.zrangebyscore(keys.batches, '-inf', options.cutoff);
  const doomedIds = new Set<string>();
  for (const batchId of candidates) {
    const ended = await endOf(batchId);
    if (ended === 'unfinished') {
      result.unfinished.push(batchId);
      continue;
    }
    if (ended >= options.cutoff) continue;
    result.batches.push(batchId);
    for await (const refs of itemsOf(batchId)) for (const ref of refs) doomedIds.add(ref.jobId);
  }
  if (result.batches.length === 0) return result;

  // Records another batch still lists stay with it.
  const pruned = new Set(result.batches);
  if (doomedIds.size > 0) {
    for (const batchId of await redis.zrange(keys.batches, 0, -1)) {
      if (pruned.has(batchId)) continue;
      for await (const refs of itemsOf(batchId)) for (const ref of refs) doomedIds.delete(ref.jobId);
      if (doomedIds.size === 0) break;
    }
  }
  result.records = doomedIds.size;
  if (options.dryRun) return result;

  const ids = [...doomedIds];
  for (let i = 0; i < ids.length; i += CHUNK) await results.remove(ids.slice(i, i + CHUNK));
  for (const batchId of result.batches) await batches.remove(batchId);
  return result;

  async function* itemsOf(batchId: string) {
    const total = await batches.itemCount(batchId);
    for (let start = 0; start < total; start += CHUNK) yield await batches.readItems(batchId, start, CHUNK);
  }

  /** When the batch's last item finished (epoch ms), or 'unfinished'. */
  async function endOf(batchId: string): Promise<number | 'unfinished'> {
    const meta = await batches.readMeta(batchId);
    // No meta: a leftover index entry, long over. A cut-off submit is kept for its --resume.
    if (!meta) return 0;
    if (meta.state !== 'submitted') return 'unfinished';
    let ended = meta.createdAt;
    for await (const refs of itemsOf(batchId)) {
      const records = await results.getMany(refs.map((r) => r.jobId));
      for (const record of records) {
        if (!record || !FINAL_OUTCOMES.has(record.outcome)) return 'unfinished';
        ended = Math.max(ended, record.finishedAt ?? 0);
      }
    }
    return ended;
  }
}
