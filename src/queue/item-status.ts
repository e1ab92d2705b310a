/**
 * One item by job id, whatever batch it is in: its record (the outcome and how it got there), or,
 * before a worker has touched it, the job waiting in its account's queue. Unknown when neither
 * exists (a mistyped id, or an item pruned with its batches).
 */
import type { Queue } from 'bullmq';
import { parseJobId } from '../jobs/job-id.ts';
import { type ReportItem, toReportItem } from './batch-report.ts';
import type { ResultStore } from './result-store.ts';

/** An item as a report shows it (without a row: an item may be listed in several batches). */
export type ItemStatus = Omit<ReportItem, 'row'> & {
  /** In progress after a transient failure: waiting for its next attempt. */
  retrying: boolean;
};

export interface ItemStatusDeps {
  results: ResultStore;
  accountQueue(account: string): Queue;
}

export async function readItemStatus(deps: ItemStatusDeps, jobId: string): Promise<ItemStatus | undefined> {
  const parts = parseJobId(jobId);
  if (parts === undefined) return undefined;
  const record = await deps.results.get(jobId);
  // No record yet: a job still waiting for its first run is an item in progress; no job, no item.
  if (record === undefined && (await deps.accountQueue(parts.account).getJob(jobId)) === undefined) {
    return undefined;
  }
  const { row: _row, ...item } = toReportItem(0, jobId, record);
  return { ...item, retrying: record?.state === 'retrying' };
}
