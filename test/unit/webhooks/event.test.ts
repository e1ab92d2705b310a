import { describe, expect, it } from 'vitest';
import type { WebhookConfig } from '../../../src/config.ts';
import type { FinishedBatch } from '../../../src/queue/batch-watch.ts';
import type { ItemFinishedEvent } from '../../../src/queue/worker-events.ts';
import {
  accountHaltedEvent,
  accountResumedEvent,
  batchFinishedEvent,
  eventId,
  itemFinishedEvent,
  testEvent,
} from '../../../src/webhooks/event.ts';
import { deliveryJobId, subscribes } from '../../../src/webhooks/outbox.ts';

const JOB_ID = 'acme~sectigo.revokeSSL~orderNumber~1234567';
const finished = (extra: Partial<ItemFinishedEvent['record']> = {}): ItemFinishedEvent => ({
  account: 'acme',
  operation: 'sectigo.revokeSSL',
  jobId: JOB_ID,
  batchId: 'b-1',
  row: 7,
  record: {
    outcome: 'revoked',
    code: '0',
    message: 'ok',
    attempts: [],
    n: 2,
    finishedAt: 1_700_000_000_000,
    ...extra,
  },
});

describe('webhook events', () => {
  it('give an item the same id however often it is told, and a new one for a new outcome or time', () => {
    const id = itemFinishedEvent(finished()).id;
    expect(itemFinishedEvent(finished()).id).toBe(id);
    expect(itemFinishedEvent({ ...finished(), again: true }).id).toBe(id);
    expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(id).not.toContain('.');
    expect(itemFinishedEvent(finished({ outcome: 'dead-lettered' })).id).not.toBe(id);
    expect(itemFinishedEvent(finished({ finishedAt: 1_700_000_000_001 })).id).not.toBe(id);
    expect(eventId('batch.finished', 'b-1', 1)).not.toBe(eventId('batch.finished', 'b-1', 2));
  });

  it('carry the report entry of an item and its batch id, timestamped when it finished', () => {
    const event = itemFinishedEvent(finished({ newOrderNumber: '99', requestId: 'r1', confirmed: true }));
    expect(event.type).toBe('item.finished');
    expect(event.accounts).toEqual(['acme']);
    expect(JSON.parse(event.body)).toEqual({
      type: 'item.finished',
      timestamp: '2023-11-14T22:13:20.000Z',
      data: {
        batchId: 'b-1',
        row: 7,
        jobId: JOB_ID,
        account: 'acme',
        operation: 'sectigo.revokeSSL',
        target: 'orderNumber=1234567',
        outcome: 'revoked',
        code: '0',
        message: 'ok',
        attempts: 2,
        finishedAt: '2023-11-14T22:13:20.000Z',
        newOrderNumber: '99',
        requestId: 'r1',
        confirmed: true,
        rehearsal: false,
      },
    });
  });

  it('describe a finished batch, a halt and a resume', () => {
    const batch: FinishedBatch = {
      batchId: 'nightly-20261123T030000Z',
      meta: {
        id: 'nightly-20261123T030000Z',
        createdAt: 1_700_000_000_000,
        state: 'submitted',
        rows: 1,
        valid: 1,
        invalid: 0,
        source: '/in/a.csv',
      },
      counts: { revoked: 1, total: 1, retrying: 0 } as FinishedBatch['counts'],
      accounts: ['acme', 'dc'],
      finishedAt: 1_700_000_060_000,
    };
    const done = batchFinishedEvent(batch, { schedule: 'nightly', reportFile: '/r/x.json' });
    expect(done.accounts).toEqual(['acme', 'dc']);
    expect(JSON.parse(done.body).data).toMatchObject({
      batchId: batch.batchId,
      source: '/in/a.csv',
      finishedAt: '2023-11-14T22:14:20.000Z',
      schedule: 'nightly',
      reportFile: '/r/x.json',
    });
    expect(batchFinishedEvent(batch).id).toBe(done.id);
    expect(JSON.parse(batchFinishedEvent(batch).body).data).toMatchObject({
      schedule: null,
      reportFile: null,
    });

    const halt = {
      account: 'acme',
      reason: 'authentication failed',
      code: '-16',
      jobId: JOB_ID,
      at: 1_700_000_000_000,
    };
    expect(JSON.parse(accountHaltedEvent(halt).body)).toEqual({
      type: 'account.halted',
      timestamp: '2023-11-14T22:13:20.000Z',
      data: {
        account: 'acme',
        reason: 'authentication failed',
        code: '-16',
        jobId: JOB_ID,
        haltedAt: '2023-11-14T22:13:20.000Z',
      },
    });
    const resumed = JSON.parse(accountResumedEvent('acme', 1_700_000_100_000, halt).body);
    expect(resumed.data).toEqual({
      account: 'acme',
      resumedAt: '2023-11-14T22:15:00.000Z',
      halt: {
        reason: 'authentication failed',
        code: '-16',
        jobId: JOB_ID,
        haltedAt: '2023-11-14T22:13:20.000Z',
      },
    });
    expect(JSON.parse(accountResumedEvent('acme', 1, undefined).body).data.halt).toBeNull();
    // Two test events are two events.
    expect(testEvent('siem').id).not.toBe(testEvent('siem').id);
  });

  it('go to the webhooks that list their type and (when given) one of their accounts', () => {
    const hook = (extra: Partial<WebhookConfig>): WebhookConfig => ({
      name: 'h',
      url: 'https://x/',
      secret: { env: 'S' },
      events: ['item.finished', 'batch.finished'],
      retry: { attempts: 30, baseDelayMs: 5000, maxDelayMs: 3_600_000 },
      timeoutMs: 15_000,
      ...extra,
    });
    const item = itemFinishedEvent(finished());
    expect(subscribes(hook({}), item)).toBe(true);
    expect(subscribes(hook({ events: ['batch.finished'] }), item)).toBe(false);
    expect(subscribes(hook({ accounts: ['dc'] }), item)).toBe(false);
    expect(subscribes(hook({ accounts: ['dc', 'acme'] }), item)).toBe(true);
    expect(subscribes(hook({}), testEvent('h'))).toBe(false);
    expect(deliveryJobId('siem', item.id)).toBe(`siem~${item.id}`);
    expect(deliveryJobId('siem', item.id)).not.toContain(':');
  });
});
