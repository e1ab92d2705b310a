/**
 * Input files, read as a stream of rows: CSV with a header line, or JSONL (one JSON object per
 * line). The file is never held whole: a 1,000,000-row file costs one row (and one read buffer)
 * of memory at a time, so the producer can read it twice (validate all, then enqueue).
 *
 * Row numbers are line numbers, counted from 1 as an editor shows them: in a CSV file the header
 * is line 1, so the first data row is row 2; a CSV row whose quoted field spans lines is numbered
 * by the line it starts on. Blank lines (and CSV lines of only empty fields) are skipped but still
 * counted, so "row 7" is always line 7 of the file.
 *
 * A line that cannot be read as a row (bad JSON, a JSON value that is not an object, a CSV line
 * with more or fewer fields than the header) is yielded with `readError`: an error for that row,
 * not for the file. What makes the whole file unreadable (missing file, unknown format, a quote
 * never closed, a duplicate header) throws RevokerError INPUT_ERR_INVALID.
 */

import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { CsvError, type Info, parse } from 'csv-parse';
import { RevokerError } from '../errors.ts';
import type { InputRow } from './input-row.ts';

export type InputFormat = 'csv' | 'jsonl';
export const INPUT_FORMATS: readonly InputFormat[] = ['csv', 'jsonl'];

/** One line (or CSV record) longer than this is not a row of ours: the file is refused. */
export const MAX_LINE_BYTES = 1_048_576;

export interface ReadInputOptions {
  /** @defaultValue from the extension: `.csv` → csv; `.jsonl`, `.ndjson` → jsonl */
  format?: InputFormat;
  /** CSV: columns the header must name (a submission passes REQUIRED_COLUMNS). @defaultValue none */
  requiredColumns?: readonly string[];
}

/** The format of a file: the explicit one, else its extension; throws when neither says. */
export function inputFormatOf(path: string, format?: InputFormat): InputFormat {
  if (format !== undefined) {
    if (!INPUT_FORMATS.includes(format)) {
      throw new RevokerError('INPUT_ERR_INVALID', `format: expected csv or jsonl, got "${String(format)}"`);
    }
    return format;
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  throw new RevokerError(
    'INPUT_ERR_INVALID',
    `${path}: cannot tell the format from "${extension || 'no extension'}": name the file .csv, .jsonl or .ndjson, or give the format (--format csv|jsonl)`,
  );
}

/** Streams the rows of an input file. */
export async function* readInputRows(path: string, options: ReadInputOptions = {}): AsyncGenerator<InputRow> {
  const format = inputFormatOf(path, options.format);
  try {
    yield* parseInputRows(createReadStream(path), format, path, options.requiredColumns);
  } catch (error) {
    if (error instanceof RevokerError) throw error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw new RevokerError('INPUT_ERR_INVALID', `cannot read input file ${path} (${code ?? String(error)})`, {
      cause: error,
      details: { path },
    });
  }
}

/** Streams rows from text held in memory (tests, small API uploads). */
export function readInputRowsFromString(text: string, format: InputFormat): AsyncGenerator<InputRow> {
  return parseInputRows([text], format, 'input');
}

/** Streams rows from any byte or text source (a file stream, stdin, an HTTP body). */
export function parseInputRows(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  format: InputFormat,
  name = 'input',
  requiredColumns: readonly string[] = [],
): AsyncGenerator<InputRow> {
  return format === 'csv' ? csvRows(source, name, requiredColumns) : jsonlRows(source, name);
}

// ---------------------------------------------------------------------------------------------
// JSONL

async function* jsonlRows(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  name: string,
): AsyncGenerator<InputRow> {
  let lineNumber = 0;
  for await (const line of lines(source, name)) {
    lineNumber++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      yield {
        rowNumber: lineNumber,
        raw: {},
        readError: { field: 'json', message: `not valid JSON: ${reason}` },
      };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      yield {
        rowNumber: lineNumber,
        raw: {},
        readError: { field: 'json', message: `expected one JSON object per line, got ${kind}` },
      };
      continue;
    }
    const duplicate = duplicateTopLevelKey(line);
    if (duplicate !== undefined) {
      yield {
        rowNumber: lineNumber,
        raw: {},
        readError: { field: duplicate, message: `appears twice in this object; give each field once` },
      };
      continue;
    }
    const nested = Object.entries(value).find(([, v]) => depthOver(v, MAX_VALUE_DEPTH));
    if (nested) {
      yield {
        rowNumber: lineNumber,
        raw: {},
        readError: { field: nested[0], message: 'is nested too deeply: a field holds text or a number' },
      };
      continue;
    }
    yield { rowNumber: lineNumber, raw: value as Record<string, unknown> };
  }
}

