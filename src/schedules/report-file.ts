/**
 * A scheduled batch's report, written to its schedule's `reportDir` as `<batch id>.json` (or
 * `.csv`) when the batch watch finds its every item final. Written to a temporary name and
 * renamed, so a reader never sees half a report; written again (the same file) if a worker dies
 * before the batch is marked announced.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RevokerError } from '../errors.ts';
import type { BatchReader } from '../queue/batch-report.ts';
import { writeReport } from '../queue/report-format.ts';
import type { ScheduledBatch } from './run-log.ts';

/** Writes the batch's report into its schedule's directory; answers the file's path. */
export async function writeScheduledReport(
  batchId: string,
  scheduled: ScheduledBatch,
  reader: BatchReader,
): Promise<string> {
  await mkdir(scheduled.reportDir, { recursive: true });
  const reportFile = join(scheduled.reportDir, `${batchId}.${scheduled.reportFormat}`);
  const partial = `${reportFile}.partial`;
  const out = createWriteStream(partial);
  let streamError: Error | undefined;
  out.on('error', (error) => {
    streamError = error;
  });
  try {
    await writeReport(reader, batchId, scheduled.reportFormat, {
      write: async (chunk) => {
        if (streamError) throw streamError;
        if (!out.write(chunk)) await once(out, 'drain');
      },
    });
    if (streamError) throw streamError;
    const finished = once(out, 'finish');
    out.end();
    await finished;
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true }).catch(() => {});
    throw error;
  }
  await rename(partial, reportFile);
  return reportFile;
}

/**
 * At worker start: a schedule's report directory must exist (it is made) and be writable, or the
 * worker refuses to start naming the field (a report that cannot be written is found out now,
 * not when a batch finishes at 3 a.m.).
 */
export async function checkReportDir(dir: string, field: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `${field}: ${dir} is not a writable directory (${code}): reports of scheduled batches are written there`,
      { details: { field, path: dir } },
    );
  }
}
