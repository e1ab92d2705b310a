import { describe, expect, it } from 'vitest';
import { type LatencySpec, parseLatencySpec, sampleLatencyMs } from '../../../src/sandbox/latency.ts';
import { createPrng } from '../../../src/sandbox/prng.ts';

const draw = (spec: LatencySpec, n: number, seed = 1) => {
  const prng = createPrng(seed);
  return Array.from({ length: n }, () => sampleLatencyMs(spec, prng));
};

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
};

describe('latency distributions', () => {
  it('uniform stays within its bounds and spreads across them', () => {
    const values = draw({ kind: 'uniform', minMs: 20, maxMs: 60 }, 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...values)).toBeLessThan(60);
    expect(quantile(values, 0.5)).toBeGreaterThan(37);
    expect(quantile(values, 0.5)).toBeLessThan(43);
  });

  it('log-normal has the asked median and p99, is never negative, and is capped', () => {
    const values = draw({ kind: 'lognormal', medianMs: 40, p99Ms: 400 }, 50_000);
    expect(quantile(values, 0.5)).toBeGreaterThan(38);
    expect(quantile(values, 0.5)).toBeLessThan(42);
    expect(quantile(values, 0.99)).toBeGreaterThan(360);
    expect(quantile(values, 0.99)).toBeLessThan(440);
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(4000);
    const capped = draw({ kind: 'lognormal', medianMs: 40, p99Ms: 400, maxMs: 100 }, 5000);
    expect(Math.max(...capped)).toBeLessThanOrEqual(100);
  });

  it('is a distribution, not a constant, and replays for the same seed', () => {
    const spec: LatencySpec = { kind: 'lognormal', medianMs: 10, p99Ms: 50 };
    const a = draw(spec, 100, 9);
    expect(new Set(a).size).toBeGreaterThan(90);
    expect(draw(spec, 100, 9)).toEqual(a);
    expect(draw(spec, 100, 10)).not.toEqual(a);
  });

  it('none is zero', () => {
    expect(draw({ kind: 'none' }, 3)).toEqual([0, 0, 0]);
  });

  it('parses the CLI forms and refuses others', () => {
    expect(parseLatencySpec('none')).toEqual({ kind: 'none' });
    expect(parseLatencySpec('uniform:5:10')).toEqual({ kind: 'uniform', minMs: 5, maxMs: 10 });
    expect(parseLatencySpec('lognormal:40:400')).toEqual({ kind: 'lognormal', medianMs: 40, p99Ms: 400 });
    expect(parseLatencySpec('lognormal:40:400:900')).toMatchObject({ maxMs: 900 });
    expect(() => parseLatencySpec('uniform:10:5')).toThrow(/invalid latency/);
    expect(() => parseLatencySpec('50')).toThrow(/invalid latency/);
    expect(() => parseLatencySpec('lognormal:a:b')).toThrow(/invalid latency/);
  });
});
