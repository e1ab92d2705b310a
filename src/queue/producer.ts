/**
 * The producer: validates input rows, then enqueues them on their accounts' queues. Used by the
 * CLI (`revoker submit`), the library (`createProducer`) and the HTTP API.
 *
 * All or nothing: every row is validated before any job is added. Valid items wait in a staging
 * list in Redis meanwhile, so a 1,000,000-row input is read once and never held in memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { RevokerError } from '../errors.ts';
import {
  type InputRow,
  type RowError,
  type RowResult,
  rowWarnings,
  type ValidationContext,
  type ValidItem,
  validateInputRow,
} from '../jobs/input-row.ts';
import { type JobIdParts, parseJobId } from '../jobs/job-id.ts';
import type { OperationName } from '../vendors/operation.ts';
import { type BatchItemRef, type BatchMeta, createBatchStore, type InvalidRow } from './batch-store.ts';
import {
  type CompactJobData,
  createParamSetEncoder,
  expandJobData,
  isCompactJobData,
  type ParamSetEncoder,
  type ParamSetReader,
} from './compact-job-data.ts';
import type { DeadLetter } from './dead-letter.ts';
import { FINAL_OUTCOMES, type ItemOutcome, type ItemRecord, parseItemRecord } from './item-record.ts';
import { accountJobOptions, QUEUE_STREAMS, type RetrySettings } from './job-options.ts';
import type { KeySpace } from './keys.ts';
import { perTurn } from './per-turn.ts';
import { positionsBy } from './positions-by.ts';
import type { QueueJobData } from './queue-job.ts';
import type { RedisClient } from './redis-connection.ts';
import { createResultStore } from './result-store.ts';

export type { InputRow };

export interface ProducerOptions {
  /** A producer-role connection (fails fast); the producer does not close it. */
  redis: RedisClient;
  keys: KeySpace;
  validation: ValidationContext;
  /**
   * @deprecated Unused: jobs carry no retry options any more; the worker retries by its own
   * config's `retry` section (job-options.ts).
   */
  retry?: RetrySettings;
  /** Rows per Redis round trip. @defaultValue 1000 */
  chunkSize?: number;
  /** Runs dead-lettered items again (submit --retry-dead-lettered, purged items). */
  deadLetter?: DeadLetter;
  /** Names the daily batch single items join (`lib-<name>-<YYYYMMDD>`). @defaultValue 'library' */
  name?: string;
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
  /**
   * Finish a submit of this batch id that was cut off (same input): rows already recorded are
   * not listed twice, and their jobs are not sent twice. @defaultValue false
   */
  resume?: boolean;
  /**
   * Items whose record is dead-lettered run again with this input's parameters (the row the user
   * fixed), with fresh attempts; their dead-letter entries are resolved. @defaultValue false
   */
  retryDeadLettered?: boolean;
  /** The input must have exactly this many data rows (catches a truncated file). */
  expectRows?: number;
  /** Every item of the batch is a rehearsal, whatever its account says (`submit --rehearsal`). */
  rehearsal?: boolean;
  /** A valid row that may not mean what it says (rowWarnings), told as it is read. */
  onWarning?: (warning: RowError) => void;
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
  /** Dead-lettered items run again (retryDeadLettered, or purged from the dead-letter queue). */
  retried: number;
  /** The first maxErrors row errors (the batch report lists every skipped row). */
  errors: RowError[];
  /** Valid items per account, real and rehearsal, sorted by account. */
  split: AccountSplit[];
}

export interface SingleItem {
  account: string;
  operation: OperationName;
  params: Record<string, unknown>;
}

/** What happened to one item sent with revoke() / replace(). */
export type SingleResult = SubmitSummary & {
  jobId: string;
  /** The item's outcome right after the call: `in-progress` for new work, else the one on record. */
  outcome: ItemOutcome;
};

export interface Producer {
  /**
   * Checks one item exactly as submit would, without enqueuing anything: the valid item (its
   * normalised parameters and job id) or every error naming its field.
   */
  validate(item: Record<string, unknown>, options?: Pick<SubmitOptions, 'rehearsal'>): RowResult;
  submit(rows: Iterable<InputRow> | AsyncIterable<InputRow>, options?: SubmitOptions): Promise<SubmitSummary>;
  /** One revocation (event-driven use); returns its batch and job id. */
  revoke(item: SingleItem, options?: Omit<SubmitOptions, 'skipInvalid'>): Promise<SingleResult>;
  /** One replacement (`sectigo.replaceSMIME`). */
  replace(item: SingleItem, options?: Omit<SubmitOptions, 'skipInvalid'>): Promise<SingleResult>;
  close(): Promise<void>;
}

