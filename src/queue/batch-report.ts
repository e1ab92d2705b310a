/**
 * Batch status and reports: every item of a batch with its outcome, read in chunks so a
 * 1,000,000-item batch is never held whole. Counts always add up to the batch's total: an item
 * without a final record is `in-progress`.
 */
import { parseJobId } from '../jobs/job-id.ts';
import type { BatchMeta, BatchStore } from './batch-store.ts';
import { attemptCount, ITEM_OUTCOMES, type ItemOutcome, type ItemRecord } from './item-record.ts';
import type { ResultStore } from './result-store.ts';

export interface ReportItem {
  row: number;
  jobId: string;
  account: string;
  operation: string;
  target: string;
  outcome: ItemOutcome;
  code: string;
  message: string;
  attempts: number;
  /** ISO 8601, when final. */
  finishedAt: string;
  newOrderNumber: string;
  requestId: string;
  confirmed: boolean;
  rehearsal: boolean;
}

export type OutcomeCounts = Record<ItemOutcome, number> & { total: number; retrying: number };

export interface BatchReader {
  meta(batchId: string): Promise<BatchMeta | undefined>;
  /** Every item (valid rows in input order, then skipped rows), a chunk at a time. */
  items(batchId: string): AsyncIterable<ReportItem[]>;
  counts(batchId: string): Promise<OutcomeCounts>;
  /** Items recorded in the batch (valid rows; fewer than `valid` while a submit is cut off). */
  itemCount(batchId: string): Promise<number>;
}

const CHUNK = 1000;

export function emptyCounts(): OutcomeCounts {
  const counts = { total: 0, retrying: 0 } as OutcomeCounts;
  for (const outcome of ITEM_OUTCOMES) counts[outcome] = 0;
  return counts;
}

function describeJobId(jobId: string): { account: string; operation: string; target: string } {
  const parts = parseJobId(jobId);
  return parts
    ? { account: parts.account, operation: parts.operation, target: `${parts.field}=${parts.value}` }
    : { account: '', operation: '', target: '' };
}

export function toReportItem(row: number, jobId: string, record: ItemRecord | undefined): ReportItem {
  return {
    row,
    jobId,
    ...describeJobId(jobId),
    outcome: record?.outcome ?? 'in-progress',
    code: record?.code ?? '',
    message: record?.message ?? '',
    attempts: record ? attemptCount(record) : 0,
    finishedAt: record?.finishedAt ? new Date(record.finishedAt).toISOString() : '',
    newOrderNumber: record?.newOrderNumber ?? '',
    requestId: record?.requestId ?? '',
    confirmed: record?.confirmed ?? false,
    // Records written before the flag existed: the job id's `~rehearsal` suffix says.
    rehearsal: record?.rehearsal ?? parseJobId(jobId)?.rehearsal ?? false,
  };
}

export function createBatchReader(batches: BatchStore, results: ResultStore): BatchReader {
  async function* items(batchId: string): AsyncIterable<ReportItem[]> {
    const total = await batches.itemCount(batchId);
    for (let start = 0; start < total; start += CHUNK) {
      const refs = await batches.readItems(batchId, start, CHUNK);
      const records = await results.getMany(refs.map((r) => r.jobId));
      yield refs.map((ref, i) => toReportItem(ref.row, ref.jobId, records[i]));
    }
    // Skipped rows too a chunk at a time: a --skip-invalid file can have as many as valid ones.
    for (let start = 0; ; start += CHUNK) {
      const invalid = await batches.readInvalid(batchId, start, CHUNK);
      if (invalid.length === 0) break;
      yield invalid.map((row) => ({
        ...toReportItem(row.row, '', undefined),
        outcome: 'skipped-invalid' as const,
        code: 'INPUT_ERR_INVALID',
        message: row.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      }));
      if (invalid.length < CHUNK) break;
    }
  }

  return {
    meta: (batchId) => batches.readMeta(batchId),
    itemCount: (batchId) => batches.itemCount(batchId),
    items,
    async counts(batchId) {
      // The outcome of each record only: no report item is built for a count.
      const counts = emptyCounts();
      const total = await batches.itemCount(batchId);
      for (let start = 0; start < total; start += CHUNK) {
        const refs = await batches.readItems(batchId, start, CHUNK);
        for (const record of await results.getMany(refs.map((r) => r.jobId))) {
          const outcome = record?.outcome ?? 'in-progress';
          counts[outcome]++;
          counts.total++;
          if (outcome === 'in-progress' && record !== undefined && attemptCount(record) > 0)
            counts.retrying++;
        }
      }
      const skipped = await batches.invalidCount(batchId);
      counts['skipped-invalid'] += skipped;
      counts.total += skipped;
      return counts;
    },
  };
}
