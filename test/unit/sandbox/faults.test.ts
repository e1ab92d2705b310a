import { describe, expect, it } from 'vitest';
import { createFaultController } from '../../../src/sandbox/fault-controller.ts';
import { drawFault, garbageAction, parseFaultRates, serverErrorAction } from '../../../src/sandbox/faults.ts';
import { createPrng } from '../../../src/sandbox/prng.ts';

describe('fault injection', () => {
  it('draws each kind at about its rate', () => {
    const prng = createPrng(5);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) {
      const kind = drawFault({ reset: 0.1, serverError: 0.05, unknownError: 0.2 }, prng) ?? 'none';
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    expect(counts.reset! / 100_000).toBeCloseTo(0.1, 2);
    expect(counts.serverError! / 100_000).toBeCloseTo(0.05, 2);
    expect(counts.unknownError! / 100_000).toBeCloseTo(0.2, 2);
    expect(counts.garbage).toBeUndefined();
  });

  it('replays the same faults and latencies for the same seed', () => {
    const run = (seed: number) => {
      const c = createFaultController({
        rates: { reset: 0.3, garbage: 0.2 },
        latency: { kind: 'uniform', minMs: 1, maxMs: 9 },
        seed,
      });
      return Array.from({ length: 50 }, () => c.drawArrival());
    };
    expect(run(77)).toEqual(run(77));
    expect(run(77)).not.toEqual(run(78));
  });

  it('merges rate changes at run time, refuses totals over 1, restarts the sequence on a new seed', () => {
    const c = createFaultController({ rates: { reset: 0.5 } });
    expect(c.update({ rates: { hang: 0.25 } }).rates).toEqual({ reset: 0.5, hang: 0.25 });
    expect(() => c.update({ rates: { garbage: 0.5 } })).toThrow(/at most 1/);
    c.update({ seed: 3 });
    const first = Array.from({ length: 10 }, () => c.drawArrival());
    c.update({ seed: 3 });
    expect(Array.from({ length: 10 }, () => c.drawArrival())).toEqual(first);
  });

  it('parses kind=rate lists', () => {
    expect(parseFaultRates('reset=0.01,serverError=0.02')).toEqual({ reset: 0.01, serverError: 0.02 });
    expect(() => parseFaultRates('explode=0.1')).toThrow(/kinds unknownError/);
    expect(() => parseFaultRates('reset=0.7,hang=0.7')).toThrow();
  });

  it('renders 5xx as an HTML page and garbage as something no parser reads as success', () => {
    const prng = createPrng(1);
    const page = serverErrorAction(prng);
    expect(page.kind === 'reply' && page.reply.status).toBeGreaterThanOrEqual(500);
    expect(page.kind === 'reply' && page.reply.headers['content-type']).toBe('text/html');
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const g = garbageAction(prng, 'application/json');
      if (g.kind !== 'reply') throw new Error('garbage must reply');
      bodies.add(g.reply.body);
      expect(() => JSON.parse(g.reply.body)).toThrow();
    }
    expect(bodies.size).toBe(2);
  });
});
