import { describe, expect, it } from 'vitest';
import { utcDay } from '../../../src/queue/producer.ts';

describe('utcDay (the batch of the day)', () => {
  it('names the UTC day of a time, across midnight and back', () => {
    const midnight = Date.UTC(2026, 11, 7);
    expect(utcDay(midnight - 1)).toBe('20261206');
    expect(utcDay(midnight)).toBe('20261207');
    expect(utcDay(midnight + 86_399_999)).toBe('20261207');
    expect(utcDay(midnight + 86_400_000)).toBe('20261208');
    // A clock stepped back still gets its own day.
    expect(utcDay(midnight - 1)).toBe('20261206');
    expect(utcDay(Date.UTC(2027, 0, 1, 12))).toBe('20270101');
  });
});
