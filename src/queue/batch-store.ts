/**
 * A batch in Redis: its metadata, the list of its items (row and job id, in input order), the
 * rows skipped as invalid, and the staging list a submission fills before anything is enqueued.
 * Item outcomes live in the accounts' results hashes (result-store.ts), shared by every batch
 * naming the job.
 *
 * A batch's own keys share its cluster slot; the two indexes of batches (all, and open ones) are
 * the fleet's, in another slot. So a batch is never changed together with its index in one
 * transaction: the index is written first and cleared last, and a reader treats an index entry
 * without a batch as a leftover (batch-watch.ts, batch-prune.ts drop it), never the other way
 * round (a batch no index lists would never be pruned or announced).
 */

import { accountOfJobId } from '../jobs/job-id.ts';
import type { KeySpace } from './keys.ts';
import { loadScript } from './lua-script.ts';
import { positionsBy } from './positions-by.ts';
import { inOneWrite, type RedisClient } from './redis-connection.ts';

const joinBatchScript = loadScript('joinBatch-2.lua');

export type BatchState = 'staging' | 'enqueuing' | 'submitted';

export interface BatchMeta {
  id: string;
  /** Epoch ms. */
  createdAt: number;
  state: BatchState;
  /** Data rows read from the input. */
  rows: number;
  valid: number;
  invalid: number;
  source: string;
  /** SHA-256 of the valid items (row and job id, in order): `--resume` checks it is the same input. */
  digest?: string;
}

export interface InvalidRow {
  row: number;
  errors: { field: string; message: string }[];
}

export interface BatchItemRef {
  row: number;
  jobId: string;
}

export interface BatchStore {
  /**
   * Claims a new batch id atomically: false when the id exists already (another submit, now or
   * earlier, owns it).
   */
  claim(meta: BatchMeta): Promise<boolean>;
  /**
   * Deletes a batch: its meta, item list, skipped rows, staging data and lease (a submit that
   * failed validation frees its id this way; retention prunes finished batches).
   */
  remove(batchId: string): Promise<void>;
  /**
   * Takes the lease of the one submission running for a batch (a new submit or a --resume),
   * for `ttlMs`; false when another holds it. Renewed with `renewLease`, dropped by `releaseLease`.
   */
  takeLease(batchId: string, token: string, ttlMs: number): Promise<boolean>;
  renewLease(batchId: string, ttlMs: number): Promise<void>;
  releaseLease(batchId: string, token: string): Promise<void>;
  writeMeta(meta: BatchMeta): Promise<void>;
  /**
   * Adds one valid item to a batch that single items join (the batch of the day), in one atomic
   * round trip: creates the batch from `meta` if this is its first item (its other fields are
   * left as they are), lists the item and counts it in `rows` and `valid`. Answers the item's
   * record as its account's results hash holds it (read in the same round trip, not the same
   * atomic step), to parse with parseItemRecord.
   */
  joinItem(meta: BatchMeta, item: BatchItemRef): Promise<string | null>;
  /** joinItem for several items at once (one script run): their records, in the order given. */
  joinItems(meta: BatchMeta, items: readonly BatchItemRef[]): Promise<(string | null)[]>;
  readMeta(batchId: string): Promise<BatchMeta | undefined>;
  /** Appends items whose first lands at list index `firstIndex` (the list's length before). */
  appendItems(batchId: string, items: readonly BatchItemRef[], firstIndex: number): Promise<void>;
  /** Items in input order, `count` at a time from `start`. */
  readItems(batchId: string, start: number, count: number): Promise<BatchItemRef[]>;
  itemCount(batchId: string): Promise<number>;
  appendInvalid(batchId: string, rows: readonly InvalidRow[]): Promise<void>;
  invalidCount(batchId: string): Promise<number>;
  /** Skipped rows in input order: all of them, or `count` from `start`. */
  readInvalid(batchId: string, start?: number, count?: number): Promise<InvalidRow[]>;
  listBatches(limit: number): Promise<string[]>;
  /** Submitted batches not yet announced finished, oldest first, at most `limit`. */
  openBatches(limit: number): Promise<string[]>;
  /** How far the batch watch has found every item final (an item list index), 0 when unknown. */
  readFinalThrough(batchId: string): Promise<number>;
  writeFinalThrough(batchId: string, index: number): Promise<void>;
  /**
   * Marks the batch announced finished and drops it from the open set: true for the one call
   * that marked it (HSETNX), false when it was announced already (or is gone).
   */
  markAnnounced(batchId: string, at: number): Promise<boolean>;
  /** When the batch was announced finished (epoch ms), if it was. */
  announcedAt(batchId: string): Promise<number | undefined>;
}

const metaFields = (meta: BatchMeta): Record<string, string> => ({
  id: meta.id,
  createdAt: String(meta.createdAt),
  state: meta.state,
  rows: String(meta.rows),
  valid: String(meta.valid),
  invalid: String(meta.invalid),
  source: meta.source,
  ...(meta.digest ? { digest: meta.digest } : {}),
});

