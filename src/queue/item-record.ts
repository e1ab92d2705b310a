/**
 * The durable record of one item (one job id): its outcome, every attempt, and what the vendor
 * taught us. Kept compact: one JSON value per job id in the results hash, written by the worker
 * before BullMQ completes the job, so a report never depends on BullMQ keeping finished jobs.
 */
import type { Outcome, OutcomeClass } from '../vendors/outcome.ts';

export const ITEM_OUTCOMES = [
  'revoked',
  'replaced',
  'pending-approval',
  'dead-lettered',
  'skipped-invalid',
  'in-progress',
] as const;
export type ItemOutcome = (typeof ITEM_OUTCOMES)[number];

/** Outcomes after which nothing more will happen to the item by itself. */
export const FINAL_OUTCOMES: ReadonlySet<ItemOutcome> = new Set([
  'revoked',
  'replaced',
  'dead-lettered',
  'skipped-invalid',
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

export interface ItemRecord {
  outcome: Exclude<ItemOutcome, 'skipped-invalid'>;
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
  /** Sent with test=Y: the vendor validated but did not act. */
  rehearsal?: boolean;
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

export function appendAttempt(attempts: readonly AttemptRecord[], attempt: AttemptRecord): AttemptRecord[] {
  const all = [...attempts, attempt];
  return all.length > MAX_ATTEMPTS_KEPT ? all.slice(all.length - MAX_ATTEMPTS_KEPT) : all;
}

export function parseItemRecord(json: string | null | undefined): ItemRecord | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as ItemRecord;
  } catch {
    return undefined;
  }
}
