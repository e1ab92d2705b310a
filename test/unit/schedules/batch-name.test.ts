import { describe, expect, it } from 'vitest';
import { isDailyBatchStillOpen } from '../../../src/queue/batch-watch.ts';
import { scheduleBatchId, scheduleStamp } from '../../../src/schedules/batch-name.ts';
import { isInProgressName } from '../../../src/schedules/source.ts';

describe('scheduled batch names', () => {
  it('are <schedule>-<UTC time in ISO 8601 basic format>: no ":" (BullMQ reserves it), sortable', () => {
    const tick = Date.parse('2026-11-23T03:00:00.000Z');
    expect(scheduleStamp(tick)).toBe('20261123T030000Z');
    expect(scheduleBatchId('nightly', tick)).toBe('nightly-20261123T030000Z');
    expect(scheduleBatchId('nightly', tick + 999)).toBe('nightly-20261123T030000Z');
    expect(scheduleBatchId('nightly', tick, 2)).toBe('nightly-20261123T030000Z-2');
    // The producer's batch id rule.
    expect(scheduleBatchId('a'.repeat(64), tick, 99)).toMatch(/^[A-Za-z0-9_.-]{1,100}$/);
    expect(
      scheduleBatchId('x', Date.parse('2027-01-02T03:04:05Z')) <
        scheduleBatchId('x', Date.parse('2027-01-02T03:04:06Z')),
    ).toBe(true);
  });

  it('leave files still being written in the drop directory', () => {
    expect(['.upload.csv', 'a.csv.part', 'a.csv.tmp', 'a.PARTIAL'].every(isInProgressName)).toBe(true);
    expect(['a.csv', 'rows.jsonl', 'part.csv'].some(isInProgressName)).toBe(false);
  });
});

describe('library batches of the day', () => {
  it('stay open until their UTC day is over', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(isDailyBatchStillOpen('lib-siem-20261123', now)).toBe(true);
    expect(isDailyBatchStillOpen('lib-siem-20261122', now)).toBe(false);
    expect(isDailyBatchStillOpen('b-20261123T120000-abcdef12', now)).toBe(false);
    expect(isDailyBatchStillOpen('nightly-20261123T030000Z', now)).toBe(false);
  });
});
