/**
 * The durable record of one item (one job id): its outcome, every attempt, and what the vendor
 * taught us. Kept compact: one JSON value per job id in the results hash, changed only through
 * the transition scripts of record-transitions.ts, so a report never depends on BullMQ keeping
 * finished jobs and a recorded outcome never goes backwards.
 */
import { ErrorCodes, RevokerError } from '../errors.ts';
import type { Outcome, OutcomeClass } from '../vendors/outcome.ts';

export const ITEM_OUTCOMES = [
  'revoked',
  /** autoRevokeCertificate with includeInCRL=N: marked replaced at the vendor, not revoked, not on the CRL. */
  'marked-replaced',
  'replaced',
  'rehearsed',
  'pending-approval',
  'dead-lettered',
  'skipped-invalid',
  'in-progress',
] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];
export type RecordOutcome = Exclude<ItemOutcome, 'skipped-invalid'>;

/** Outcomes after which nothing more will happen to the item by itself. */
export const FINAL_OUTCOMES: ReadonlySet<ItemOutcome> = new Set([
  'revoked',
  'marked-replaced',
  'replaced',
  'rehearsed',
  'dead-lettered',
  'skipped-invalid',
]);

/** Final outcomes that say the vendor did (or validated) what was asked: nothing ever overwrites them. */
export const SUCCESS_OUTCOMES: ReadonlySet<ItemOutcome> = new Set([
  'revoked',
  'marked-replaced',
  'replaced',
  'rehearsed',
]);

export interface AttemptRecord {
  /** Epoch ms when the answer (or fault) arrived. */
  at: number;
  code: string;
  class: OutcomeClass;
  message: string;
  latencyMs: number;
  mayHaveTakenEffect: boolean;
}

/**
 * A call about to be sent, written before it is sent. Found unanswered by the next run of the
 * job, it says the last call may have reached the vendor (a worker died mid-call, or between the
 * vendor's answer and our write), whatever BullMQ's stalled counter says.
 */
export interface CallIntent {
  step: 'call' | 'approve' | 'poll';
  /** Epoch ms when the call was about to be sent. */
  at: number;
}

export interface ItemRecord {
  outcome: RecordOutcome;
  /** While in progress: `retrying` after a transient failure. */
  state?: 'retrying';
  code?: string;
  message?: string;
  attempts: AttemptRecord[];
  finishedAt?: number;
  newOrderNumber?: string;
  requestId?: string;
  requestStatus?: string;
  /** The vendor said "already revoked" after an earlier attempt of ours may have worked. */
  confirmed?: boolean;
  /** Decided at submit and carried by the job: the vendor was asked to validate, not to act. */
  rehearsal?: boolean;
  /** Dead-lettered, and its entry purged: a later submit of the item runs it afresh. */
  purged?: boolean;
  /**
   * How many attempts were made, where the attempts themselves are not kept: a final success
   * keeps only the count (its story ends well; a record is 200,000 times smaller than a batch).
   */
  n?: number;
}

/**
 * Stored field names: a record is kept per item for the retention period, so every byte counts
 * 200,000 times in a big batch. `o` (the outcome) is what the Lua scripts read.
 */
const STORED_NAMES = {
  outcome: 'o',
  state: 's',
  code: 'c',
  message: 'm',
  attempts: 'a',
  finishedAt: 'f',
  newOrderNumber: 'no',
  requestId: 'ri',
  requestStatus: 'rs',
  confirmed: 'cf',
  rehearsal: 'rh',
  purged: 'p',
  n: 'n',
} as const satisfies Record<keyof ItemRecord, string>;
const READ_NAMES: Readonly<Record<string, keyof ItemRecord>> = Object.fromEntries(
  Object.entries(STORED_NAMES).map(([long, short]) => [short, long as keyof ItemRecord]),
);

