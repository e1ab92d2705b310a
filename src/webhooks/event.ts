/**
 * The events revoker sends to webhooks, as Standard Webhooks payloads:
 * `{ "type": "item.finished", "timestamp": "<when it happened, ISO 8601>", "data": { … } }`.
 *
 * Every event has an id that is derived from what it reports (`evt_` + 32 hex digits of a
 * SHA-256), never drawn at random: the same fact told twice (a retry, a worker that died after
 * writing the record and before enqueueing, a sweep that ran twice) is the same event to the
 * receiver, which deduplicates on `webhook-id`. Ids hold no `.` (the spec forbids it: the id is
 * part of the signed `{id}.{timestamp}.{body}`).
 *
 * Bodies carry what the report carries (outcome, code, message, new order number, request id,
 * account, operation, target, batch id, row), never a credential or a signing secret.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { WebhookEventType } from '../config.ts';
import type { HaltRecord } from '../queue/account-control.ts';
import { type OutcomeCounts, type ReportItem, toReportItem } from '../queue/batch-report.ts';
import type { FinishedBatch } from '../queue/batch-watch.ts';
import type { AccountHaltedEvent, ItemFinishedEvent } from '../queue/worker-events.ts';

/** What `revoker webhooks test` sends; no receiver subscribes to it. */
export const TEST_EVENT_TYPE = 'webhook.test';
export type WebhookDeliveryType = WebhookEventType | typeof TEST_EVENT_TYPE;

/** One event, ready to deliver: its body is serialised once, so every attempt sends the same bytes. */
export interface WebhookEvent {
  id: string;
  type: WebhookDeliveryType;
  /** The accounts it concerns (filters `webhooks[].accounts`); empty for a test event. */
  accounts: readonly string[];
  /** The JSON body as sent and signed. */
  body: string;
}

/** `data` of `item.finished`: the item's report entry and the batch whose job ran it. */
export type ItemFinishedData = ReportItem & { batchId: string };

/** `data` of `batch.finished`. */
export interface BatchFinishedData {
  batchId: string;
  /** Where the rows came from (a file path, `library`, `api`). */
  source: string;
  createdAt: string;
  /** When its last item became final. */
  finishedAt: string;
  /** Every outcome's count; they add up to `total`. */
  counts: OutcomeCounts;
  accounts: string[];
  /** The schedule whose run made the batch, or null. */
  schedule: string | null;
  /** Where its report was written (scheduled batches), or null. */
  reportFile: string | null;
}

/** `data` of `account.halted`. */
export interface AccountHaltedData {
  account: string;
  reason: string;
  code: string;
  /** The job whose answer halted it. */
  jobId: string;
  haltedAt: string;
}

/** `data` of `account.resumed`. */
export interface AccountResumedData {
  account: string;
  resumedAt: string;
  /** The halt that was cleared, or null when the account was only paused. */
  halt: { reason: string; code: string; jobId: string; haltedAt: string } | null;
}

/** A stable event id: the same facts give the same id. */
export function eventId(type: WebhookDeliveryType, ...facts: readonly (string | number)[]): string {
  const digest = createHash('sha256')
    .update([type, ...facts.map(String)].join('\n'))
    .digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function event(
  type: WebhookDeliveryType,
  id: string,
  at: number,
  accounts: readonly string[],
  data: unknown,
): WebhookEvent {
  return { id, type, accounts, body: JSON.stringify({ type, timestamp: iso(at), data }) };
}

/**
 * An item reached a final outcome. The id comes from the job id, the outcome and when it was
 * reached: a dead-lettered item replayed and dead-lettered again is a new event, a retold one is not.
 */
export function itemFinishedEvent(e: ItemFinishedEvent): WebhookEvent {
  const finishedAt = e.record.finishedAt ?? 0;
  const data: ItemFinishedData = { batchId: e.batchId, ...toReportItem(e.row, e.jobId, e.record) };
  return event(
    'item.finished',
    eventId('item.finished', e.jobId, e.record.outcome, finishedAt),
    finishedAt || Date.now(),
    [e.account],
    data,
  );
}

/** Every item of a batch is final. One per batch (its id and creation time make the id). */
export function batchFinishedEvent(
  batch: FinishedBatch,
  extra: { schedule?: string | undefined; reportFile?: string | undefined } = {},
): WebhookEvent {
  const data: BatchFinishedData = {
    batchId: batch.batchId,
    source: batch.meta.source,
    createdAt: iso(batch.meta.createdAt),
    finishedAt: iso(batch.finishedAt),
    counts: batch.counts,
    accounts: [...batch.accounts],
    schedule: extra.schedule ?? null,
    reportFile: extra.reportFile ?? null,
  };
  return event(
    'batch.finished',
    eventId('batch.finished', batch.batchId, batch.meta.createdAt),
    batch.finishedAt,
    batch.accounts,
    data,
  );
}

/** An account halted (the first halt's reason; jobs beside it that halt it too are not news). */
export function accountHaltedEvent(e: AccountHaltedEvent): WebhookEvent {
  const data: AccountHaltedData = {
    account: e.account,
    reason: e.reason,
    code: e.code,
    jobId: e.jobId,
    haltedAt: iso(e.at),
  };
  return event('account.halted', eventId('account.halted', e.account, e.at), e.at, [e.account], data);
}

/** An operator resumed an account (`revoker account resume`, the HTTP API). */
export function accountResumedEvent(account: string, at: number, halt: HaltRecord | undefined): WebhookEvent {
  const data: AccountResumedData = {
    account,
    resumedAt: iso(at),
    halt: halt ? { reason: halt.reason, code: halt.code, jobId: halt.jobId, haltedAt: iso(halt.at) } : null,
  };
  return event('account.resumed', eventId('account.resumed', account, at), at, [account], data);
}

/** `revoker webhooks test NAME`: a signed event that only says it is a test. */
export function testEvent(webhook: string, at: number = Date.now()): WebhookEvent {
  return event(TEST_EVENT_TYPE, eventId(TEST_EVENT_TYPE, webhook, at, randomUUID()), at, [], {
    webhook,
    message: 'a test event from revoker webhooks test: the signature verifies, nothing happened',
  });
}
