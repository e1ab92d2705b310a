import { describe, expect, it } from 'vitest';
import { failedJobRecord } from '../../../src/queue/dead-letter.ts';
import type { QueueJobData } from '../../../src/queue/queue-job.ts';

const data = (operation: QueueJobData['operation'], extra: Partial<QueueJobData> = {}): QueueJobData => ({
  account: 'acme',
  operation,
  params: { orderNumber: '5' },
  batchId: 'b',
  row: 2,
  ...extra,
});

describe('failedJobRecord: a job BullMQ failed on its own', () => {
  it('is BULLMQ_FAILED with its attempts, and an unanswered call counts as one that may have worked', () => {
    const record = failedJobRecord({
      data: data('sectigo.revokeSSL'),
      failedReason: 'job stalled more than allowable limit',
      previous: undefined,
      intent: { step: 'call', at: 7 },
      at: 9,
    });
    expect(record).toMatchObject({
      outcome: 'dead-lettered',
      code: 'BULLMQ_FAILED',
      message: 'failed in BullMQ: job stalled more than allowable limit',
      finishedAt: 9,
      attempts: [{ code: 'WORKER_LOST', mayHaveTakenEffect: true }],
    });
  });

  it('is REPLACE_UNCERTAIN for a replacement whose call got no answer (never sent again by itself)', () => {
    const record = failedJobRecord({
      data: data('sectigo.replaceSMIME'),
      failedReason: undefined,
      previous: undefined,
      intent: { step: 'call', at: 7 },
      at: 9,
    });
    expect(record.code).toBe('REPLACE_UNCERTAIN');
    expect(record.message).toMatch(/no reason given; the replacement may have been ordered/);
    // Without an unanswered call there is nothing uncertain about it.
    expect(
      failedJobRecord({
        data: data('sectigo.replaceSMIME'),
        failedReason: 'x',
        previous: undefined,
        intent: undefined,
        at: 1,
      }).code,
    ).toBe('BULLMQ_FAILED');
  });

  it('keeps the rehearsal flag and the DigiCert request of the record it replaces', () => {
    const record = failedJobRecord({
      data: data('digicert.revokeOrder', { rehearsal: true }),
      failedReason: 'x',
      previous: { outcome: 'pending-approval', attempts: [], requestId: '42' },
      intent: undefined,
      at: 1,
    });
    expect(record).toMatchObject({ rehearsal: true, requestId: '42', attempts: [] });
  });
});
