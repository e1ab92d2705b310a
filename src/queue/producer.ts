/**
 * The producer: validates input rows, then enqueues them on their accounts' queues. Used by the
 * CLI (`revoker submit`), the library (`createProducer`) and the HTTP API.
 *
 * All or nothing: every row is validated before any job is added. Valid items wait in a staging
 * list in Redis meanwhile, so a 1,000,000-row input is read once and never held in memory.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RevokerError } from '../errors.ts';
import {
  type InputRow,
  type RowError,
  type ValidationContext,
  type ValidItem,
  validateInputRow,
} from '../jobs/input-row.ts';
import type { OperationName } from '../vendors/operation.ts';
import { type BatchMeta, createBatchStore, type InvalidRow } from './batch-store.ts';
import { FINAL_OUTCOMES } from './item-record.ts';
import { accountJobOptions, type RetrySettings } from './job-options.ts';
import type { KeySpace } from './keys.ts';
import type { QueueJobData } from './queue-job.ts';
import { createResultStore } from './result-store.ts';

export type { InputRow };

export interface ProducerOptions {
  /** A producer-role connection (fails fast); the producer does not close it. */
  redis: Redis;
  keys: KeySpace;
  validation: ValidationContext;
  retry: RetrySettings;
  /** Rows per Redis round trip. @defaultValue 1000 */
  chunkSize?: number;
}

export interface SubmitOptions {
  /** @defaultValue a new id: `b-<date>-<random>` */
  batchId?: string;
  /** Enqueue the valid rows and record the invalid ones as skipped-invalid. @defaultValue false */
  skipInvalid?: boolean;
  /** Where the rows came from (a file path, `api`), for the batch record. */
  source?: string;
  /** How many row errors to keep for the message. @defaultValue 1000 */
  maxErrors?: number;
  /** Every item of the batch is a rehearsal, whatever its account says (`submit --rehearsal`). */
  rehearsal?: boolean;
  /** Called once every row is valid and before anything is enqueued: what is about to be sent. */
  onValidated?: (split: AccountSplit[]) => void | Promise<void>;
}

/** How many of an account's valid items are real and how many are rehearsals. */
export interface AccountSplit {
  account: string;
  real: number;
  rehearsal: number;
}

export interface SubmitSummary {
  batchId: string;
  rows: number;
  valid: number;
  invalid: number;
  /** Jobs added now. */
  enqueued: number;
  /** Items already finished earlier (another batch, or a duplicate row): no new vendor call. */
  alreadyFinished: number;
  /** Invalid rows (all when skipInvalid, else the first maxErrors). */
  errors: RowError[];
  /** Valid items per account, real and rehearsal, sorted by account. */
  split: AccountSplit[];
}

export interface SingleItem {
  account: string;
  operation: OperationName;
  params: Record<string, unknown>;
}

export interface Producer {
  submit(rows: Iterable<InputRow> | AsyncIterable<InputRow>, options?: SubmitOptions): Promise<SubmitSummary>;
  /** One revocation (event-driven use); returns its batch and job id. */
  revoke(
    item: SingleItem,
    options?: Omit<SubmitOptions, 'skipInvalid'>,
  ): Promise<SubmitSummary & { jobId: string }>;
  /** One replacement (`sectigo.replaceSMIME`). */
  replace(
    item: SingleItem,
    options?: Omit<SubmitOptions, 'skipInvalid'>,
  ): Promise<SubmitSummary & { jobId: string }>;
  close(): Promise<void>;
}

export function newBatchId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `b-${stamp}-${randomUUID().slice(0, 8)}`;
}