/**
 * How long a submission holds its batch without a sign of life. A timer renews it while the
 * submit runs, so a killed submit blocks a --resume for at most this long.
 */
const LEASE_MS = 15_000;
/** Staging data outlives a crashed submit by at most this long (a resume within it re-reads the file anyway). */
const STAGING_TTL_MS = 24 * 3600_000;

export function newBatchId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `b-${stamp}-${randomUUID().slice(0, 8)}`;
}

export function createProducer(options: ProducerOptions): Producer {
  const { redis, keys } = options;
  const chunkSize = options.chunkSize ?? 1000;
  const producerName = options.name ?? 'library';
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(producerName)) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `producer name: "${producerName}" must be 1-40 of A-Z a-z 0-9 . _ -`,
    );
  }
  const batches = createBatchStore(redis, keys);
  // Single items of one turn join their batch of the day together: one script run and one record
  // read for all the requests a busy API parsed in that turn, not one each (bench e).
  const joinDay = perTurn(async (joins: { meta: BatchMeta; item: BatchItemRef }[]) => {
    const records: (string | null)[] = new Array(joins.length).fill(null);
    await Promise.all(
      [...positionsBy(joins, (join) => join.meta.id).values()].map(async (at) => {
        // The batch is created from its first joiner's meta (a batch's other fields stay as set).
        const stored = await batches.joinItems(
          joins[at[0]!]!.meta,
          at.map((i) => joins[i]!.item),
        );
        stored.forEach((record, k) => {
          records[at[k]!] = record;
        });
      }),
    );
    return records;
  });
  const results = createResultStore(redis, keys);
  const jobOptions = accountJobOptions();
  const queues = new Map<string, Queue>();

  const queueFor = (account: string): Queue => {
    let queue = queues.get(account);
    if (!queue) {
      const address = keys.accountQueue(account);
      queue = new Queue(address.name, { connection: redis, prefix: address.prefix, streams: QUEUE_STREAMS });
      // Connection faults reach the caller as failed commands; unheard, BullMQ would print them raw.
      queue.on('error', () => {});
      queues.set(account, queue);
    }
    return queue;
  };

  async function submit(
    rows: Iterable<InputRow> | AsyncIterable<InputRow>,
    submitOptions: SubmitOptions = {},
  ): Promise<SubmitSummary> {
    const resume = submitOptions.resume === true;
    if (resume && !submitOptions.batchId) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        'batch: --resume needs the id of the batch to finish (--batch ID)',
      );
    }
    const batchId = submitOptions.batchId ?? newBatchId();
    validateBatchId(batchId);
    const leaseToken = randomUUID();
    if (!(await batches.takeLease(batchId, leaseToken, LEASE_MS))) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `batch ${batchId}: another submit of this batch is running now (or one was stopped less than ${LEASE_MS / 1000} s ago); ` +
          `wait for it, then see: revoker batch status ${batchId}`,
      );
    }
    const renew = setInterval(() => void batches.renewLease(batchId, LEASE_MS).catch(() => {}), LEASE_MS / 3);
    renew.unref();
    try {
      const earlier = resume ? await claimForResume(batchId) : undefined;
      const meta: BatchMeta = {
        id: batchId,
        createdAt: earlier?.createdAt ?? Date.now(),
        state: 'staging',
        rows: 0,
        valid: 0,
        invalid: 0,
        source: submitOptions.source ?? earlier?.source ?? 'library',
      };
      if (!earlier && !(await batches.claim(meta))) {
        const existing = await batches.readMeta(batchId);
        throw new RevokerError(
          'INPUT_ERR_INVALID',
          `batch ${batchId} exists already${existing ? ` (${existing.state})` : ''}: choose another --batch id` +
            (existing && existing.state !== 'submitted'
              ? `, or finish its cut-off submit: revoker submit FILE --batch ${batchId} --resume`
              : ''),
        );
      }
      try {
        // One encoder for both passes: stage names the parameter sets, enqueue stores them.
        const encoder = createParamSetEncoder();
        const staged = await stage(batchId, meta, rows, submitOptions, encoder);
        if (earlier?.digest !== undefined && earlier.digest !== meta.digest) {
          throw new RevokerError(
            'INPUT_ERR_INVALID',
            `batch ${batchId}: this input is not the one first submitted (${earlier.valid} valid rows then, ${meta.valid} now): ` +
              '--resume takes the same file',
          );
        }
        const split = staged.split;
        await submitOptions.onValidated?.(split);
        const enqueued = await enqueue(batchId, meta, earlier?.state === 'enqueuing', submitOptions, encoder);
        return {
          batchId,
          rows: meta.rows,
          valid: meta.valid,
          invalid: meta.invalid,
          ...enqueued,
          errors: staged.errors,
          split,
        };
      } catch (error) {
        await redis.del(keys.batchStaging(batchId));
        // Nothing of a new batch was enqueued before validation ended: the id is free again.
        if (!earlier && meta.state === 'staging') await batches.remove(batchId);
        throw error;
      }
    } finally {
      clearInterval(renew);
      await batches.releaseLease(batchId, leaseToken);
    }
  }

  /** The batch a --resume finishes: one whose submit was cut off before it was complete. */
  async function claimForResume(batchId: string): Promise<BatchMeta> {
    const earlier = await batches.readMeta(batchId);
    if (!earlier) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `batch ${batchId}: no such batch to resume (submit it without --resume)`,
      );
    }
    if (earlier.state === 'submitted') {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `batch ${batchId} was submitted completely already: nothing to resume (revoker batch status ${batchId})`,
      );
    }
    return earlier;
  }

  /**
   * Pass 1: validates every row; parks valid items in the staging list (with a TTL, so a crashed
   * submit leaves nothing forever) and skipped rows in the batch, a chunk at a time.
   */
  async function stage(
    batchId: string,
    meta: BatchMeta,
    rows: Iterable<InputRow> | AsyncIterable<InputRow>,
    submitOptions: SubmitOptions,
    encoder: ParamSetEncoder,
  ): Promise<{ errors: RowError[]; split: AccountSplit[] }> {
    const maxErrors = submitOptions.maxErrors ?? 1000;
    const staging = keys.batchStaging(batchId);
    const errors: RowError[] = [];
    let invalidRows: InvalidRow[] = [];
    let pending: string[] = [];
    const digest = createHash('sha256');
    const splits = new Map<string, AccountSplit>();
    const validation = withRehearsal(options.validation, submitOptions);
    // One chunk is written while the next is validated (Redis and this process work at once);
    // never more than one, so memory stays a chunk's worth. Chunks land in input order.
    let writing: Promise<void> = Promise.resolve();
    let writeFailed: { error: unknown } | undefined;
    const flush = async () => {
      const items = pending;
      const invalid = invalidRows;
      pending = [];
      invalidRows = [];
      await writing;
      if (writeFailed) throw writeFailed.error;
      writing = Promise.all([
        items.length > 0
          ? redis
              .multi()
              .rpush(staging, ...items)
              .pexpire(staging, STAGING_TTL_MS)
              .exec()
          : undefined,
        invalid.length > 0 ? batches.appendInvalid(batchId, invalid) : undefined,
      ]).then(
        () => {},
        // Kept until the next flush throws it: an unawaited rejection would end the process.
        (error: unknown) => {
          writeFailed = { error };
        },
      );
    };
    await redis.del(staging, keys.batchInvalid(batchId));
    for await (const row of rows) {
      meta.rows++;
      const result = validateInputRow(row, validation);
      if (result.ok) {
        meta.valid++;
        const item = result.item;
        const split = splits.get(item.account) ?? { account: item.account, real: 0, rehearsal: 0 };
        split[item.rehearsal ? 'rehearsal' : 'real']++;
        splits.set(item.account, split);
        digest.update(`${item.row}\t${item.jobId}\n`);
        if (submitOptions.onWarning)
          for (const warning of rowWarnings(item)) submitOptions.onWarning(warning);
        pending.push(stagedLine(item, batchId, encoder));
      } else {
        meta.invalid++;
        if (submitOptions.skipInvalid) {
          invalidRows.push({
            row: row.rowNumber,
            errors: result.errors.map(({ field, message }) => ({ field, message })),
          });
        }
        if (errors.length < maxErrors) errors.push(...result.errors.slice(0, maxErrors - errors.length));
      }
      if (pending.length >= chunkSize || invalidRows.length >= chunkSize) await flush();
    }
    await flush();
    await writing;
    if (writeFailed) throw writeFailed.error;
    meta.digest = digest.digest('hex');

    if (meta.rows === 0) {
      throw new RevokerError('INPUT_ERR_INVALID', 'the input has no data rows: nothing to submit');
    }
    if (submitOptions.expectRows !== undefined && meta.rows !== submitOptions.expectRows) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `--expect-rows ${submitOptions.expectRows}: the input has ${meta.rows} data rows (a truncated or wrong file?); nothing was enqueued`,
      );
    }
    if (meta.invalid > 0 && !submitOptions.skipInvalid) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `${meta.invalid} of ${meta.rows} rows are invalid; nothing was enqueued (fix them, or pass --skip-invalid):\n` +
          errors.map((e) => `  row ${e.row}, ${e.field}: ${e.message}`).join('\n'),
        { details: { errors, invalid: meta.invalid, rows: meta.rows } },
      );
    }
    return { errors, split: [...splits.values()].sort((a, b) => a.account.localeCompare(b.account)) };
  }

  /**
   * Pass 2: enqueues from the staging list, a chunk per round trip. Items are recorded in the
   * batch before their jobs are added, so a crash in between leaves items a --resume finishes,
   * never jobs no report counts. Adding a job id that exists is a no-op in BullMQ, and a job
   * whose record is final completes with no call, so a resume may add a chunk twice safely.
   */
  async function enqueue(
    batchId: string,
    meta: BatchMeta,
    resuming: boolean,
    submitOptions: SubmitOptions,
    encoder: ParamSetEncoder,
  ): Promise<{ enqueued: number; alreadyFinished: number; retried: number }> {
    const staging = keys.batchStaging(batchId);
    // Items the cut-off submit recorded already: not listed twice.
    const listed = resuming ? await batches.itemCount(batchId) : 0;
    meta.state = 'enqueuing';
    await batches.writeMeta(meta);
    let enqueued = 0;
    let alreadyFinished = 0;
    let retried = 0;
    // Every parameter set the batch's jobs name, stored before any job is added.
    const sets = encoder.takeNewSets();
    if (sets.size > 0) await redis.hset(keys.batchParams(batchId), sets);
    const setsById = new Map(
      [...sets].map(([id, json]) => [id, JSON.parse(json) as Record<string, unknown>]),
    );
    const readSet: ParamSetReader = async (_batch, id) => setsById.get(id);
    // Redis runs a chunk's addBulk as one transaction; meanwhile this process reads and builds the
    // next chunks. Reads go over a connection of their own, or they would wait behind the adds;
    // two adds may be in flight, so one is built while Redis runs the other. A record that turns
    // final in between only means its job is added and completes with no call.
    const reader = meta.valid > chunkSize ? redis.duplicate() : redis;
    reader.on('error', () => {});
    const readerResults = reader === redis ? results : createResultStore(reader, keys);
    const read = async (start: number) => {
      const chunk = (await reader.lrange(staging, start, start + chunkSize - 1)).map(parseStagedLine);
      return { chunk, known: await readerResults.getMany(chunk.map((item) => item.jobId)) };
    };
    let next = meta.valid > 0 ? read(0) : undefined;
    const adding: Promise<void>[] = [];
    let addFailed: { error: unknown } | undefined;
    try {
      for (let start = 0; start < meta.valid; start += chunkSize) {
        const { chunk, known } = await (next as ReturnType<typeof read>);
        next = start + chunkSize < meta.valid ? read(start + chunkSize) : undefined;
        // Awaited in the next round; until then a failure must not end the process unheard.
        next?.catch(() => {});
        const byQueue = new Map<
          string,
          { name: string; data: QueueJobData | CompactJobData; opts: typeof jobOptions }[]
        >();
        const redo: StagedJob[] = [];
        chunk.forEach((item, i) => {
          const record = known[i];
          if (record && FINAL_OUTCOMES.has(record.outcome)) {
            // Dead-lettered and asked for again (or purged): run with this row's parameters.
            if (runsAgain(record, submitOptions)) {
              redo.push(item);
              return;
            }
            // Finished before (another batch or an earlier row): no second vendor call.
            alreadyFinished++;
            return;
          }
          const list = byQueue.get(item.account) ?? [];
          list.push({ name: item.operation, data: item.data, opts: { ...jobOptions, jobId: item.jobId } });
          byQueue.set(item.account, list);
        });
        const skip = Math.max(0, listed - start);
        if (adding.length >= 2) await adding.shift();
        if (addFailed) throw addFailed.error;
        // One connection, commands in the order sent: the chunk's item list entries before its jobs.
        adding.push(
          Promise.all([
            batches.appendItems(
              batchId,
              chunk.slice(skip).map((item) => ({ row: item.row, jobId: item.jobId })),
              start + skip,
            ),
            (async () => {
              for (const [account, jobs] of byQueue) await queueFor(account).addBulk(jobs);
            })(),
          ]).then(
            () => {},
            (error: unknown) => {
              addFailed = { error };
            },
          ),
        );
        for (const jobs of byQueue.values()) enqueued += jobs.length;
        for (const { jobId, operation, data } of redo) {
          if (!options.deadLetter) throw new Error('the producer was built without a dead-letter queue');
          const full = await expandJobData(jobId, operation, data, readSet);
          if (!full.ok) throw new Error(`job ${jobId}: ${full.error}`);
          const again = await options.deadLetter.retry(jobId, full.data as QueueJobData);
          if (again.ok) retried++;
          else alreadyFinished++;
        }
      }
      await Promise.all(adding);
      if (addFailed) throw addFailed.error;
    } finally {
      if (reader !== redis) reader.disconnect();
    }
    await redis.del(staging);
    meta.state = 'submitted';
    await batches.writeMeta(meta);
    return { enqueued, alreadyFinished, retried };
  }

  async function single(
    item: SingleItem,
    kind: 'revoke' | 'replace',
    submitOptions: Omit<SubmitOptions, 'skipInvalid'> = {},
  ): Promise<SingleResult> {
    const isReplace = item.operation === 'sectigo.replaceSMIME';
    if ((kind === 'replace') !== isReplace) {
      throw new RevokerError('INPUT_ERR_INVALID', `operation: ${item.operation} is not a ${kind} operation`);
    }
    const row: InputRow = {
      rowNumber: 1,
      raw: { ...item.params, account: item.account, operation: item.operation },
    };
    // A named batch is a batch of one, as a file of one row would be.
    if (submitOptions.batchId !== undefined) {
      const summary = await submit([row], { source: 'library', ...submitOptions });
      const [ref] = await batches.readItems(summary.batchId, 0, 1);
      const jobId = ref?.jobId ?? '';
      const record = jobId === '' ? undefined : await results.get(jobId);
      return { ...summary, jobId, outcome: outcomeAfter(record, summary.retried > 0) };
    }
    return joinDailyBatch(row, submitOptions);
  }

  /**
   * Event-driven use sends one item at a time, all day: each joins the producer's batch of the
   * day (`lib-<name>-<YYYYMMDD>`), so a day of events is one report, not 10,000 batches.
   */
  async function joinDailyBatch(
    row: InputRow,
    submitOptions: Omit<SubmitOptions, 'skipInvalid'>,
  ): Promise<SingleResult> {
    const validation = withRehearsal(options.validation, submitOptions);
    const result = validateInputRow(row, validation);
    if (!result.ok) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `the item is invalid; nothing was enqueued:\n${result.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`,
        { details: { errors: result.errors, invalid: 1, rows: 1 } },
      );
    }
    const valid = result.item;
    const split = [
      { account: valid.account, real: valid.rehearsal ? 0 : 1, rehearsal: valid.rehearsal ? 1 : 0 },
    ];
    await submitOptions.onValidated?.(split);
    const now = Date.now();
    const batchId = `lib-${producerName}-${utcDay(now)}`;
    // The first item of the day creates the batch; the others find it. Listed (and counted)
    // before its job is added, like a file's rows: a crash in between leaves an item that reports
    // in-progress and is sent again by the next revoke() of it, never a job no report counts.
    // One round trip, the item's record read in the same step: single items come thousands an
    // hour from pipelines, and each round trip shows in the API's throughput (bench e).
    const stored = await joinDay({
      meta: {
        id: batchId,
        createdAt: now,
        state: 'submitted',
        rows: 0,
        valid: 0,
        invalid: 0,
        source: submitOptions.source ?? 'library',
      },
      item: { row: 1, jobId: valid.jobId },
    });
    const record = parseItemRecord(stored, valid.jobId);
    const data = jobDataOf(valid, batchId);
    const summary = {
      batchId,
      rows: 1,
      valid: 1,
      invalid: 0,
      enqueued: 0,
      alreadyFinished: 0,
      retried: 0,
      errors: [],
      split,
    };
    if (record && FINAL_OUTCOMES.has(record.outcome)) {
      if (runsAgain(record, submitOptions) && options.deadLetter) {
        const again = await options.deadLetter.retry(valid.jobId, data);
        return {
          ...summary,
          ...(again.ok ? { retried: 1 } : { alreadyFinished: 1 }),
          jobId: valid.jobId,
          outcome: outcomeAfter(again.ok ? undefined : record, again.ok),
        };
      }
      return { ...summary, alreadyFinished: 1, jobId: valid.jobId, outcome: record.outcome };
    }
    await queueFor(valid.account).add(valid.operation, data, { ...jobOptions, jobId: valid.jobId });
    return { ...summary, enqueued: 1, jobId: valid.jobId, outcome: outcomeAfter(record, false) };
  }

  return {
    validate: (raw, validateOptions = {}) =>
      validateInputRow({ rowNumber: 1, raw }, withRehearsal(options.validation, validateOptions)),
    submit,
    revoke: (item, o) => single(item, 'revoke', o),
    replace: (item, o) => single(item, 'replace', o),
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}

