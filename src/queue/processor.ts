/**
 * The job processor: runs one job's vendor call and carries out the decision (decide.ts) in
 * BullMQ's terms. Knows BullMQ; builds no HTTP request (the vendor adapters do).
 *
 * Every run starts on the item record (result-store.ts `begin`): a final outcome completes the job
 * with no call, and otherwise the intent of the call is written before the call is sent. A run
 * that finds an earlier intent unanswered knows that call may have reached the vendor (a worker
 * died mid-call, or between the answer and our write). Every record write carries the job's lock
 * token, so a worker that lost the job cannot change its record.
 *
 * Order of writes matters for "nothing lost": the record is written before BullMQ completes the
 * job, and a dead-letter entry after the record says dead-lettered (a run that finds the record
 * dead-lettered adds the entry again; adding is idempotent). A crash between steps leaves the job
 * active; the stalled check runs it again.
 */
import { DelayedError, type Job, RateLimitError } from 'bullmq';
import type { Logger } from 'pino';
import { ErrorCodes, RevokerError } from '../errors.ts';
import { parseJobId } from '../jobs/job-id.ts';
import type { OperationSpec, VendorAccount } from '../vendors/operation.ts';
import { makeOutcome, type Outcome } from '../vendors/outcome.ts';
import { getOperation } from '../vendors/registry.ts';
import type { AccountControl } from './account-control.ts';
import { expandJobData, jobDataAsRead, type ParamSetReader } from './compact-job-data.ts';
import type { DeadLetter, DeadLetterEntry } from './dead-letter.ts';
import { type AfterResume, type Decision, decide, escalates } from './decide.ts';
import {
  type AttemptRecord,
  appendAttempt,
  attemptFrom,
  FINAL_OUTCOMES,
  type ItemRecord,
  type RecordOutcome,
} from './item-record.ts';
import { planStart } from './plan-start.ts';
import { parseQueueJobData, type QueueJobData } from './queue-job.ts';
import type { LockProof, ResultStore } from './result-store.ts';
import type { WorkerEvents } from './worker-events.ts';

/** The worker no longer holds the job (its lock expired and another run took it): nothing is written. */
export class LockLostError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: this worker lost the job's lock; another run owns it now`);
    this.name = 'LockLostError';
  }
}

export interface AccountRuntime {
  /** Credentials and transport; its `rehearsal` is ignored (each job says whether it rehearses). */
  account: VendorAccount;
  /** DigiCert: approve pending revoke requests ourselves. */
  autoApprove: boolean;
  /** DigiCert: how often to look at a pending request. */
  approvalPollIntervalMs: number;
  defaultRateLimitWaitMs: number;
  /** Rate-limited answers for this long, and nothing else: halt with rate-limit-exhausted. */
  rateLimitMaxWaitMs: number;
}

export interface ProcessorDeps {
  accountName: string;
  runtime: AccountRuntime;
  maxAttempts: number;
  /** The wait before retry number `retry` (1 after the first transient answer): backoff.ts. */
  retryDelayMs: (retry: number) => number;
  /** A batch's parameter sets, for jobs in the compact form (compact-job-data.ts). */
  paramSets: ParamSetReader;
  results: ResultStore;
  deadLetter: DeadLetter;
  control: AccountControl;
  logger: Logger;
  /** Aborted when the worker must stop at once (second signal, shutdown grace over). */
  signal: AbortSignal;
  /** Listeners (metrics, webhooks): told of calls, final outcomes, halts and waits once on record. */
  events?: WorkerEvents;
  now?: () => number;
}

export type ProcessorResult = { outcome: RecordOutcome };

type Step = NonNullable<QueueJobData['followUp']>['step'] | 'call';

/** The intent a step records: `send` is a call; `verify` and `find` are reads, like `poll`. */
const intentStep = (step: Step): 'call' | 'approve' | 'poll' =>
  step === 'send' ? 'call' : step === 'verify' || step === 'find' ? 'poll' : step;

