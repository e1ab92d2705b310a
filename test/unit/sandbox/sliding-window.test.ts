import { describe, expect, it } from 'vitest';
import { createAccounting } from '../../../src/sandbox/accounting.ts';
import { createRateLimiter, parseRateLimits } from '../../../src/sandbox/rate-limiter.ts';
import { createSlidingWindow } from '../../../src/sandbox/sliding-window.ts';

describe('sliding window', () => {
  it('counts only events inside the window ending now', () => {
    const w = createSlidingWindow(1000);
    w.record(0);
    w.record(500);
    w.record(999);
    expect(w.count(999)).toBe(3);
    // An event exactly durationMs old has left the window.
    expect(w.count(1000)).toBe(2);
    expect(w.count(1499)).toBe(2);
    expect(w.count(1500)).toBe(1);
    expect(w.count(5000)).toBe(0);
  });

  it('remembers the busiest window, not the current one', () => {
    const w = createSlidingWindow(1000);
    for (const t of [0, 100, 200, 300]) w.record(t);
    for (const t of [2000, 3500, 5000]) w.record(t);
    expect(w.peak).toBe(4);
    expect(w.count(5000)).toBe(1);
    w.reset();
    expect(w.peak).toBe(0);
    expect(w.count(5000)).toBe(0);
  });

  it('finds the peak in a window that straddles a boundary', () => {
    const w = createSlidingWindow(1000);
    for (const t of [900, 950, 1000, 1050, 1100]) w.record(t);
    expect(w.peak).toBe(5);
  });

  it('says how long until the window has room', () => {
    const w = createSlidingWindow(1000);
    w.record(0);
    w.record(400);
    w.record(800);
    expect(w.msUntilBelow(4, 900)).toBe(0);
    // Room for a third needs the event at 0 gone: at 1000.
    expect(w.msUntilBelow(3, 900)).toBe(100);
    // Room below 2 needs 0 and 400 gone: at 1400.
    expect(w.msUntilBelow(2, 900)).toBe(500);
  });

  it('stays correct over many events (the queue compacts)', () => {
    const w = createSlidingWindow(10);
    for (let t = 0; t < 10_000; t++) w.record(t);
    expect(w.count(9_999)).toBe(10);
    expect(w.peak).toBe(10);
  });

  it('rejects a non-positive duration', () => {
    expect(() => createSlidingWindow(0)).toThrow(/positive/);
  });
});

describe('rate limiter', () => {
  it('admits max per window and tells the refused how long to wait', () => {
    const limiter = createRateLimiter([{ max: 2, durationMs: 1000 }]);
    expect(limiter.tryAdmit(0)).toEqual({ admitted: true });
    expect(limiter.tryAdmit(10)).toEqual({ admitted: true });
    expect(limiter.tryAdmit(20)).toEqual({ admitted: false, retryAfterMs: 980 });
    expect(limiter.tryAdmit(1000)).toEqual({ admitted: true });
  });

  it('does not let refused requests take room', () => {
    const limiter = createRateLimiter([{ max: 1, durationMs: 100 }]);
    expect(limiter.tryAdmit(0).admitted).toBe(true);
    for (let t = 1; t < 100; t++) expect(limiter.tryAdmit(t).admitted).toBe(false);
    expect(limiter.tryAdmit(100).admitted).toBe(true);
  });

  it('needs room in every window (DigiCert: per 5 s and per 3 min)', () => {
    const limiter = createRateLimiter([
      { max: 3, durationMs: 100 },
      { max: 4, durationMs: 10_000 },
    ]);
    for (const t of [0, 1, 2]) expect(limiter.tryAdmit(t).admitted).toBe(true);
    expect(limiter.tryAdmit(3).admitted).toBe(false);
    expect(limiter.tryAdmit(200).admitted).toBe(true);
    const refused = limiter.tryAdmit(400);
    expect(refused).toEqual({ admitted: false, retryAfterMs: 10_000 - 400 });
  });

  it('parses MAX/MS lists and refuses nonsense', () => {
    expect(parseRateLimits('5/1000')).toEqual([{ max: 5, durationMs: 1000 }]);
    expect(parseRateLimits('100/5000, 1000/180000')).toHaveLength(2);
    expect(() => parseRateLimits('5 per second')).toThrow(/MAX\/DURATION_MS/);
    expect(() => parseRateLimits('0/1000')).toThrow();
  });
});

describe('accounting', () => {
  it('counts requests per account with their busiest second and window, and over-limit arrivals', () => {
    let now = 0;
    const accounting = createAccounting(() => now);
    const limits = [{ max: 3, durationMs: 2000 }];
    for (const t of [0, 100, 200, 300, 1500, 1600, 3000]) {
      now = t;
      accounting.arrival('sectigo', 'a', limits);
    }
    accounting.overLimit('sectigo', 'a');
    accounting.answer('sectigo', 'a', '0', '1001');
    accounting.answer('sectigo', 'a', '-42');
    accounting.answer('digicert', undefined, '401 invalid_api_key');
    const snap = accounting.snapshot();
    const a = snap.accounts['sectigo:a'];
    expect(a?.requests).toBe(7);
    expect(a?.peakPerSecond).toBe(4);
    expect(a?.windows).toEqual([{ max: 3, durationMs: 2000, peak: 6 }]);
    expect(a?.overLimit).toBe(1);
    expect(a?.codes).toEqual({ '0': 1, '-42': 1 });
    expect(snap.codes.digicert).toEqual({ '401 invalid_api_key': 1 });
    expect(snap.accounts['digicert:(unknown)']?.codes).toEqual({ '401 invalid_api_key': 1 });
    expect(snap.orderCalls['sectigo:1001']).toEqual({ calls: 1, codes: { '0': 1 } });
    expect(snap.totalRequests).toBe(7);

    accounting.reset();
    const cleared = accounting.snapshot();
    expect(cleared.totalRequests).toBe(0);
    expect(cleared.accounts).toEqual({});
    expect(cleared.orderCalls).toEqual({});
  });
});