/** An item's outcome once a single item was handed over: new or reopened work is in progress. */
function outcomeAfter(record: ItemRecord | undefined, reopened: boolean): ItemOutcome {
  if (reopened || record === undefined) return 'in-progress';
  return record.outcome;
}

/** A submission's validation rules: `rehearsal` makes every item of it a rehearsal. */
function withRehearsal(base: ValidationContext, submitOptions: SubmitOptions): ValidationContext {
  return submitOptions.rehearsal ? { ...base, rehearsal: true } : base;
}

/** A valid item as the staging list keeps it: its job id and the data its job will hold. */
interface StagedJob {
  jobId: string;
  account: string;
  operation: OperationName;
  row: number;
  data: QueueJobData | CompactJobData;
}

/**
 * `<job id>\t<job data JSON>`: the job as it will be added, compact where it can be (a third of
 * a full item's bytes through Redis, twice).
 */
function stagedLine(item: ValidItem, batchId: string, encoder: ParamSetEncoder): string {
  return `${item.jobId}\t${JSON.stringify(encoder.encode(item, batchId) ?? jobDataOf(item, batchId))}`;
}

function parseStagedLine(line: string): StagedJob {
  const tab = line.indexOf('\t');
  const jobId = line.slice(0, tab);
  const data = JSON.parse(line.slice(tab + 1)) as QueueJobData | CompactJobData;
  if (isCompactJobData(data)) {
    // A compact job's id was made from these parts at validation (compact-job-data.ts).
    const parts = parseJobId(jobId) as JobIdParts;
    return { jobId, account: parts.account, operation: parts.operation, row: data.r, data };
  }
  return { jobId, account: data.account, operation: data.operation, row: data.row, data };
}

