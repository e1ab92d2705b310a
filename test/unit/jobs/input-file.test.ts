// The parsing rules of input files, fed from memory (no disk): test/integration/input-file.test.ts reads real files.
import { describe, expect, it } from 'vitest';
import { inputFormatOf, parseInputRows, readInputRowsFromString } from '../../../src/jobs/input-file.ts';
import type { InputRow } from '../../../src/jobs/input-row.ts';

async function collect(rows: AsyncIterable<InputRow>): Promise<InputRow[]> {
  const out: InputRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('inputFormatOf', () => {
  it('tells the format from the extension, or takes the one given', () => {
    expect(inputFormatOf('/x/rows.CSV')).toBe('csv');
    expect(inputFormatOf('rows.jsonl')).toBe('jsonl');
    expect(inputFormatOf('rows.ndjson')).toBe('jsonl');
    expect(inputFormatOf('rows.txt', 'csv')).toBe('csv');
  });

  it('refuses to guess', () => {
    expect(() => inputFormatOf('rows.txt')).toThrow(
      expect.objectContaining({
        code: 'INPUT_ERR_INVALID',
        message: expect.stringContaining('--format csv|jsonl'),
      }),
    );
    expect(() => inputFormatOf('rows.csv', 'xml' as 'csv')).toThrow(/format: expected csv or jsonl/);
  });
});

describe('CSV rows', () => {
  it('numbers rows by file line (the header is line 1) and skips blank lines without renumbering', async () => {
    const rows = await collect(
      readInputRowsFromString(
        'account,operation,orderNumber\nacme,sectigo.revokeSSL,1\n\nacme,sectigo.revokeSSL,2\n',
        'csv',
      ),
    );
    expect(rows).toEqual([
      { rowNumber: 2, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '1' } },
      { rowNumber: 4, raw: { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '2' } },
    ]);
  });

  it('keeps empty cells as empty strings (the row validation drops them) and trims around fields', async () => {
    const rows = await collect(
      readInputRowsFromString(' account , orderNumber ,serialNumber\r\n acme ,,AB\r\n', 'csv'),
    );
    expect(rows).toEqual([{ rowNumber: 2, raw: { account: 'acme', orderNumber: '', serialNumber: 'AB' } }]);
  });

  it('reads quoted fields with commas and line breaks, numbering the row by its first line', async () => {
    const text =
      '\uFEFFaccount,revocationReason,orderNumber\nacme,"key, leaked\non a laptop",1\nacme,plain,2\n';
    const rows = await collect(readInputRowsFromString(text, 'csv'));
    expect(rows.map((r) => [r.rowNumber, r.raw.revocationReason])).toEqual([
      [2, 'key, leaked\non a laptop'],
      [4, 'plain'],
    ]);
  });

  it('skips lines of only empty fields (spreadsheet exports end with them)', async () => {
    expect(await collect(readInputRowsFromString('a,b\n1,2\n,\n,,\n"",\n3,4\n', 'csv'))).toEqual([
      { rowNumber: 2, raw: { a: '1', b: '2' } },
      { rowNumber: 6, raw: { a: '3', b: '4' } },
    ]);
  });

  it('makes a line with the wrong number of fields an error for that row only', async () => {
    const rows = await collect(readInputRowsFromString('a,b\n1\n1,2,3\n4,5\n', 'csv'));
    expect(rows).toEqual([
      { rowNumber: 2, raw: {}, readError: { field: 'csv', message: '1 field where the header has 2' } },
      { rowNumber: 3, raw: {}, readError: { field: 'csv', message: '3 fields where the header has 2' } },
      { rowNumber: 4, raw: { a: '4', b: '5' } },
    ]);
  });

  it('refuses a file whose quote never closes, or whose header repeats or omits a name', async () => {
    await expect(collect(readInputRowsFromString('a,b\n"1,2\n', 'csv'))).rejects.toMatchObject({
      code: 'INPUT_ERR_INVALID',
      message: expect.stringContaining('not readable as CSV'),
    });
    await expect(collect(readInputRowsFromString('a,a\n1,2\n', 'csv'))).rejects.toThrow(
      /column "a" appears twice/,
    );
    await expect(collect(readInputRowsFromString('a,,c\n1,2,3\n', 'csv'))).rejects.toThrow(
      /column 2 has no name/,
    );
  });

  it('gives no rows for an empty file or a header alone', async () => {
    expect(await collect(readInputRowsFromString('', 'csv'))).toEqual([]);
    expect(await collect(readInputRowsFromString('account,operation\n', 'csv'))).toEqual([]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('name,note\nx,café €\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(await collect(parseInputRows(chunks, 'csv'))).toEqual([
      { rowNumber: 2, raw: { name: 'x', note: 'café €' } },
    ]);
  });
});

describe('JSONL rows', () => {
  it('numbers rows by line, skips blank lines, reads CRLF', async () => {
    const rows = await collect(readInputRowsFromString('{"a":1}\r\n\r\n  \n{"b":"x"}', 'jsonl'));
    expect(rows).toEqual([
      { rowNumber: 1, raw: { a: 1 } },
      { rowNumber: 4, raw: { b: 'x' } },
    ]);
  });

  it('makes a bad line an error for that row and reads on', async () => {
    const rows = await collect(
      readInputRowsFromString('{"a":1}\n{"a":\n[1,2]\nnull\n"text"\n{"a":2}\n', 'jsonl'),
    );
    expect(rows.map((r) => [r.rowNumber, r.readError?.message ?? r.raw])).toEqual([
      [1, { a: 1 }],
      [2, expect.stringMatching(/^not valid JSON: /)],
      [3, 'expected one JSON object per line, got an array'],
      [4, 'expected one JSON object per line, got null'],
      [5, 'expected one JSON object per line, got a string'],
      [6, { a: 2 }],
    ]);
    expect(rows[1]?.readError?.field).toBe('json');
  });

  it('decodes UTF-8 split across chunks and drops a byte order mark', async () => {
    const bytes = new TextEncoder().encode('\uFEFF{"note":"über"}\n{"n":2}\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(await collect(parseInputRows(chunks, 'jsonl'))).toEqual([
      { rowNumber: 1, raw: { note: 'über' } },
      { rowNumber: 2, raw: { n: 2 } },
    ]);
  });

  it('refuses a line longer than 1 MiB instead of holding it', async () => {
    const huge = ['{"a":"', 'x'.repeat(600_000), 'x'.repeat(600_000), '"}\n'];
    await expect(collect(parseInputRows(huge, 'jsonl'))).rejects.toThrow(/line 1 is longer than/);
  });
});
