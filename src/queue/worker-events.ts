/**
 * What a worker tells the rest of the process while it runs jobs: every vendor call, every item
 * that reaches a final outcome, every halt and rate-limit wait. Metrics and outcome webhooks
 * listen here, so the processor knows nothing of either.
 *
 * A listener runs after the fact it reports is on record (the item record written, the halt
 * stored). It may be async; the processor awaits it, and a listener that throws is logged, never
 * allowed to change the job's fate.
 */
import type { OperationName } from '../vendors/operation.ts';
import type { OutcomeClass } from '../vendors/outcome.ts';
import type { ItemRecord } from './item-record.ts';

export interface VendorCallEvent {
  account: string;
  operation: OperationName;
  /** `call` (the operation itself), or a follow-up: `approve`, `poll`, `verify`, `send`. */
  step: string;
  /** The vendor's code or ours (`0`, `-21`, `201`, `CA_ERR_TIMEOUT`). */
  code: string;
  class: OutcomeClass;
  latencyMs: number;
}

export interface ItemFinishedEvent {
  account: string;
  operation: OperationName;
  jobId: string;
  /** The batch whose job ran it (an item may be listed in later batches too). */
  batchId: string;
  row: number;
  /** The final record as written. */
  record: ItemRecord;
  /**
   * True when the record was final before this run began: the run that wrote it may have died
   * before its listeners were told, so they are told again. Counters skip these (they were most
   * likely counted); deliveries send them (keyed by the record, a receiver sees one event).
   */
  again?: boolean;
}

export interface AccountHaltedEvent {
  account: string;
  reason: string;
  code: string;
  jobId: string;
  at: number;
}

export interface RateLimitedEvent {
  account: string;
  code: string;
  waitMs: number;
}

export interface WorkerEvents {
  vendorCall?(event: VendorCallEvent): void | Promise<void>;
  itemFinished?(event: ItemFinishedEvent): void | Promise<void>;
  accountHalted?(event: AccountHaltedEvent): void | Promise<void>;
  rateLimited?(event: RateLimitedEvent): void | Promise<void>;
}

/**
 * Several listeners as one (metrics and webhooks in one process). Each is told even when one
 * before it throws; the failures are thrown together afterwards, for the processor to log.
 */
export function combineWorkerEvents(...all: readonly (WorkerEvents | undefined)[]): WorkerEvents {
  const present = all.filter((e): e is WorkerEvents => e !== undefined);
  const combined: WorkerEvents = {};
  // A kind no listener wants stays absent, so the processor builds no event for it.
  const combine = <K extends keyof WorkerEvents>(kind: K) => {
    const listeners = present.filter((e) => e[kind] !== undefined);
    if (listeners.length === 0) return;
    combined[kind] = (async (event: Parameters<NonNullable<WorkerEvents[K]>>[0]) => {
      const failures: unknown[] = [];
      for (const e of listeners) {
        try {
          await (e[kind] as (event: unknown) => void | Promise<void>).call(e, event);
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'worker event listeners failed');
    }) as WorkerEvents[K];
  };
  combine('vendorCall');
  combine('itemFinished');
  combine('accountHalted');
  combine('rateLimited');
  return combined;
}