/**
 * The item list holds one entry per valid row, kept for the retention period: most entries are
 * stored as a difference from the one before (`+<shared prefix length>\t<rest of the job id>`,
 * row one more), so a 200,000-row batch of one account and operation costs ~10 bytes an item,
 * not ~50. Every ITEM_ANCHOR_EVERY-th entry, and any whose row does not follow, is written whole
 * (`<row>\t<job id>`), so a reader can start at any anchor.
 */
export const ITEM_ANCHOR_EVERY = 1000;

export function encodeItems(items: readonly BatchItemRef[], firstIndex: number): string[] {
  let previous: BatchItemRef | undefined;
  return items.map((item, i) => {
    const index = firstIndex + i;
    let entry = `${item.row}\t${item.jobId}`;
    if (previous && index % ITEM_ANCHOR_EVERY !== 0 && item.row === previous.row + 1) {
      let shared = 0;
      const limit = Math.min(item.jobId.length, previous.jobId.length);
      while (shared < limit && item.jobId[shared] === previous.jobId[shared]) shared++;
      const short = `+${shared}\t${item.jobId.slice(shared)}`;
      if (short.length < entry.length) entry = short;
    }
    previous = item;
    return entry;
  });
}

/** Decodes entries read from an anchor on (the first entry must be whole). */
export function decodeItems(raw: readonly string[]): BatchItemRef[] {
  const items: BatchItemRef[] = [];
  let previous: BatchItemRef | undefined;
  for (const line of raw) {
    const tab = line.indexOf('\t');
    let item: BatchItemRef;
    if (line.startsWith('+') && previous) {
      const shared = Number(line.slice(1, tab));
      item = { row: previous.row + 1, jobId: previous.jobId.slice(0, shared) + line.slice(tab + 1) };
    } else {
      item = { row: Number(line.slice(0, tab)), jobId: line.slice(tab + 1) };
    }
    items.push(item);
    previous = item;
  }
  return items;
}

/** Batches a store remembers as indexed; past it, it starts again (re-indexing costs one round trip). */
const MAX_REMEMBERED_INDEXED = 64;

const watched = (meta: BatchMeta) => meta.state === 'submitted';

