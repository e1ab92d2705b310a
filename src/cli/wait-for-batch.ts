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
  | { kind: 'halted'; counts: OutcomeCounts; account: string; halt: HaltRecord }
  /** The batch has jobs of an account this config does not have: nothing here can run them. */
  | { kind: 'not-configured'; counts: OutcomeCounts; account: string };

export interface WaitOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** @defaultValue 1000 on a terminal, 5000 otherwise */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Say so when no worker serves an account the batch needs for this long. @defaultValue 15000 */
  noWorkerWarnAfterMs?: number;
  /** Where warnings go (no worker, Redis unreachable). @defaultValue `out` */
  err?: NodeJS.WritableStream;
}

/** A connection fault, as opposed to a bug or a refusal: worth waiting out. */
function isConnectionError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable|LOADING|connect/i.test(
    text,
  );
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
  const err = options.err ?? options.out;
  const warnAfter = options.noWorkerWarnAfterMs ?? 15_000;
  const accounts = await accountsOf(revoker, batchId);
  const missing = accounts.find((a) => !Object.hasOwn(revoker.config.accounts, a));
  const warnedNoWorker = new Set<string>();
  let outage: { since: number; delayMs: number } | undefined;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  for (;;) {
    let notes: string[];
    let counts: OutcomeCounts;
    try {
      counts = await revoker.batches.counts(batchId);
      if (missing) return { kind: 'not-configured', counts, account: missing };
      notes = [];
      for (const account of accounts) {
        const control = revoker.account(account);
        const halt = await control.haltRecord();
        if (halt) {
          if (tty) options.out.write('\n');
          return { kind: 'halted', counts, account, halt };
        }
        const until = await control.rateWaitUntil(Date.now());
        if (until) {
          notes.push(
            `waiting for ${account}'s rate limit until ${new Date(until).toISOString().slice(11, 19)} UTC`,
          );
        }
        if (Date.now() - startedAt >= warnAfter && !warnedNoWorker.has(account)) {
          if ((await revoker.workerCount(account)) === 0) {
            warnedNoWorker.add(account);
            err.write(
              `${tty ? '\n' : ''}revoker: no worker is serving account ${account}; start one: revoker worker --account ${account}\n`,
            );
          }
        }
      }
      if (outage) {
        err.write(`${tty ? '\n' : ''}revoker: Redis answers again; still watching batch ${batchId}\n`);
        outage = undefined;
      }
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      // A Redis restart or failover: the batch goes on without us; keep watching.
      outage ??= { since: Date.now(), delayMs: 500 };
      err.write(
        `${tty ? '\n' : ''}revoker: Redis is unreachable (${error instanceof Error ? error.message : String(error)}); ` +
          `still waiting for batch ${batchId}, retrying in ${Math.round(outage.delayMs / 1000)} s\n`,
      );
      await sleep(outage.delayMs);
      outage.delayMs = Math.min(outage.delayMs * 2, 10_000);
      continue;
    }
    finalAtStart ??= finalCount(counts);
    const sample: ProgressSample = { counts, at: Date.now(), startedAt, finalAtStart };
    const note = notes.length > 0 ? ` · ${notes.join(' · ')}` : '';
    if (tty) options.out.write(`\r\x1b[2K${progressBar(sample)}${note}`);
    else options.out.write(`${new Date().toISOString()} ${progressLine(sample)}${note}\n`);

    if (finalCount(counts) + counts['pending-approval'] >= counts.total) {
      if (tty) options.out.write('\n');
      return { kind: 'settled', counts };
    }
    if (options.signal?.aborted) throw new Error('stopped watching');
    await sleep(intervalMs);
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