/** What one run of a job knows while it carries out its decision. */
interface Run {
  job: Job;
  jobId: string;
  lock: LockProof | undefined;
  data: QueueJobData;
  spec: OperationSpec;
  rehearsal: boolean;
  /** The record as this run found it (undefined: the item's first run). */
  found: ItemRecord | undefined;
}

const NO_TEST_MODE_MESSAGE = 'not sent: the vendor has no test mode';

export function createProcessor(deps: ProcessorDeps): (job: Job, token?: string) => Promise<ProcessorResult> {
  const now = deps.now ?? Date.now;
  const events = deps.events ?? {};
  /** A listener's failure is logged; it never changes what happens to the job. */
  const tell = async <E>(listener: ((event: E) => void | Promise<void>) | undefined, event: E) => {
    if (!listener) return;
    try {
      await listener.call(events, event);
    } catch (error) {
      deps.logger.warn({ account: deps.accountName, err: String(error) }, 'worker event listener failed');
    }
  };
  // Built once: a job's rehearsal flag picks one (Sectigo sends test=Y exactly when it says so).
  const base = deps.runtime.account;
  const accountFor = {
    real: base.vendor === 'sectigo' ? { ...base, rehearsal: false } : base,
    rehearsal: base.vendor === 'sectigo' ? { ...base, rehearsal: true } : base,
  };
  // "The vendor served a call" restarts the rate-limit exhaustion clock; once a second is enough.
  let lastServedAt = 0;
  // "A call of the account succeeded" tells a job's own -16 from the account's; once a second too.
  let lastSucceededAt = 0;
  // Escalating permanent answers seen in a row by this process's jobs of the account (decide.ts).
  const streak = { code: '', count: 0 };
  const countStreak = (outcome: Outcome): number => {
    if (!escalates(outcome)) {
      if (outcome.class === 'done') streak.count = 0;
      return 1;
    }
    streak.count = streak.code === outcome.code ? streak.count + 1 : 1;
    streak.code = outcome.code;
    return streak.count;
  };

  return async function processJob(job, token) {
    const jobId = job.id ?? '';
    const lock: LockProof | undefined = token
      ? { lockKey: `${job.queueQualifiedName}:${jobId}:lock`, token }
      : undefined;
    const jobTarget = parseJobId(jobId);
    const expanded = await expandJobData(jobId, job.name, job.data, deps.paramSets, jobTarget);
    // Expanded data is built from checked parts (the id's, the set's): one zod pass less per job.
    const parsed = !expanded.ok
      ? expanded
      : expanded.expanded
        ? { ok: true as const, data: expanded.data as QueueJobData }
        : parseQueueJobData(expanded.data);
    if (!parsed.ok) {
      // A job we cannot read is never retried: it goes to the dead-letter queue with the reason.
      const found = await deps.results.get(jobId).catch(() => undefined);
      await deadLetterJob(
        { job, jobId, lock, found, rehearsal: jobTarget?.rehearsal ?? false },
        job.data as QueueJobData,
        [],
        { code: ErrorCodes.INVALID_JOB, reason: `invalid job data: ${parsed.error}` },
        undefined,
      );
      return { outcome: 'dead-lettered' };
    }
    const data = parsed.data;
    const spec = getOperation(data.operation);
    // Fixed at submit; jobs enqueued before the flag existed say it in their id.
    const rehearsal = data.rehearsal ?? jobTarget?.rehearsal ?? false;
    let step: Step = data.followUp?.step ?? 'call';

    const begun = await deps.results.begin(jobId, { step: intentStep(step), at: now() }, lock);
    if (begun.status === 'lock-lost') throw new LockLostError(jobId);
    const plan = planStart({
      final: begun.status === 'final',
      record: begun.record,
      earlierIntent: begun.earlierIntent,
      kind: spec.kind,
      rehearsal,
      hasTestMode: spec.hasTestMode,
    });
    if (plan.action === 'finished') {
      // Finished earlier (a crash after the record write, a resubmit, a replay of a done item).
      if (plan.record.outcome === 'dead-lettered') await addDeadLetterEntry(job, data, plan.record);
      // A run that died between writing the record and telling its listeners told no one: tell
      // now, marked as told again (webhook deliveries are keyed by the record, so not doubled).
      await tellFinished(job, data, jobId, plan.record, true);
      return { outcome: plan.record.outcome };
    }
    const run: Run = { job, jobId, lock, data, spec, rehearsal, found: begun.record };
    if (begun.earlierIntent) {
      deps.logger.warn(
        { account: deps.accountName, jobId, step: begun.earlierIntent.step },
        'an earlier call of this job got no recorded answer; it may have reached the vendor',
      );
    }
    if (plan.action === 'replace-uncertain') {
      return await deadLetterJob(run, data, plan.attempts, {
        code: ErrorCodes.REPLACE_UNCERTAIN,
        reason:
          'the worker stopped while the replacement call was in flight, so a replacement may have been ordered: ' +
          'check the order at the vendor before replaying (revoker dlq replay) — it is not sent again by itself',
      });
    }
    if (plan.action === 'not-sent') {
      return await writeFinal(run, {
        outcome: 'rehearsed',
        code: ErrorCodes.REHEARSAL_NOT_SENT,
        message: NO_TEST_MODE_MESSAGE,
        attempts: plan.attempts,
        finishedAt: now(),
        rehearsal: true,
      });
    }
    let attempts = plan.attempts;
    const earlierMayHaveTakenEffect = plan.earlierMayHaveTakenEffect;

    // The adapter validates the parameters again (a queue is a boundary) and answers a permanent
    // CA_ERR_PARAMS outcome when they are bad; the job id names the target for the log.
    const target = jobTarget ? `${jobTarget.field}=${jobTarget.value}` : jobId;
    const requestId = data.followUp?.requestId ?? '';
    let ifNotRevoked = data.followUp?.ifNotRevoked ?? 'send';
    // A revoke whose earlier attempt may have reached the vendor reads before it is sent again,
    // where the vendor offers a read: a second revoke could file a second request.
    if (step === 'call' && spec.reads && earlierMayHaveTakenEffect) {
      step = spec.reads.targetStatus ? 'verify' : 'find';
      ifNotRevoked = 'send';
    }
    // An approval that may have gone through (its answer lost, its worker killed) is read first.
    if (step === 'approve' && attempts.at(-1)?.mayHaveTakenEffect) step = 'poll';
    if (step === 'send') {
      // Verified already: this run sends; a later retry of it verifies again.
      await job.updateData({ ...data, followUp: undefined });
    }
    const outcome = await callStep(run, step, requestId, data.followUp?.offset ?? 0);
    const attemptsBefore = attempts;
    attempts = appendAttempt(attempts, attemptFrom(outcome, now()));
    // The line's object is built only when it is logged: workers usually run at warn.
    if (deps.logger.isLevelEnabled('info'))
      deps.logger.info(
        {
          account: data.account,
          operation: data.operation,
          step,
          target,
          code: outcome.code,
          class: outcome.class,
          attempt: attemptsMadeOf(job, data) + 1,
          latencyMs: Math.round(outcome.latencyMs),
        },
        'vendor call',
      );
    if (events.vendorCall)
      await tell(events.vendorCall, {
        account: data.account,
        operation: data.operation,
        step,
        code: outcome.code,
        class: outcome.class,
        latencyMs: outcome.latencyMs,
      });

    if (outcome.class !== 'rate-limited' && now() - lastServedAt >= 1000) {
      lastServedAt = now();
      await deps.control.served();
    }
    if (outcome.class === 'done' && now() - lastSucceededAt >= 1000) {
      lastSucceededAt = now();
      await deps.control.succeeded(lastSucceededAt);
    }

    // What the vendor holds decides an uncertain revoke: revoked → done; a pending request →
    // follow it; nothing → send again, or (after a yes we could not read) tell a person.
    if (step === 'verify' && outcome.class === 'done') {
      if (outcome.learned.targetRevoked) {
        return await writeFinal(run, {
          outcome: 'revoked',
          code: outcome.code,
          message: `${outcome.message} (read after an uncertain revoke)`,
          attempts,
          finishedAt: now(),
          confirmed: true,
        });
      }
      return await nextRun(run, attempts, { step: 'find', ifNotRevoked, offset: 0 });
    }
    if (step === 'find' && outcome.class === 'done' && outcome.learned.requestId === undefined) {
      if (outcome.learned.nextOffset !== undefined) {
        return await nextRun(run, attempts, {
          step: 'find',
          ifNotRevoked,
          offset: outcome.learned.nextOffset,
        });
      }
      if (ifNotRevoked === 'unconfirmed') {
        return await deadLetterJob(
          run,
          data,
          attempts,
          {
            code: ErrorCodes.DIGICERT_UNCONFIRMED,
            reason:
              'DigiCert did not confirm the revoke (a yes without a request we can read, a refusal saying a request ' +
              'is pending, or "already revoked"), and the order is neither revoked nor has a pending revoke request: ' +
              'check the order in CertCentral, then replay (revoker dlq replay)',
          },
          outcome,
        );
      }
      return await nextRun(run, attempts, { step: 'send' });
    }
    // Answers that prove nothing by themselves where the vendor offers a read: read, never record.
    if ((step === 'call' || step === 'send') && spec.reads) {
      const settle: QueueJobData['followUp'] = spec.reads.targetStatus
        ? { step: 'verify', ifNotRevoked: 'unconfirmed' }
        : { step: 'find', ifNotRevoked: 'unconfirmed', offset: 0 };
      if (outcome.class === 'done' && outcome.learned.unconfirmed)
        return await nextRun(run, attempts, settle);
      if (outcome.class === 'permanent' && outcome.learned.requestPending) {
        return await nextRun(run, attempts, { step: 'find', ifNotRevoked: 'unconfirmed', offset: 0 });
      }
      // Without a read of the target, the ambiguity rule (decide.ts) takes "already revoked" as is.
      if (
        outcome.class === 'permanent' &&
        outcome.learned.alreadyRevoked &&
        earlierMayHaveTakenEffect &&
        spec.reads.targetStatus
      ) {
        return await nextRun(run, attempts, settle);
      }
    }

    const decision = decide(outcome, {
      kind: spec.kind,
      attemptsMade: attemptsMadeOf(job, data),
      maxAttempts: deps.maxAttempts,
      earlierMayHaveTakenEffect,
      defaultRateLimitWaitMs: deps.runtime.defaultRateLimitWaitMs,
      sameCodeInARow: countStreak(outcome),
      ...(outcome.class === 'halt' && outcome.learned.mayConcernOnlyThisTarget
        ? { afterResume: await afterResume(jobId, data) }
        : {}),
    });

    // Revoke requests that wait for approval: approve (its own run, so the call takes a limiter
    // slot of its own), or look again later.
    if (decision.action === 'complete' && decision.itemOutcome === 'pending-approval' && spec.approval) {
      const pendingId = outcome.learned.requestId ?? requestId;
      const written = await write(run, {
        outcome: 'pending-approval',
        code: outcome.code,
        message: outcome.message,
        attempts,
        requestId: pendingId,
        ...(outcome.learned.requestStatus ? { requestStatus: outcome.learned.requestStatus } : {}),
        ...(rehearsal ? { rehearsal: true } : {}),
      });
      if (written !== 'pending-approval') return { outcome: written };
      step = deps.runtime.autoApprove && step !== 'approve' ? 'approve' : 'poll';
      await job.updateData({ ...data, followUp: { step, requestId: pendingId } });
      await job.moveToDelayed(
        step === 'approve' ? now() : now() + deps.runtime.approvalPollIntervalMs,
        token,
      );
      throw new DelayedError();
    }

    return await carryOut(run, decision, outcome, attempts, attemptsBefore);
  };

  /** Sends the call a step stands for: the operation itself, a read, or an approval step. */
  async function callStep(run: Run, step: Step, requestId: string, offset: number): Promise<Outcome> {
    const account = run.rehearsal ? accountFor.rehearsal : accountFor.real;
    const options = { signal: deps.signal, reference: `batch ${run.data.batchId}` };
    if (step === 'call' || step === 'send') return run.spec.execute(account, run.data.params, options);
    const missing = (what: string) =>
      makeOutcome({
        class: 'permanent',
        vendor: base.vendor,
        code: ErrorCodes.INVALID_JOB,
        message: `the job asks for the ${step} step, but ${run.spec.name} has no ${what}`,
        latencyMs: 0,
      });
    if (step === 'approve' || step === 'poll') {
      const approval = run.spec.approval;
      if (!approval) return missing('approval step');
      return step === 'approve'
        ? approval.approve(account, requestId, 'approved by revoker', options)
        : approval.read(account, requestId, options);
    }
    const reads = run.spec.reads;
    if (!reads) return missing('reads');
    const targetStatus = reads.targetStatus;
    if (step === 'verify' && !targetStatus) return missing('read of its target');
    // Reads build a URL from the parameters: validated again, like every call's.
    const params = run.spec.params.safeParse(run.data.params);
    if (!params.success) {
      return makeOutcome({
        class: 'permanent',
        vendor: base.vendor,
        code: ErrorCodes.CA_ERR_PARAMS,
        message: `invalid parameters: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        latencyMs: 0,
      });
    }
    return step === 'verify' && targetStatus
      ? targetStatus(account, params.data, options)
      : reads.pendingRequest(account, params.data, offset, options);
  }

  /** What tells a job's own -16 from the account's: read only when such an answer arrives. */
  async function afterResume(jobId: string, data: QueueJobData): Promise<AfterResume> {
    const facts = await deps.control.suspectFacts(jobId);
    const othersQueued =
      facts.suspect && !facts.succeededSinceResume ? await deps.control.hasOtherJobs() : false;
    return { ...facts, othersQueued, deferrals: data.followUp?.deferrals ?? 0 };
  }

  /** Records the attempt and runs the job again at once with `followUp` (a limiter slot of its own). */
  async function nextRun(
    run: Run,
    attempts: AttemptRecord[],
    next: QueueJobData['followUp'],
  ): Promise<never> {
    const written = await write(run, {
      ...run.found,
      outcome: unfinishedOutcome(run),
      attempts,
      ...(run.rehearsal ? { rehearsal: true } : {}),
    });
    if (written !== unfinishedOutcome(run)) throw new LockLostError(run.jobId);
    await run.job.updateData({ ...run.data, followUp: next });
    await run.job.moveToDelayed(now(), run.lock?.token);
    throw new DelayedError();
  }

  /** While the item is not final: in progress, or still waiting for approval. */
  function unfinishedOutcome(run: Run): 'in-progress' | 'pending-approval' {
    return run.found?.outcome === 'pending-approval' ? 'pending-approval' : 'in-progress';
  }

  async function carryOut(
    run: Run,
    decision: Decision,
    outcome: Outcome,
    attempts: AttemptRecord[],
    attemptsBefore: AttemptRecord[],
  ): Promise<ProcessorResult> {
    switch (decision.action) {
      case 'complete': {
        // What the vendor did, not only that it said yes: includeInCRL=N marks, it does not revoke.
        const done = run.rehearsal
          ? 'rehearsed'
          : decision.itemOutcome === 'revoked'
            ? (run.spec.successOutcome?.(run.data.params) ?? 'revoked')
            : decision.itemOutcome;
        return await writeFinal(run, {
          outcome: done,
          code: outcome.code,
          message: outcome.message,
          attempts,
          finishedAt: now(),
          ...(decision.confirmed ? { confirmed: true } : {}),
          ...(run.rehearsal ? { rehearsal: true } : {}),
          ...(outcome.learned.newOrderNumber ? { newOrderNumber: outcome.learned.newOrderNumber } : {}),
          ...(run.data.followUp?.requestId ? { requestId: run.data.followUp.requestId } : {}),
          ...(outcome.learned.requestId ? { requestId: outcome.learned.requestId } : {}),
          ...(outcome.learned.requestStatus ? { requestStatus: outcome.learned.requestStatus } : {}),
        });
      }
      case 'retry': {
        const written = await write(run, {
          ...run.found,
          outcome: unfinishedOutcome(run),
          state: 'retrying',
          code: outcome.code,
          message: outcome.message,
          attempts,
          ...(run.rehearsal ? { rehearsal: true } : {}),
        });
        if (written !== unfinishedOutcome(run)) return { outcome: written };
        // Our retry, not BullMQ's: the count lives in the job data, so the job's options stay
        // small (compact-job-data.ts) and the attempt limit is the worker's config.
        const retries = (run.data.retries ?? 0) + 1;
        await run.job.updateData({
          ...run.data,
          retries,
          retryReason: `${outcome.code}: ${outcome.message}`,
        });
        await run.job.moveToDelayed(
          now() + deps.retryDelayMs(attemptsMadeOf(run.job, run.data) + 1),
          run.lock?.token,
        );
        throw new DelayedError();
      }
      case 'rate-limit':
      case 'halt':
      case 'defer': {
        // Not an attempt: the answer is on record only as "the call is over" (its intent cleared).
        const written = await write(run, {
          ...run.found,
          outcome: unfinishedOutcome(run),
          attempts: attemptsBefore,
          ...(run.rehearsal ? { rehearsal: true } : {}),
        });
        if (written !== unfinishedOutcome(run)) return { outcome: written };
        if (decision.action === 'defer') {
          // The job waits while other jobs of the account run first.
          deps.logger.warn(
            { account: deps.accountName, jobId: run.jobId, code: outcome.code },
            decision.reason,
          );
          const deferrals = (run.data.followUp?.deferrals ?? 0) + 1;
          await run.job.updateData({ ...run.data, followUp: { step: 'call', deferrals } });
          await run.job.moveToDelayed(now() + decision.delayMs, run.lock?.token);
          throw new DelayedError();
        }
        if (decision.action === 'rate-limit') {
          await rateLimitWait(run, decision.waitMs, outcome);
        } else {
          await halt(run.jobId, decision.reason, outcome.code);
        }
        throw new RateLimitError();
      }
      case 'dead-letter':
        return await deadLetterJob(
          run,
          run.data,
          attempts,
          { code: decision.code ?? outcome.code, reason: decision.reason },
          // A yes that is not one (a rejected request) is a permanent refusal on the entry.
          outcome.class === 'done' ? { ...outcome, class: 'permanent' } : outcome,
        );
    }
  }

  /** The whole account queue waits, on every worker of the fleet; visibly, and not forever. */
  async function rateLimitWait(run: Run, waitMs: number, outcome: Outcome): Promise<void> {
    const at = now();
    const since = await deps.control.rateLimited(at);
    if (at - since >= deps.runtime.rateLimitMaxWaitMs) {
      const minutes = Math.round((at - since) / 60_000);
      await halt(
        run.jobId,
        `rate-limit-exhausted: only rate-limited answers (${outcome.code}) for ${minutes} min; the vendor's daily quota may be spent`,
        outcome.code,
      );
      return;
    }
    await deps.control.rateLimit(waitMs, at);
    await tell(events.rateLimited, { account: deps.accountName, code: outcome.code, waitMs });
    const until = new Date(at + waitMs).toISOString().slice(11, 19);
    deps.logger.warn(
      { account: deps.accountName, code: outcome.code, waitMs, until },
      `account ${deps.accountName}: the vendor's rate limit answered ${outcome.code}; waiting ${Math.round(waitMs / 1000)} s until ${until} UTC`,
    );
  }

  /** The fault is ours or the account's: keep the job, stop the account, tell a person. */
  async function halt(jobId: string, reason: string, code: string): Promise<void> {
    const at = now();
    const first = await deps.control.halt({ reason, code, jobId, at });
    deps.logger.error(
      { account: deps.accountName, code, jobId },
      `account ${deps.accountName} halted: ${reason}; fix it, then run: revoker account resume ${deps.accountName}`,
    );
    // Jobs running beside it may halt the account too; the first one's reason is the one kept.
    if (first) await tell(events.accountHalted, { account: deps.accountName, reason, code, jobId, at });
  }

  async function tellFinished(
    job: Job,
    runData: Partial<QueueJobData> | undefined,
    jobId: string,
    record: ItemRecord,
    again: boolean,
  ): Promise<void> {
    if (!events.itemFinished) return;
    // An INVALID_JOB has only job.data as read: it may lack fields, and the listener gets what there is.
    const data = runData ?? jobDataAsRead(job.name, job.data);
    await tell(events.itemFinished, {
      account: deps.accountName,
      operation: data.operation ?? ('' as QueueJobData['operation']),
      jobId,
      batchId: data.batchId ?? '',
      row: data.row ?? 0,
      record,
      ...(again ? { again: true } : {}),
    });
  }

  async function writeFinal(run: Run, record: ItemRecord): Promise<ProcessorResult> {
    return { outcome: await write(run, record) };
  }

  /**
   * Writes under the job's lock and answers the outcome the record holds afterwards: the one
   * written, or the one that refused it (a success on record is never overwritten).
   */
  async function write(
    run: Pick<Run, 'job' | 'jobId' | 'lock'> & { data?: QueueJobData },
    record: ItemRecord,
  ): Promise<RecordOutcome> {
    const result = await deps.results.write(run.jobId, record, { lock: run.lock });
    if (result.status === 'ok') {
      if (events.itemFinished && FINAL_OUTCOMES.has(record.outcome))
        await tellFinished(run.job, run.data, run.jobId, record, false);
      return record.outcome;
    }
    if (result.status === 'lock-lost') throw new LockLostError(run.jobId);
    deps.logger.warn(
      {
        account: deps.accountName,
        jobId: run.jobId,
        refused: record.outcome,
        current: result.current?.outcome,
      },
      `record write refused: ${result.current?.outcome ?? 'no record'} cannot become ${record.outcome}`,
    );
    if (!result.current)
      throw new RevokerError('RECORD_ERR_CORRUPT', `job ${run.jobId}: its record vanished mid-run`);
    return result.current.outcome;
  }

  async function deadLetterJob(
    run: Pick<Run, 'job' | 'jobId' | 'lock' | 'found' | 'rehearsal'> & { data?: QueueJobData },
    data: QueueJobData,
    attempts: AttemptRecord[],
    why: { code: string; reason: string },
    outcome?: Outcome,
  ): Promise<ProcessorResult> {
    const record: ItemRecord = {
      outcome: 'dead-lettered',
      code: why.code,
      message: why.reason,
      attempts,
      finishedAt: now(),
      ...(run.found?.requestId ? { requestId: run.found.requestId } : {}),
      ...(run.rehearsal ? { rehearsal: true } : {}),
    };
    const written = await write(run, record);
    if (written !== 'dead-lettered') return { outcome: written };
    await addDeadLetterEntry(run.job, data, record, outcome);
    deps.logger.warn(
      { account: deps.accountName, jobId: run.jobId, code: why.code, reason: why.reason },
      'dead-lettered',
    );
    return { outcome: 'dead-lettered' };
  }

  async function addDeadLetterEntry(
    job: Job,
    data: QueueJobData,
    record: ItemRecord,
    outcome?: Outcome,
  ): Promise<void> {
    const entry: DeadLetterEntry = {
      jobId: job.id ?? '',
      queue: job.queueName,
      account: deps.accountName,
      data,
      reason: record.message ?? '',
      attempts: record.attempts,
      final: outcome
        ? {
            class: outcome.class,
            code: record.code ?? outcome.code,
            message: outcome.message,
            ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
            ...(outcome.rawExcerpt ? { rawExcerpt: outcome.rawExcerpt } : {}),
          }
        : { class: 'permanent', code: record.code ?? '', message: record.message ?? '' },
      deadLetteredAt: record.finishedAt ?? now(),
    };
    await deps.deadLetter.add(entry);
  }
}

/**
 * Attempts made before this run: our retries (in the job data) plus BullMQ's count, which jobs
 * enqueued with BullMQ attempts and backoff options (before revoker retried by itself) still carry.
 */
function attemptsMadeOf(job: Job, data: QueueJobData): number {
  return (data.retries ?? 0) + job.attemptsMade;
}
