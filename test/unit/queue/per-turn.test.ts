import { describe, expect, it } from 'vitest';
import { perTurn } from '../../../src/queue/per-turn.ts';

describe('perTurn', () => {
  it('runs the calls of one turn together, each getting its own answer, and a later turn apart', async () => {
    const runs: number[][] = [];
    const double = perTurn(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((n) => n * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every call of a failed run with its error, and the next turn runs afresh', async () => {
    let fail = true;
    const echo = perTurn(async (inputs: string[]) => {
      if (fail) throw new Error('redis is away');
      return inputs;
    });
    const settled = await Promise.allSettled([echo('a'), echo('b')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : ''))).toEqual([
      'redis is away',
      'redis is away',
    ]);
    fail = false;
    expect(await echo('c')).toBe('c');
  });

  it('splits a turn past maxPerRun into runs of at most that many', async () => {
    const sizes: number[] = [];
    const same = perTurn(async (inputs: number[]) => {
      sizes.push(inputs.length);
      return inputs;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => same(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('refuses a run that answers fewer calls than it was given', async () => {
    const short = perTurn(async (inputs: number[]) => inputs.slice(1));
    await expect(Promise.all([short(1), short(2)])).rejects.toThrow(/1 answers for 2 calls/);
  });
});