/** Deeper values are never a field of ours (and would overflow the stack of code that walks them). */
const MAX_VALUE_DEPTH = 4;

/** Whether `value` nests objects or arrays deeper than `max`, found without recursion. */
function depthOver(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * The first key that appears twice in the top-level object of a JSON line (JSON.parse keeps the
 * last silently, so a row could say two things about one field). The line is valid JSON already.
 */
export function duplicateTopLevelKey(line: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(line.slice(i, end + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/** Splits a byte or text stream into lines (LF or CRLF), decoding UTF-8 across chunk borders. */
async function* lines(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  name: string,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let first = true;
  const emit = (line: string) => {
    let text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    return text;
  };
  let lineNumber = 0;
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      lineNumber++;
      yield emit(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_LINE_BYTES) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `${name}: line ${lineNumber + 1} is longer than ${MAX_LINE_BYTES} bytes: not a row of revoker input`,
      );
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield emit(pending);
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvRecord {
  record: string[];
  info: Info;
}

async function* csvRows(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  name: string,
  requiredColumns: readonly string[],
): AsyncGenerator<InputRow> {
  const parser = parse({
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    // Rows with a wrong field count become row errors below rather than stopping the file.
    relax_column_count: true,
    max_record_size: MAX_LINE_BYTES,
  });
  // pipeline() destroys the parser when the source fails, so the error surfaces in the loop below;
  // breaking out of the loop destroys both, which closes the file.
  const records = pipeline(Readable.from(source), parser, () => {});

  let header: string[] | undefined;
  try {
    for await (const { record, info } of records as AsyncIterable<CsvRecord>) {
      // info.lines is the line the record ends on; a quoted field's own line breaks move the start up.
      const line = info.lines - record.reduce((sum, field) => sum + countNewlines(field), 0);
      if (header === undefined) {
        header = checkHeader(record, name, line, requiredColumns);
        continue;
      }
      if (record.every((field) => field === '')) continue;
      if (record.length !== header.length) {
        yield {
          rowNumber: line,
          raw: {},
          readError: {
            field: 'csv',
            message: `${record.length} field${record.length === 1 ? '' : 's'} where the header has ${header.length}`,
          },
        };
        continue;
      }
      yield { rowNumber: line, raw: Object.fromEntries(header.map((column, i) => [column, record[i]])) };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new RevokerError('INPUT_ERR_INVALID', `${name}: not readable as CSV: ${error.message}`, {
        cause: error,
        details: { code: error.code },
      });
    }
    throw error;
  }
}

/** The columns a submission's CSV header must name: without them no row could be valid. */
export const REQUIRED_COLUMNS = ['account', 'operation'] as const;

function checkHeader(record: string[], name: string, line: number, required: readonly string[]): string[] {
  if (record.length === 1 && (record[0] ?? '').split(';').length > 2) {
    throw new RevokerError(
      'INPUT_ERR_INVALID',
      `${name}: line ${line} (the header) looks semicolon-separated ("${(record[0] ?? '').slice(0, 60)}"): revoker reads comma-separated CSV; export the file with commas`,
    );
  }
  const missing = required.filter((column) => !record.includes(column));
  if (missing.length > 0) {
    throw new RevokerError(
      'INPUT_ERR_INVALID',
      `${name}: line ${line} (the header) has no ${missing.join(' or ')} column; the first line must name the columns (account,operation,…), found: ${record
        .slice(0, 8)
        .map((c) => JSON.stringify(c.slice(0, 40)))
        .join(', ')}`,
    );
  }
  const seen = new Set<string>();
  record.forEach((column, i) => {
    if (column === '') {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `${name}: line ${line} (the header): column ${i + 1} has no name; the first line must name every column (account,operation,…)`,
      );
    }
    if (seen.has(column)) {
      throw new RevokerError(
        'INPUT_ERR_INVALID',
        `${name}: line ${line} (the header): column "${column}" appears twice`,
      );
    }
    seen.add(column);
  });
  return record;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
