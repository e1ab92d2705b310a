import { describe, expect, it } from 'vitest';
import { encodeItemRecord, type ItemRecord, parseItemRecord } from '../../../src/queue/item-record.ts';

const attempt = {
  at: 1_796_000_000_000,
  code: '0',
  class: 'done' as const,
  message: 'Successful',
  latencyMs: 12,
  mayHaveTakenEffect: false,
};

describe('item record storage', () => {
  it('stores a success compactly (short names, the attempt count only) and reads it back', () => {
    const record: ItemRecord = {
      outcome: 'revoked',
      code: '0',
      message: 'Successful',
      attempts: [attempt],
      finishedAt: 1_796_000_000_000,
    };
    const stored = encodeItemRecord(record);
    expect(stored).toBe('{"o":"revoked","c":"0","m":"Successful","f":1796000000000}');
    expect(stored.length).toBeLessThanOrEqual(61); // fits Redis's 64-byte allocation
    expect(parseItemRecord(stored, 'j')).toEqual({ ...record, attempts: [], n: 1 });
  });

  it('keeps every attempt of a record that is not a success (replay and the ambiguity rule need them)', () => {
    const record: ItemRecord = {
      outcome: 'dead-lettered',
      code: '-14',
      attempts: [attempt, attempt],
      rehearsal: true,
    };
    expect(parseItemRecord(encodeItemRecord(record), 'j')).toEqual(record);
  });

  it('reads records written with the long names', () => {
    expect(parseItemRecord('{"outcome":"revoked","attempts":[],"finishedAt":5}', 'j')).toMatchObject({
      outcome: 'revoked',
      finishedAt: 5,
    });
  });

  it.each([
    ['not JSON', '{"o":'],
    ['not an object', '[1]'],
    ['an unknown outcome', '{"o":"exploded"}'],
  ])('refuses %s with an error naming the job', (_what, stored) => {
    expect(() => parseItemRecord(stored, 'acme~sectigo.revokeSSL~orderNumber~5')).toThrow(
      /acme~sectigo\.revokeSSL~orderNumber~5 is corrupt/,
    );
  });
});
