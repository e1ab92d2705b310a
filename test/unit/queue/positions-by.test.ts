import { describe, expect, it } from 'vitest';
import { positionsBy } from '../../../src/queue/positions-by.ts';

describe('positionsBy', () => {
  it('groups positions by key in input order and leaves out items without one', () => {
    const groups = positionsBy(['a1', 'b1', 'x', 'a2', 'b2'], (s) => (s === 'x' ? undefined : s[0]));
    expect([...groups]).toEqual([
      ['a', [0, 3]],
      ['b', [1, 4]],
    ]);
    expect(positionsBy([], () => 'k').size).toBe(0);
  });
});