const DAY_MS = 86_400_000;
let dayCached = { start: 0, text: '' };

/** `YYYYMMDD` of a time (UTC), formatted once a day: a busy API asks it for every item. */
export function utcDay(ms: number): string {
  if (ms < dayCached.start || ms >= dayCached.start + DAY_MS) {
    const start = ms - (ms % DAY_MS);
    dayCached = { start, text: new Date(start).toISOString().slice(0, 10).replace(/-/g, '') };
  }
  return dayCached.text;
}

/** What a valid item's job holds. */
function jobDataOf(item: ValidItem, batchId: string): QueueJobData {
  return {
    account: item.account,
    operation: item.operation,
    params: item.params,
    batchId,
    row: item.row,
    rehearsal: item.rehearsal,
  };
}

/** A finished item that a new submit runs again: dead-lettered, and purged or asked for. */
function runsAgain(record: ItemRecord, submitOptions: SubmitOptions): boolean {
  return (
    record.outcome === 'dead-lettered' && (record.purged === true || submitOptions.retryDeadLettered === true)
  );
}

function validateBatchId(batchId: string): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(batchId)) {
    throw new RevokerError(
      'INPUT_ERR_INVALID',
      `batch: "${batchId}" is not a valid id (letters, digits, . _ -; at most 100)`,
    );
  }
}