export function createBatchStore(redis: RedisClient, keys: KeySpace): BatchStore {
  // Batches whose index entries this store wrote (joinItem): a few, one a day per producer.
  const indexed = new Set<string>();
  const rememberIndexed = (batchId: string) => {
    if (indexed.size >= MAX_REMEMBERED_INDEXED) indexed.clear();
    indexed.add(batchId);
  };
  async function joinItems(meta: BatchMeta, items: readonly BatchItemRef[]): Promise<(string | null)[]> {
    if (items.length === 0) return [];
    // One round trip of commands sent together, one per slot: the batch (a script: a MULTI of a
    // dozen commands cost the API a third of its throughput per item, bench e), the fleet's
    // index, and the items' records (one HMGET per account).
    const join = () =>
      joinBatchScript.run(
        redis,
        [keys.batchMeta(meta.id), keys.batchItems(meta.id)],
        // Whole entries (each an anchor): nothing to diff against across calls.
        [
          meta.id,
          meta.createdAt,
          meta.state,
          meta.source,
          ...items.map((item) => `${item.row}\t${item.jobId}`),
        ],
      );
    const readRecords = async (): Promise<(string | null)[]> => {
      const records: (string | null)[] = new Array(items.length).fill(null);
      await Promise.all(
        [...positionsBy(items, (item) => accountOfJobId(item.jobId))].map(async ([account, at]) => {
          const values = await redis.hmget(keys.results(account), ...at.map((i) => items[i]!.jobId));
          values.forEach((value, k) => {
            records[at[k]!] = value;
          });
        }),
      );
      return records;
    };
    if (!indexed.has(meta.id)) {
      // The index entries go with this store's first items of the batch (NX: only the batch's
      // first item's count), in the same write as the batch's script: a crash between the two
      // cannot leave a batch no index lists. In one socket write (inOneWrite): four writes cost
      // more CPU than the four commands.
      const [, , , records] = await Promise.all(
        inOneWrite(redis, () => [
          redis.zadd(keys.batches, 'NX', meta.createdAt, meta.id),
          // A batch of the day is watched like any submitted batch (announced once its day is over).
          watched(meta) ? redis.zadd(keys.batchesOpen, 'NX', meta.createdAt, meta.id) : null,
          join(),
          readRecords(),
        ]),
      );
      rememberIndexed(meta.id);
      return records;
    }
    // Later items: the entries are there (nothing drops a live batch's entries but its removal,
    // and the script re-creates a removed batch and says so: then it is indexed again). Two
    // commands fewer per API item.
    const [created, records] = await Promise.all(inOneWrite(redis, () => [join(), readRecords()]));
    if (created === 1) {
      const index = redis.multi().zadd(keys.batches, 'NX', meta.createdAt, meta.id);
      if (watched(meta)) index.zadd(keys.batchesOpen, 'NX', meta.createdAt, meta.id);
      await index.exec();
    }
    return records;
  }

  return {
    async claim(meta) {
      // HSETNX on the id field is the claim: of two submits naming one id, exactly one wins.
      const won = await redis.hsetnx(keys.batchMeta(meta.id), 'id', meta.id);
      if (won === 0) return false;
      await this.writeMeta(meta);
      return true;
    },
    async remove(batchId) {
      // The batch's keys (one slot) first, its index entries (the fleet's slot) last.
      await redis.del(
        keys.batchMeta(batchId),
        keys.batchItems(batchId),
        keys.batchInvalid(batchId),
        keys.batchStaging(batchId),
        keys.batchLease(batchId),
        keys.batchParams(batchId),
      );
      await redis.multi().zrem(keys.batches, batchId).zrem(keys.batchesOpen, batchId).exec();
    },
    async takeLease(batchId, token, ttlMs) {
      return (await redis.set(keys.batchLease(batchId), token, 'PX', ttlMs, 'NX')) === 'OK';
    },
    async renewLease(batchId, ttlMs) {
      await redis.pexpire(keys.batchLease(batchId), ttlMs);
    },
    async releaseLease(batchId, token) {
      if ((await redis.get(keys.batchLease(batchId))) === token) await redis.del(keys.batchLease(batchId));
    },
    async writeMeta(meta) {
      // The index first (the fleet's slot), then the batch (its own): see the module header.
      const index = redis.multi().zadd(keys.batches, 'NX', meta.createdAt, meta.id);
      // Submitted: every item is listed, so the batch can finish; the batch watch looks at it.
      if (meta.state === 'submitted') index.zadd(keys.batchesOpen, 'NX', meta.createdAt, meta.id);
      await index.exec();
      await redis.hset(keys.batchMeta(meta.id), metaFields(meta));
    },
    joinItem: async (meta, item) => (await joinItems(meta, [item]))[0] ?? null,
    joinItems,
    async readMeta(batchId) {
      const hash = await redis.hgetall(keys.batchMeta(batchId));
      if (!hash.id) return undefined;
      return {
        id: hash.id,
        createdAt: Number(hash.createdAt),
        state: hash.state as BatchState,
        rows: Number(hash.rows),
        valid: Number(hash.valid),
        invalid: Number(hash.invalid),
        source: hash.source ?? '',
        ...(hash.digest ? { digest: hash.digest } : {}),
      };
    },
    async appendItems(batchId, items, firstIndex) {
      if (items.length === 0) return;
      await redis.rpush(keys.batchItems(batchId), ...encodeItems(items, firstIndex));
    },
    async readItems(batchId, start, count) {
      // Decoding starts at an anchor (a full entry) at or before `start`.
      const anchor = start - (start % ITEM_ANCHOR_EVERY);
      const raw = await redis.lrange(keys.batchItems(batchId), anchor, start + count - 1);
      return decodeItems(raw).slice(start - anchor);
    },
    async itemCount(batchId) {
      return redis.llen(keys.batchItems(batchId));
    },
    async appendInvalid(batchId, rows) {
      if (rows.length === 0) return;
      await redis.rpush(keys.batchInvalid(batchId), ...rows.map((r) => JSON.stringify(r)));
    },
    async invalidCount(batchId) {
      return redis.llen(keys.batchInvalid(batchId));
    },
    async readInvalid(batchId, start = 0, count) {
      const stop = count === undefined ? -1 : start + count - 1;
      return (await redis.lrange(keys.batchInvalid(batchId), start, stop)).map(
        (l) => JSON.parse(l) as InvalidRow,
      );
    },
    async listBatches(limit) {
      return redis.zrevrange(keys.batches, 0, limit - 1);
    },
    async openBatches(limit) {
      return redis.zrange(keys.batchesOpen, 0, limit - 1);
    },
    async readFinalThrough(batchId) {
      return Number(await redis.hget(keys.batchMeta(batchId), 'finalThrough')) || 0;
    },
    async writeFinalThrough(batchId, index) {
      // Only on a batch that exists: HSET on a pruned one would bring back a meta without an id.
      if ((await redis.hexists(keys.batchMeta(batchId), 'id')) === 1) {
        await redis.hset(keys.batchMeta(batchId), 'finalThrough', String(index));
      }
    },
    async markAnnounced(batchId, at) {
      const replies = await redis
        .multi()
        .hexists(keys.batchMeta(batchId), 'id')
        .hsetnx(keys.batchMeta(batchId), 'announcedAt', String(at))
        .exec();
      const exists = replies?.[0]?.[1] === 1;
      const won = replies?.[1]?.[1] === 1;
      if (!exists && won) await redis.del(keys.batchMeta(batchId));
      // Out of the open set after the mark: a crash in between leaves an announced batch there,
      // which the next sweep drops without announcing it again.
      await redis.zrem(keys.batchesOpen, batchId);
      return exists && won;
    },
    async announcedAt(batchId) {
      const value = await redis.hget(keys.batchMeta(batchId), 'announcedAt');
      return value ? Number(value) : undefined;
    },
  };
}