export function createProducer(options: ProducerOptions): Producer {
  const { redis, keys } = options;
  const chunkSize = options.chunkSize ?? 1000;
  const batches = createBatchStore(redis, keys);
  const results = createResultStore(redis, keys);
  const jobOptions = accountJobOptions(options.retry);
  const queues = new Map<string, Queue>();

  const queueFor = (account: string): Queue => {
    let queue = queues.get(account);
    if (!queue) {
      queue = new Queue(keys.accountQueue(account), { connection: redis, prefix: keys.prefix });
      queues.set(account, queue);
    }
    return queue;
  };

  async function submit(
    rows: Iterable<InputRow> | AsyncIterable<InputRow>,
    submitOptions: SubmitOptions = {},
  ): Promise<SubmitSummary> {
    const batchId = submitOptions.batchId ?? newBatchId();
    validateBatchId(batchId);
    const maxErrors = submitOptions.maxErrors ?? 1000;
    const staging = keys.batchStaging(batchId);
    const meta: BatchMeta = {
      id: batchId,
      createdAt: Date.now(),
      state: 'staging',
      rows: 0,
      valid: 0,
      invalid: 0,
      source: submitOptions.source ?? 'library',
    };
    const existing = await batches.readMeta(batchId);
    if (existing) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `batch ${batchId} exists already: choose another --batch id`,
      );
    }

    // Pass 1: validate every row; park valid items in Redis, keep the errors.
    const errors: RowError[] = [];
    const invalidRows: InvalidRow[] = [];
    let pending: string[] = [];
    const splits = new Map<string, AccountSplit>();
    const validation: ValidationContext = submitOptions.rehearsal
      ? { ...options.validation, rehearsal: true }
      : options.validation;
    await redis.del(staging);
    for await (const row of rows) {
      const rowNumber = row.rowNumber;
      meta.rows++;
      const result = validateInputRow(row, validation);
      if (result.ok) {
        meta.valid++;
        const split = splits.get(result.item.account) ?? {
          account: result.item.account,
          real: 0,
          rehearsal: 0,
        };
        split[result.item.rehearsal ? 'rehearsal' : 'real']++;
        splits.set(result.item.account, split);
        pending.push(JSON.stringify(result.item));
        if (pending.length >= chunkSize) {
          await redis.rpush(staging, ...pending);
          pending = [];
        }
      } else {
        meta.invalid++;
        if (submitOptions.skipInvalid) {
          invalidRows.push({
            row: rowNumber,
            errors: result.errors.map(({ field, message }) => ({ field, message })),
          });
        }
        if (submitOptions.skipInvalid || errors.length < maxErrors) errors.push(...result.errors);
      }
    }
    if (pending.length > 0) await redis.rpush(staging, ...pending);

    if (meta.invalid > 0 && !submitOptions.skipInvalid) {
      await redis.del(staging);
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `${meta.invalid} of ${meta.rows} rows are invalid; nothing was enqueued (fix them, or pass --skip-invalid):\n` +
          errors.map((e) => `  row ${e.row}, ${e.field}: ${e.message}`).join('\n'),
        { details: { errors, invalid: meta.invalid, rows: meta.rows } },
      );
    }

    const split = [...splits.values()].sort((a, b) => a.account.localeCompare(b.account));
    await submitOptions.onValidated?.(split);

    // Pass 2: enqueue from the staging list, a chunk per round trip.
    meta.state = 'enqueuing';
    await batches.writeMeta(meta);
    await batches.appendInvalid(batchId, invalidRows);
    let enqueued = 0;
    let alreadyFinished = 0;
    for (let start = 0; start < meta.valid; start += chunkSize) {
      const chunk = (await redis.lrange(staging, start, start + chunkSize - 1)).map(
        (l) => JSON.parse(l) as ValidItem,
      );
      const known = await results.getMany(chunk.map((item) => item.jobId));
      const byQueue = new Map<string, { name: string; data: QueueJobData; opts: typeof jobOptions }[]>();
      chunk.forEach((item, i) => {
        const record = known[i];
        // Finished before (another batch or an earlier row): no second vendor call.
        if (record && FINAL_OUTCOMES.has(record.outcome)) {
          alreadyFinished++;
          return;
        }
        const list = byQueue.get(item.account) ?? [];
        list.push({
          name: item.operation,
          data: {
            account: item.account,
            operation: item.operation,
            params: item.params,
            batchId,
            row: item.row,
            rehearsal: item.rehearsal,
          },
          opts: { ...jobOptions, jobId: item.jobId },
        });
        byQueue.set(item.account, list);
      });
      for (const [account, jobs] of byQueue) {
        await queueFor(account).addBulk(jobs);
        enqueued += jobs.length;
      }
      await batches.appendItems(
        batchId,
        chunk.map((item) => ({ row: item.row, jobId: item.jobId })),
      );
    }
    await redis.del(staging);
    meta.state = 'submitted';
    await batches.writeMeta(meta);
    return {
      batchId,
      rows: meta.rows,
      valid: meta.valid,
      invalid: meta.invalid,
      enqueued,
      alreadyFinished,
      errors,
      split,
    };
  }

  async function single(
    item: SingleItem,
    kind: 'revoke' | 'replace',
    submitOptions: Omit<SubmitOptions, 'skipInvalid'> = {},
  ) {
    const isReplace = item.operation === 'sectigo.replaceSMIME';
    if ((kind === 'replace') !== isReplace) {
      throw new RevokerError('INPUT_ERR_INVALID', `operation: ${item.operation} is not a ${kind} operation`);
    }
    const summary = await submit(
      [{ rowNumber: 1, raw: { ...item.params, account: item.account, operation: item.operation } }],
      {
        source: 'library',
        ...submitOptions,
      },
    );
    const [ref] = await batches.readItems(summary.batchId, 0, 1);
    return { ...summary, jobId: ref?.jobId ?? '' };
  }

  return {
    submit,
    revoke: (item, o) => single(item, 'revoke', o),
    replace: (item, o) => single(item, 'replace', o),
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}

function validateBatchId(batchId: string): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(batchId)) {
    throw new RevokerError(
      'INPUT_ERR_INVALID',
      `batch: "${batchId}" is not a valid id (letters, digits, . _ -; at most 100)`,
    );
  }
}
