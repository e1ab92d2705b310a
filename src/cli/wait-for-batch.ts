/**
 * Watches a batch until every item is final or waiting for a DigiCert approval, or until an
 * account it needs is halted. Draws the progress bar on a terminal, plain lines elsewhere.
 */

import type { Revoker } from '../open-revoker.ts';
import type { HaltRecord } from '../queue/account-control.ts';
import type { OutcomeCounts } from '../queue/batch-report.ts';
import { finalCount, type ProgressSample, progressBar, progressLine } from './progress.ts';

export type WaitResult =
  | { kind: 'settled'; counts: OutcomeCounts }
  | { kind: 'halted'; counts: OutcomeCounts; account: string; halt: HaltRecord };

export interface WaitOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** @defaultValue 1000 on a terminal, 5000 otherwise */
  intervalMs?: number;
  signal?: AbortSignal;
}

export async function waitForBatch(
  revoker: Revoker,
  batchId: string,
  options: WaitOptions,
): Promise<WaitResult> {
  const tty = options.out.isTTY === true;
  const intervalMs = options.intervalMs ?? (tty ? 1000 : 5000);
  const startedAt = Date.now();
  let finalAtStart: number | undefined;
  const accounts = await accountsOf(revoker, batchId);
  for (;;) {
    const counts = await revoker.batches.counts(batchId);
    finalAtStart ??= finalCount(counts);
    const sample: ProgressSample = { counts, at: Date.now(), startedAt, finalAtStart };
    if (tty) options.out.write(`\r\x1b[2K${progressBar(sample)}`);
    else options.out.write(`${new Date().toISOString()} ${progressLine(sample)}\n`);

    if (finalCount(counts) + counts['pending-approval'] >= counts.total) {
      if (tty) options.out.write('\n');
      return { kind: 'settled', counts };
    }
    for (const account of accounts) {
      const halt = await revoker.account(account).haltRecord();
      if (halt) {
        if (tty) options.out.write('\n');
        return { kind: 'halted', counts, account, halt };
      }
    }
    if (options.signal?.aborted) throw new Error('stopped watching');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The accounts a batch's items belong to (job ids start with the account). */
async function accountsOf(revoker: Revoker, batchId: string): Promise<string[]> {
  const accounts = new Set<string>();
  for await (const chunk of revoker.batches.items(batchId)) {
    for (const item of chunk) if (item.account) accounts.add(item.account);
  }
  return [...accounts];
}
