/**
 * Compact job data: how a submitted batch's jobs sit in Redis while they wait.
 *
 * Redis keeps a hash small (a "listpack", about 270 bytes for a job) only while every value of it
 * is at most 64 bytes (`hash-max-listpack-value`); one longer value makes it a hash table of
 * about 600 bytes. A job's full data (account, operation, params, batch, row) is 200 bytes or
 * more, and a 1,000,000-item incident waits in Redis at once. So a batch's jobs carry only what
 * differs between its rows:
 *
 *   `{"b":"<batch id>","r":<row>,"p":"<parameter set>"}`  (plus `"v"`: the target's value, when
 *   the job id cannot give it back exactly, e.g. a DigiCert order id that is a number)
 *
 * - account, operation, target field and value, rehearsal: read back from the job id
 *   (src/jobs/job-id.ts), which is made of them;
 * - every other parameter (reason, comments, includeInCRL…): a parameter set the batch stores
 *   once, in a hash under the batch's hash tag (keys.batchParams), named by a digest of its
 *   content, so a resumed submit names each set exactly as the cut-off one did.
 *
 * A batch whose rows differ in more than MAX_PARAM_SETS ways (a comment per row) keeps the full
 * form for the rest, and so does any job whose id cannot be read back: compact is an encoding,
 * never a condition. Workers read both forms (jobs enqueued before the encoding existed, single
 * items from the API, replays from the dead-letter queue are full).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ValidItem } from '../jobs/input-row.ts';
import { canonicalTargetValue, type JobIdParts, parseJobId } from '../jobs/job-id.ts';
import type { QueueJobData } from './queue-job.ts';

/** Distinct parameter sets one submit stores; rows beyond them carry their parameters inline. */
export const MAX_PARAM_SETS = 1000;

export const compactJobDataSchema = z.strictObject({
  b: z.string().min(1).max(100),
  r: z.int().nonnegative(),
  p: z.string().min(1).max(32),
  v: z.unknown().optional(),
});

export type CompactJobData = z.infer<typeof compactJobDataSchema>;

export function isCompactJobData(data: unknown): data is CompactJobData {
  return typeof data === 'object' && data !== null && 'b' in data && 'p' in data && !('params' in data);
}

/** One submit's encoder: which parameter sets it has named, to be stored before their jobs are added. */
export interface ParamSetEncoder {
  /** The compact data of an item, or undefined when it keeps the full form. */
  encode(item: ValidItem, batchId: string): CompactJobData | undefined;
  /** Sets named since the last call (id → JSON), for the batch's parameter hash. */
  takeNewSets(): Map<string, string>;
}

export function createParamSetEncoder(maxSets = MAX_PARAM_SETS): ParamSetEncoder {
  // JSON of the set → its id; null marks a set that could not get an id (a digest collision).
  const named = new Map<string, string | null>();
  const ids = new Set<string>();
  let fresh = new Map<string, string>();
  return {
    encode(item, batchId) {
      const field = item.target.field;
      if (!(field in item.params)) return undefined;
      const { [field]: targetValue, ...rest } = item.params;
      const json = JSON.stringify(rest);
      let id = named.get(json);
      if (id === undefined) {
        if (named.size >= maxSets) return undefined;
        const candidate = paramSetId(json);
        // Two sets with one digest in one batch: the second stays inline (never a wrong set).
        id = ids.has(candidate) ? null : candidate;
        named.set(json, id);
        if (id !== null) {
          ids.add(id);
          fresh.set(id, json);
        }
      }
      if (id === null) return undefined;
      const data: CompactJobData = { b: batchId, r: item.row, p: id };
      // The id holds the canonical spelling as a string (job-id.ts); anything else travels as it is.
      if (targetValue !== canonicalTargetValue(field, item.target.value)) data.v = targetValue;
      return data;
    },
    takeNewSets() {
      const taken = fresh;
      fresh = new Map();
      return taken;
    },
  };
}

/** A set's name: 12 characters of the SHA-256 of its JSON (72 bits; collisions are still checked). */
export function paramSetId(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 12);
}

/** Reads a batch's parameter set (undefined when it is missing). */
export type ParamSetReader = (batchId: string, setId: string) => Promise<Record<string, unknown> | undefined>;

/**
 * The full job data of a compact job, from its id and its batch's parameter set; a full job's
 * data is returned as it is (`expanded: false`: still to be validated as job data; an expanded
 * one is built from checked parts, and its params are validated by the operation's schema). An error names what is missing (the job then goes to the
 * dead-letter queue as unreadable, never runs with guessed parameters).
 */
export async function expandJobData(
  jobId: string,
  operationName: string,
  data: unknown,
  readSet: ParamSetReader,
  /** The job id read already (the processor has it): not parsed twice on the per-job path. */
  parsedId: JobIdParts | undefined = parseJobId(jobId),
): Promise<{ ok: true; data: unknown; expanded: boolean } | { ok: false; error: string }> {
  if (!isCompactJobData(data)) return { ok: true, data, expanded: false };
  const compact = compactJobDataSchema.safeParse(data);
  if (!compact.success) return { ok: false, error: z.prettifyError(compact.error) };
  const parts = parsedId;
  if (!parts || parts.operation !== operationName) {
    return { ok: false, error: `compact job data, but the job id "${jobId}" does not name its target` };
  }
  const { b: batchId, r: row, p: setId, v } = compact.data;
  const set = await readSet(batchId, setId);
  if (!set) return { ok: false, error: `parameter set ${setId} of batch ${batchId} is missing` };
  const full: QueueJobData = {
    account: parts.account,
    operation: parts.operation,
    params: { ...set, [parts.field]: 'v' in compact.data ? v : parts.value },
    batchId,
    row,
    rehearsal: parts.rehearsal,
  };
  return { ok: true, data: full, expanded: true };
}

/**
 * What a job's data says as it was read, without its parameter set: for telling listeners about a
 * job that could not be run (its set gone, its data unreadable), which get what there is.
 */
export function jobDataAsRead(jobName: string, data: unknown): Partial<QueueJobData> {
  if (isCompactJobData(data)) {
    return { operation: jobName as QueueJobData['operation'], batchId: data.b, row: data.r };
  }
  return data as Partial<QueueJobData>;
}

/**
 * A worker's memory of parameter sets: a batch has a handful, read once each (and once only while
 * many jobs of a new batch start together). Bounded: the oldest are forgotten first.
 */
export function createParamSetCache(
  read: (batchId: string, setId: string) => Promise<string | null>,
  maxEntries = 10_000,
): ParamSetReader {
  const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();
  return (batchId, setId) => {
    const key = `${batchId}\t${setId}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = read(batchId, setId).then((json) =>
        json === null ? undefined : (JSON.parse(json) as Record<string, unknown>),
      );
      // A failed or missing read is not remembered: the next job reads again.
      entry.then(
        (set) => set === undefined && cache.delete(key),
        () => cache.delete(key),
      );
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(key, entry);
    }
    return entry;
  };
}
