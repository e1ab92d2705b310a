import { describe, expect, it } from 'vitest';
import type { OutcomeClass } from '../../../src/vendors/outcome.ts';
import { classifySectigoCode, SECTIGO_CODE_TABLE } from '../../../src/vendors/sectigo/codes.ts';

// The codes table of ../shared/vendor-notes.md, restated here so a change to either is noticed.
const EXPECTED: ReadonlyArray<readonly [number, OutcomeClass]> = [
  [0, 'done'],
  [-1, 'halt'],
  [-2, 'halt'],
  [-3, 'permanent'],
  [-4, 'permanent'],
  [-13, 'permanent'],
  [-14, 'transient'],
  [-15, 'halt'],
  [-16, 'halt'],
  [-17, 'halt'],
  [-20, 'permanent'],
  [-21, 'permanent'],
  [-23, 'transient'],
  [-26, 'transient'],
  [-35, 'permanent'],
  [-40, 'permanent'],
  [-42, 'rate-limited'],
  [-43, 'permanent'],
];

describe('classifySectigoCode', () => {
  it.each(EXPECTED)('classifies %i as %s', (code, expected) => {
    const classified = classifySectigoCode(code);
    expect(classified.class).toBe(expected);
    expect(classified.known).toBe(true);
    expect(classified.message).not.toBe('');
  });

  it('lists every documented code exactly once, and no other', () => {
    const codes = SECTIGO_CODE_TABLE.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort((a, b) => a - b)).toEqual(EXPECTED.map(([code]) => code).sort((a, b) => a - b));
  });

  it('marks -14 (unknown error) as possibly carried out, and nothing else', () => {
    expect(classifySectigoCode(-14).mayHaveTakenEffect).toBe(true);
    for (const [code] of EXPECTED.filter(([code]) => code !== -14)) {
      expect(classifySectigoCode(code).mayHaveTakenEffect).toBe(false);
    }
  });

  it('says what -21 and -20 teach: already revoked, already rejected', () => {
    expect(classifySectigoCode(-21).learned).toEqual({ alreadyRevoked: true });
    expect(classifySectigoCode(-20).learned).toEqual({ alreadyRejected: true });
    expect(classifySectigoCode(0).learned).toEqual({});
  });

  it('gives -42 the account wait, and only -42', () => {
    expect(classifySectigoCode(-42, { rateLimitWaitMs: 45_000 }).retryAfterMs).toBe(45_000);
    expect(classifySectigoCode(-42).retryAfterMs).toBeUndefined();
    expect(classifySectigoCode(-21, { rateLimitWaitMs: 45_000 }).retryAfterMs).toBeUndefined();
  });

  it('treats an unknown negative code as permanent, never as success', () => {
    const classified = classifySectigoCode(-99);
    expect(classified).toMatchObject({ class: 'permanent', known: false, mayHaveTakenEffect: false });
    expect(classified.message).toContain('-99');
  });

  it('treats an undocumented positive code as permanent: only 0 is success', () => {
    expect(classifySectigoCode(7)).toMatchObject({ class: 'permanent', known: false });
  });

  it('hands out a copy of learned, so callers cannot change the table', () => {
    const first = classifySectigoCode(-21);
    (first.learned as { alreadyRevoked?: boolean }).alreadyRevoked = false;
    expect(classifySectigoCode(-21).learned.alreadyRevoked).toBe(true);
  });
});
