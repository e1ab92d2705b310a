/**
 * The job processor: runs one job's vendor call and carries out the decision (decide.ts) in
 * BullMQ's terms. Knows BullMQ; builds no HTTP request (the vendor adapters do).
 *
 * Order of writes matters for "nothing lost": the item record is written before BullMQ completes
 * the job, and a dead-letter entry is added before the record says dead-lettered. A crash between
 * steps leaves the job active; the stalled check runs it again, and every step is idempotent.
 */
import { DelayedError, type Job, RateLimitError } from 'bullmq';
import type { Logger } from 'pino';
import { parseJobId } from '../jobs/job-id.ts';
import { approveRequest, getRequest } from '../vendors/digicert/request.ts';
import type { VendorAccount } from '../vendors/operation.ts';
import type { Outcome } from '../vendors/outcome.ts';
import { getOperation } from '../vendors/registry.ts';
import type { AccountControl } from './account-control.ts';
import type { DeadLetter, DeadLetterEntry } from './dead-letter.ts';
import { type Decision, decide, escalates } from './decide.ts';
import { type AttemptRecord, appendAttempt, attemptFrom, type ItemRecord } from './item-record.ts';
import { parseQueueJobData, type QueueJobData } from './queue-job.ts';
import type { ResultStore } from './result-store.ts';

/** Thrown for a transient outcome: BullMQ counts the attempt and retries with our backoff. */
export class TransientVendorError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'TransientVendorError';
    this.code = code;
  }
}

export interface AccountRuntime {
  account: VendorAccount;
  /** DigiCert: approve pending revoke requests ourselves. */
  autoApprove: boolean;
  /** DigiCert: how often to look at a pending request. */
  approvalPollIntervalMs: number;
  defaultRateLimitWaitMs: number;
}

export interface ProcessorDeps {
  accountName: string;
  runtime: AccountRuntime;
  maxAttempts: number;
  results: ResultStore;
  deadLetter: DeadLetter;
  control: AccountControl;
  logger: Logger;
  /** Aborted when the worker must stop at once (second signal, shutdown grace over). */
  signal: AbortSignal;
  now?: () => number;
}

export type ProcessorResult = { outcome: ItemRecord['outcome'] };

