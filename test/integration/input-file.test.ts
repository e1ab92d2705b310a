// Input files read from disk: CSV and JSONL, a bad line, and a large file streamed in bounded memory.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputRows } from '../../src/jobs/input-file.ts';
import type { InputRow } from '../../src/jobs/input-row.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revoker-input-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(rows: AsyncIterable<InputRow>): Promise<InputRow[]> {
  const out: InputRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('readInputRows', () => {
  it('reads a CSV file, numbering rows by line', async () => {
    const path = join(dir, 'rows.csv');
    await writeFile(
      path,
      'account,operation,orderNumber\nacme,sectigo.revokeSSL,1\n\nacme,sectigo.revokeSSL,2\n',
    );
    expect(await collect(readInputRows(path))).toEqual([
      { rowNumber: 2, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1' } },
      { rowNumber: 4, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '2' } },
    ]);
  });

  it('reads a JSONL file, a bad line being an error for its row only', async () => {
    const path = join(dir, 'rows.ndjson');
    await writeFile(path, '{"account":"acme","orderNumber":1}\n{"account":\n\n{"account":"b"}\n');
    const rows = await collect(readInputRows(path));
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 4]);
    expect(rows[1]?.readError).toEqual({ field: 'json', message: expect.stringMatching(/^not valid JSON/) });
    expect(rows[2]?.raw).toEqual({ account: 'b' });
  });

  it('takes an explicit format over the extension', async () => {
    const path = join(dir, 'rows.txt');
    await writeFile(path, '{"a":1}\n');
    expect(await collect(readInputRows(path, { format: 'jsonl' }))).toEqual([
      { rowNumber: 1, raw: { a: 1 } },
    ]);
  });

  it('fails with INPUT_ERR_INVALID for a missing file', async () => {
    await expect(collect(readInputRows(join(dir, 'missing.csv')))).rejects.toMatchObject({
      code: 'INPUT_ERR_INVALID',
      message: expect.stringContaining('(ENOENT)'),
    });
  });

  it('streams a large file without holding it in memory', async () => {
    const rowsWanted = 300_000;
    for (const format of ['csv', 'jsonl'] as const) {
      const path = join(dir, `large.${format}`);
      const out = createWriteStream(path);
      if (format === 'csv') out.write('account,operation,serialNumber,revocationReason\n');
      for (let i = 1; i <= rowsWanted; i++) {
        const serial = i.toString(16).padStart(32, '0');
        const line =
          format === 'csv'
            ? `acme,sectigo.revokeSSL,${serial},key compromise reported by the security team\n`
            : `${JSON.stringify({ account: 'acme', operation: 'sectigo.revokeSSL', serialNumber: serial, revocationReason: 'key compromise reported by the security team' })}\n`;
        if (!out.write(line)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');

      global.gc?.();
      const before = process.memoryUsage().heapUsed;
      let count = 0;
      let last = 0;
      let peak = 0;
      for await (const row of readInputRows(path)) {
        count++;
        last = row.rowNumber;
        if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
      expect(count).toBe(rowsWanted);
      expect(last).toBe(format === 'csv' ? rowsWanted + 1 : rowsWanted);
      // The file is ~48 MB; its rows held as objects take ~100 MB. Streaming stays far below
      // either (garbage not yet collected included).
      expect(peak).toBeLessThan(64 * 1024 * 1024);
    }
  }, 120_000);

  it('closes the file when the reader stops early', async () => {
    const path = join(dir, 'early.csv');
    await writeFile(path, `a\n${'1\n'.repeat(10_000)}`);
    let seen = 0;
    for await (const _ of readInputRows(path)) {
      seen++;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});