/** The stored JSON of a record: short names, and a success keeps only its attempt count. */
export function encodeItemRecord(record: ItemRecord): string {
  const stored: Record<string, unknown> = {};
  const { attempts, ...rest } = record;
  for (const [name, value] of Object.entries(rest)) {
    if (value !== undefined) stored[STORED_NAMES[name as keyof ItemRecord]] = value;
  }
  if (SUCCESS_OUTCOMES.has(record.outcome)) {
    // One attempt is the usual story and is what an absent count means.
    const n = record.n ?? attempts.length;
    if (n !== 1) stored.n = n;
  } else stored.a = attempts;
  return JSON.stringify(stored);
}

/** Attempts made for the item, whether the record keeps them or only their count. */
export function attemptCount(record: ItemRecord): number {
  return record.n ?? record.attempts.length;
}

/** Attempts kept per record: enough to tell the story, bounded so a flapping job cannot grow without end. */
const MAX_ATTEMPTS_KEPT = 25;

export function attemptFrom(outcome: Outcome, at: number): AttemptRecord {
  return {
    at,
    code: outcome.code,
    class: outcome.class,
    message: outcome.message,
    latencyMs: Math.round(outcome.latencyMs),
    mayHaveTakenEffect: outcome.mayHaveTakenEffect,
  };
}

/** The attempt recorded for an intent found unanswered: it may have reached the vendor. */
export function lostAttempt(intent: CallIntent): AttemptRecord {
  return {
    at: intent.at,
    // The attempt that stands for a call whose answer never reached the record.
    code: ErrorCodes.WORKER_LOST,
    class: 'transient',
    message: `the ${intent.step} sent at ${new Date(intent.at).toISOString()} got no recorded answer (the worker stopped mid-call); it may have reached the vendor`,
    latencyMs: 0,
    mayHaveTakenEffect: true,
  };
}

export function appendAttempt(attempts: readonly AttemptRecord[], attempt: AttemptRecord): AttemptRecord[] {
  const all = [...attempts, attempt];
  return all.length > MAX_ATTEMPTS_KEPT ? all.slice(all.length - MAX_ATTEMPTS_KEPT) : all;
}

const RECORD_OUTCOMES: ReadonlySet<string> = new Set(ITEM_OUTCOMES.filter((o) => o !== 'skipped-invalid'));

/**
 * Reads a stored record. Absent is `undefined`; anything unreadable is an error naming the job,
 * never "no record" (that would let the item be sent again as if new).
 */
export function parseItemRecord(json: string | null | undefined, jobId = '?'): ItemRecord | undefined {
  if (json === null || json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw corruptRecord(jobId, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw corruptRecord(jobId, 'not an object');
  }
  // Short stored names; records written before they were short use the long ones.
  const record: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) record[READ_NAMES[name] ?? name] = v;
  if (typeof record.outcome !== 'string' || !RECORD_OUTCOMES.has(record.outcome)) {
    throw corruptRecord(jobId, `unknown outcome ${JSON.stringify(record.outcome)}`);
  }
  // Lua's cjson writes an empty array as `{}`; a success keeps only its count (absent: one).
  if (!Array.isArray(record.attempts)) record.attempts = [];
  if (SUCCESS_OUTCOMES.has(record.outcome as ItemOutcome) && (record.attempts as unknown[]).length === 0)
    record.n ??= 1;
  return record as unknown as ItemRecord;
}

export function parseCallIntent(json: string | null | undefined, jobId = '?'): CallIntent | undefined {
  if (json === null || json === undefined || json === '') return undefined;
  try {
    const value = JSON.parse(json) as CallIntent;
    if (typeof value.at === 'number' && typeof value.step === 'string') return value;
  } catch {
    // falls through to the error below
  }
  throw corruptRecord(jobId, 'its call intent is unreadable');
}

function corruptRecord(jobId: string, why: string): RevokerError {
  return new RevokerError(
    'RECORD_ERR_CORRUPT',
    `the item record of job ${jobId} is corrupt (${why}): inspect it with HGET on the results hash before redoing the item`,
    { details: { jobId } },
  );
}
