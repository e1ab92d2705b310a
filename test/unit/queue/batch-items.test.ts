import { describe, expect, it } from 'vitest';
import {
  type BatchItemRef,
  decodeItems,
  encodeItems,
  ITEM_ANCHOR_EVERY,
} from '../../../src/queue/batch-store.ts';

const item = (row: number, value: string, suffix = ''): BatchItemRef => ({
  row,
  jobId: `acme~sectigo.revokeSSL~orderNumber~${value}${suffix}`,
});

describe('batch item list encoding', () => {
  it('stores a following row as a difference from the one before, and reads it back whole', () => {
    const items = [item(2, '1000001'), item(3, '1000002'), item(4, '1000003', '~rehearsal')];
    const encoded = encodeItems(items, 0);
    expect(encoded[0]).toBe('2\tacme~sectigo.revokeSSL~orderNumber~1000001');
    expect(encoded[1]).toBe('+41\t2');
    expect(decodeItems(encoded)).toEqual(items);
  });

  it('writes whole entries at every anchor and where rows do not follow (blank or skipped lines)', () => {
    const items = Array.from({ length: ITEM_ANCHOR_EVERY + 5 }, (_, i) => item(i + 2, String(5000 + i)));
    items.push(item(items.length + 10, '9'));
    const encoded = encodeItems(items, 0);
    expect(encoded[ITEM_ANCHOR_EVERY]).toMatch(/^\d+\t/);
    expect(encoded.at(-1)).toMatch(/^\d+\t/);
    // A reader may start at any anchor.
    expect(decodeItems(encoded.slice(ITEM_ANCHOR_EVERY))).toEqual(items.slice(ITEM_ANCHOR_EVERY));
    expect(decodeItems(encoded)).toEqual(items);
  });

  it('reads the old whole-entry form unchanged', () => {
    expect(decodeItems(['7\tdc~digicert.revokeOrder~order_id~42'])).toEqual([
      { row: 7, jobId: 'dc~digicert.revokeOrder~order_id~42' },
    ]);
  });
});