export function createProcessor(deps: ProcessorDeps): (job: Job, token?: string) => Promise<ProcessorResult> {
  const now = deps.now ?? Date.now;
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
    const parsed = parseQueueJobData(job.data);
    if (!parsed.ok) {
      // A job we cannot read is never retried: it goes to the dead-letter queue with the reason.
      await deadLetterJob(job, undefined, [], `invalid job data: ${parsed.error}`, undefined);
      return { outcome: 'dead-lettered' };
    }
    const data = parsed.data;
    const spec = getOperation(data.operation);

    // Earlier attempts (a retry, or a run after a crash) are read only when there were any:
    // the first attempt of a job costs no extra Redis round trip.
    const resumed =
      job.attemptsMade > 0 || job.stalledCounter > 0 || data.followUp !== undefined || data.replayed === true;
    const earlier = resumed ? await deps.results.get(jobId) : undefined;
    let attempts: AttemptRecord[] = earlier?.attempts ?? [];
    // A stalled run means a worker died holding the job, maybe mid-call.
    const earlierMayHaveTakenEffect = job.stalledCounter > 0 || attempts.some((a) => a.mayHaveTakenEffect);

    // The adapter validates the parameters again (a queue is a boundary) and answers a permanent
    // CA_ERR_PARAMS outcome when they are bad; the job id names the target for the log.
    const jobTarget = parseJobId(jobId);
    const target = jobTarget ? `${jobTarget.field}=${jobTarget.value}` : jobId;
    const logCall = (outcome: Outcome, step: string) =>
      deps.logger.info(
        {
          account: data.account,
          operation: data.operation,
          step,
          target,
          code: outcome.code,
          class: outcome.class,
          attempt: job.attemptsMade + 1,
          latencyMs: Math.round(outcome.latencyMs),
        },
        'vendor call',
      );

    let outcome: Outcome;
    let step: 'call' | 'approve' | 'poll' = data.followUp?.step ?? 'call';
    if (step === 'call') {
      outcome = await spec.execute(deps.runtime.account, data.params, { signal: deps.signal });
    } else {
      outcome = await followUp(step, data.followUp?.requestId ?? '');
    }
    attempts = appendAttempt(attempts, attemptFrom(outcome, now()));
    logCall(outcome, step);

    let decision = decide(outcome, {
      kind: spec.kind,
      attemptsMade: job.attemptsMade,
      maxAttempts: deps.maxAttempts,
      earlierMayHaveTakenEffect,
      defaultRateLimitWaitMs: deps.runtime.defaultRateLimitWaitMs,
      sameCodeInARow: countStreak(outcome),
    });

    // DigiCert revoke requests that wait for approval: approve at once, or look again later.
    if (
      decision.action === 'complete' &&
      decision.itemOutcome === 'pending-approval' &&
      deps.runtime.account.vendor === 'digicert'
    ) {
      const requestId = outcome.learned.requestId ?? data.followUp?.requestId ?? '';
      await deps.results.put(jobId, {
        outcome: 'pending-approval',
        code: outcome.code,
        message: outcome.message,
        attempts,
        requestId,
        requestStatus: outcome.learned.requestStatus,
      });
      if (deps.runtime.autoApprove && step !== 'approve') {
        step = 'approve';
        await job.updateData({ ...data, followUp: { step, requestId } });
        outcome = await followUp(step, requestId);
        attempts = appendAttempt(attempts, attemptFrom(outcome, now()));
        logCall(outcome, step);
        decision = decide(outcome, {
          kind: spec.kind,
          attemptsMade: job.attemptsMade,
          maxAttempts: deps.maxAttempts,
          earlierMayHaveTakenEffect,
          defaultRateLimitWaitMs: deps.runtime.defaultRateLimitWaitMs,
          sameCodeInARow: countStreak(outcome),
        });
        if (decision.action === 'complete' && decision.itemOutcome === 'pending-approval') {
          return await waitForApproval(job, token, data, requestId);
        }
      } else {
        return await waitForApproval(job, token, data, requestId);
      }
    }

    return await carryOut(decision, job, data, outcome, attempts);
  };

  async function followUp(step: 'approve' | 'poll', requestId: string): Promise<Outcome> {
    const account = deps.runtime.account;
    if (account.vendor !== 'digicert')
      throw new Error(`follow-up step ${step} on a ${account.vendor} account`);
    const outcome =
      step === 'approve'
        ? await approveRequest(account, requestId, 'approved by revoker', { signal: deps.signal })
        : await getRequest(account, requestId, { signal: deps.signal });
    // A request the approver rejected is final: the certificate stays valid.
    if (outcome.class === 'done' && outcome.learned.requestStatus === 'rejected') {
      return { ...outcome, class: 'permanent', message: `revoke request ${requestId} was rejected` };
    }
    return outcome;
  }

  async function waitForApproval(
    job: Job,
    token: string | undefined,
    data: QueueJobData,
    requestId: string,
  ): Promise<never> {
    await job.updateData({ ...data, followUp: { step: 'poll', requestId } });
    await job.moveToDelayed(now() + deps.runtime.approvalPollIntervalMs, token);
    throw new DelayedError();
  }

  async function carryOut(
    decision: Decision,
    job: Job,
    data: QueueJobData,
    outcome: Outcome,
    attempts: AttemptRecord[],
  ): Promise<ProcessorResult> {
    const jobId = job.id ?? '';
    const rehearsal = deps.runtime.account.vendor === 'sectigo' && deps.runtime.account.rehearsal;
    switch (decision.action) {
      case 'complete': {
        const record: ItemRecord = {
          outcome: decision.itemOutcome,
          code: outcome.code,
          message: outcome.message,
          attempts,
          finishedAt: now(),
          ...(decision.confirmed ? { confirmed: true } : {}),
          ...(rehearsal ? { rehearsal: true } : {}),
          ...(outcome.learned.newOrderNumber ? { newOrderNumber: outcome.learned.newOrderNumber } : {}),
          ...(data.followUp?.requestId ? { requestId: data.followUp.requestId } : {}),
          ...(outcome.learned.requestId ? { requestId: outcome.learned.requestId } : {}),
          ...(outcome.learned.requestStatus ? { requestStatus: outcome.learned.requestStatus } : {}),
        };
        await deps.results.put(jobId, record);
        return { outcome: decision.itemOutcome };
      }
      case 'retry':
        await deps.results.put(jobId, {
          outcome: 'in-progress',
          state: 'retrying',
          code: outcome.code,
          message: outcome.message,
          attempts,
        });
        throw new TransientVendorError(outcome.code, outcome.message);
      case 'rate-limit':
        // Not an attempt: the whole account queue waits, on every worker of the fleet.
        await deps.control.rateLimit(decision.waitMs);
        throw new RateLimitError();
      case 'halt':
        // The fault is ours or the account's: keep the job, stop the account, tell a person.
        await deps.control.halt({ reason: decision.reason, code: outcome.code, jobId, at: now() });
        deps.logger.error(
          { account: deps.accountName, code: outcome.code, jobId },
          `account ${deps.accountName} halted: ${decision.reason}; fix it, then run: revoker account resume ${deps.accountName}`,
        );
        throw new RateLimitError();
      case 'dead-letter':
        await deadLetterJob(job, data, attempts, decision.reason, outcome);
        return { outcome: 'dead-lettered' };
    }
  }

  async function deadLetterJob(
    job: Job,
    data: QueueJobData | undefined,
    attempts: AttemptRecord[],
    reason: string,
    outcome: Outcome | undefined,
  ): Promise<void> {
    const jobId = job.id ?? '';
    const entry: DeadLetterEntry = {
      jobId,
      queue: job.queueName,
      account: deps.accountName,
      data: (data ?? job.data) as QueueJobData,
      reason,
      attempts,
      ...(outcome
        ? {
            final: {
              class: outcome.class,
              code: outcome.code,
              message: outcome.message,
              ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
              ...(outcome.rawExcerpt ? { rawExcerpt: outcome.rawExcerpt } : {}),
            },
          }
        : {}),
      deadLetteredAt: now(),
    };
    await deps.deadLetter.add(entry);
    await deps.results.put(jobId, {
      outcome: 'dead-lettered',
      code: outcome?.code ?? 'INVALID_JOB',
      message: reason,
      attempts,
      finishedAt: now(),
    });
    deps.logger.warn({ account: deps.accountName, jobId, reason }, 'dead-lettered');
  }
}
