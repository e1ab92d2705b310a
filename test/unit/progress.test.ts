import { describe, expect, it } from 'vitest';
import { progressBar, progressLine, rateAndEta } from '../../src/cli/progress.ts';
import { emptyCounts } from '../../src/queue/batch-report.ts';

function counts(values: Partial<ReturnType<typeof emptyCounts>>) {
  return { ...emptyCounts(), ...values };
}

describe('progress', () => {
  it('computes rate and ETA from what finished while watching', () => {
    const sample = {
      counts: counts({ total: 100, revoked: 50, 'in-progress': 50 }),
      at: 10_000,
      startedAt: 0,
      finalAtStart: 10,
    };
    const { perSecond, etaSeconds } = rateAndEta(sample);
    expect(perSecond).toBe(4);
    expect(etaSeconds).toBe(12.5);
  });

  it('shows every count a person needs on one line', () => {
    const line = progressLine({
      counts: counts({ total: 10, revoked: 5, 'dead-lettered': 1, 'in-progress': 4, retrying: 2 }),
      at: 2000,
      startedAt: 0,
      finalAtStart: 0,
    });
    expect(line).toBe('done 5/10 · retrying 2 · dead-lettered 1 · remaining 4 · 3.0/s · ETA 00:01');
  });

  it('fills the bar by the share of items that are settled', () => {
    const bar = progressBar(
      { counts: counts({ total: 4, revoked: 2, 'in-progress': 2 }), at: 1, startedAt: 0, finalAtStart: 0 },
      10,
    );
    expect(bar.startsWith('[#####-----]  50%')).toBe(true);
  });
});
