/**
 * Writes a batch report as JSON (`{ batchId, counts, items }`) or CSV (one row per item), item
 * chunk by item chunk, so a large batch streams to its file without being held in memory.
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
  write(chunk: string): void | Promise<void>;
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
    for (const item of chunk) {
      await sink.write(`${first ? '\n' : ',\n'}${JSON.stringify(item)}`);
      first = false;
    }
  }
  await sink.write('\n]}\n');
  return counts;
}
