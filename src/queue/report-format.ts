/**
 * Writes a batch report as JSON (`{ batchId, counts, items }`) or CSV (one row per item), item
 * chunk by item chunk, so a large batch streams to its file without being held in memory: each
 * chunk is written only once the sink took the one before (writableSink waits for `drain`).
 */
import type { BatchReader, OutcomeCounts, ReportItem } from './batch-report.ts';

export type ReportFormat = 'json' | 'csv';

export const REPORT_COLUMNS = [
  'row',
  'jobId',
  'account',
  'operation',
  'target',
  'outcome',
  'code',
  'message',
  'attempts',
  'finishedAt',
  'newOrderNumber',
  'requestId',
  'confirmed',
  'rehearsal',
] as const satisfies readonly (keyof ReportItem)[];

export interface TextSink {
  /** Resolves when the sink can take more: a slow reader holds the report back, not memory. */
  write(chunk: string): void | Promise<void>;
}

/**
 * A sink on a Node.js writable (a file, standard output, an HTTP body) with back-pressure: when
 * `write()` says the stream's buffer is full, the next chunk waits for `drain`. Rejects when the
 * stream fails or closes first, so a reader that went away stops the report.
 */
export function writableSink(out: NodeJS.WritableStream): TextSink {
  return {
    async write(chunk) {
      if (!out.write(chunk)) await drained(out);
    },
  };
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(new Error('the output was closed before the report was written'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

function csvCell(value: string | number | boolean): string {
  const text = String(value);
  // Quote what CSV readers would split, and defuse spreadsheet formulas (=, +, -, @ at the start).
  const guarded = /^[=+\-@]/.test(text) && !/^-?\d+$/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvLine(item: ReportItem): string {
  return REPORT_COLUMNS.map((column) => csvCell(item[column])).join(',');
}

export async function writeReport(
  reader: BatchReader,
  batchId: string,
  format: ReportFormat,
  sink: TextSink,
): Promise<OutcomeCounts> {
  // Counts first (one pass), items second: the JSON object opens with its counts.
  const counts = await reader.counts(batchId);
  if (format === 'csv') {
    await sink.write(`${REPORT_COLUMNS.join(',')}\n`);
    for await (const chunk of reader.items(batchId)) {
      await sink.write(`${chunk.map(csvLine).join('\n')}\n`);
    }
    return counts;
  }
  await sink.write(`{"batchId":${JSON.stringify(batchId)},"counts":${JSON.stringify(counts)},"items":[`);
  let first = true;
  for await (const chunk of reader.items(batchId)) {
    // One write per chunk of items (not per item): a promise per item is garbage a 1,000,000-item
    // report would make for nothing.
    if (chunk.length === 0) continue;
    await sink.write(`${first ? '\n' : ',\n'}${chunk.map((item) => JSON.stringify(item)).join(',\n')}`);
    first = false;
  }
  await sink.write('\n]}\n');
  return counts;
}
