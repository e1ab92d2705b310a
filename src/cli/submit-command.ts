/**
 * `revoker submit FILE`: validate every row, enqueue them, optionally watch and write the report.
 */

import { once } from 'node:events';
import { constants, createWriteStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { RevokerError } from '../errors.ts';
import { REQUIRED_COLUMNS, readInputRows } from '../jobs/input-file.ts';
import type { Revoker } from '../open-revoker.ts';
import { type ReportFormat, writableSink, writeReport } from '../queue/report-format.ts';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, withRevoker } from './shared-options.ts';
import { waitForBatch } from './wait-for-batch.ts';

export interface SubmitFlags {
  config?: string;
  batch?: string;
  skipInvalid?: boolean;
  resume?: boolean;
  retryDeadLettered?: boolean;
  expectRows?: number;
  rehearsal?: boolean;
  wait?: boolean;
  report?: string;
  format: ReportFormat;
  inputFormat?: 'csv' | 'jsonl';
}

export function submitCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  return new Command('submit')
    .description(
      'validate FILE (CSV with a header row, or JSONL) and enqueue every row; nothing is enqueued if a row is invalid',
    )
    .argument('<file>', 'the input file')
    .option('--config <path>', 'configuration file (default: $REVOKER_CONFIG or ./revoker.config.json)')
    .option('--batch <id>', 'batch id (default: generated and printed)')
    .option('--skip-invalid', 'enqueue the valid rows and report the invalid ones as skipped-invalid')
    .option('--resume', 'finish a submit of --batch ID that was cut off (same file; nothing is added twice)')
    .option(
      '--retry-dead-lettered',
      "run items whose record is dead-lettered again, with this file's parameters (the fixed rows)",
    )
    .option('--expect-rows <n>', 'the file must have exactly n data rows (catches a truncated file)', (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number of rows');
      return Number(v);
    })
    .option(
      '--rehearsal',
      'rehearse the whole batch: Sectigo calls carry test=Y, operations without a test mode are not sent',
    )
    .option(
      '--wait',
      'watch the batch until every item is final (exit 1 if any was dead-lettered, 3 on a halted account)',
    )
    .option('--report <path>', 'write the batch report here when done (implies --wait)')
    .addOption(new Option('--format <format>', 'report format').choices(['json', 'csv']).default('json'))
    .addOption(
      new Option('--input-format <format>', 'input format (default: from the file extension)').choices([
        'csv',
        'jsonl',
      ]),
    )
    .action(async (file: string, flags: SubmitFlags) => {
      setExit(await runSubmit(file, flags, io));
    });
}

/** `--report PATH` is written after the whole batch ran: check its directory before enqueuing. */
async function checkReportPath(path: string): Promise<void> {
  const dir = dirname(resolve(path));
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    await access(dir, constants.W_OK);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RevokerError(
      'INPUT_ERR_INVALID',
      `--report: cannot write ${path}: its directory ${dir} is not a writable directory (${why}); nothing was enqueued`,
    );
  }
}

export async function runSubmit(file: string, flags: SubmitFlags, io: CommandEnv): Promise<number> {
  if (flags.report) await checkReportPath(flags.report);
  return withRevoker(flags, io, async (revoker) => {
    let warnings = 0;
    const summary = await revoker.producer.submit(
      readInputRows(file, {
        requiredColumns: REQUIRED_COLUMNS,
        ...(flags.inputFormat ? { format: flags.inputFormat } : {}),
      }),
      {
        ...(flags.batch ? { batchId: flags.batch } : {}),
        skipInvalid: flags.skipInvalid === true,
        rehearsal: flags.rehearsal === true,
        resume: flags.resume === true,
        retryDeadLettered: flags.retryDeadLettered === true,
        ...(flags.expectRows !== undefined ? { expectRows: flags.expectRows } : {}),
        source: file,
        onWarning: (w) => {
          warnings++;
          if (warnings <= 20) io.stderr.write(`revoker: warning: row ${w.row}, ${w.field}: ${w.message}\n`);
        },
        // Before anything is enqueued: what is about to happen for real, and what is only rehearsed.
        onValidated: (split) => {
          if (warnings > 20) io.stderr.write(`revoker: … ${warnings - 20} more warnings like these\n`);
          for (const s of split) {
            io.stdout.write(`account ${s.account}: ${s.real} real, ${s.rehearsal} rehearsal\n`);
          }
        },
      },
    );
    io.stdout.write(
      `batch ${summary.batchId}: ${summary.rows} rows, ${summary.valid} valid, ${summary.invalid} skipped as invalid; ` +
        `${summary.enqueued} enqueued, ${summary.alreadyFinished} already finished earlier` +
        (summary.retried > 0 ? `, ${summary.retried} dead-lettered run again` : '') +
        '\n',
    );
    for (const error of summary.errors.slice(0, 20)) {
      io.stderr.write(`  skipped row ${error.row}, ${error.field}: ${error.message}\n`);
    }
    if (!flags.wait && !flags.report) return EXIT.ok;
    return watchAndReport(revoker, summary.batchId, flags, io);
  });
}

export async function watchAndReport(
  revoker: Revoker,
  batchId: string,
  flags: { report?: string; format: ReportFormat },
  io: CommandEnv,
): Promise<number> {
  const result = await waitForBatch(revoker, batchId, { out: io.stdout, err: io.stderr });
  if (flags.report) await writeReportFile(revoker, batchId, flags.format, flags.report);
  const c = result.counts;
  io.stdout.write(
    `batch ${batchId}: ${c.revoked} revoked, ${c.replaced} replaced, ${c.rehearsed} rehearsed, ` +
      (c['marked-replaced'] > 0 ? `${c['marked-replaced']} marked-replaced (not revoked), ` : '') +
      `${c['pending-approval']} pending-approval, ` +
      `${c['dead-lettered']} dead-lettered, ${c['skipped-invalid']} skipped-invalid, ${c['in-progress']} in-progress` +
      ` (total ${c.total})${flags.report ? `; report: ${flags.report}` : ''}\n`,
  );
  if (result.kind === 'not-configured') {
    io.stderr.write(
      `revoker: account ${result.account} is not configured: its jobs in batch ${batchId} wait in Redis with no worker to run them\n` +
        `  add it back to the config and start a worker for it\n`,
    );
    return EXIT.halted;
  }
  if (result.kind === 'halted') {
    io.stderr.write(
      `revoker: account ${result.account} is halted: ${result.halt.reason}\n` +
        `  fix the cause, then: revoker account resume ${result.account}\n`,
    );
    return EXIT.halted;
  }
  return c['dead-lettered'] > 0 ? EXIT.deadLettered : EXIT.ok;
}

export async function writeReportFile(revoker: Revoker, batchId: string, format: ReportFormat, path: string) {
  const out = createWriteStream(path);
  try {
    await writeReport(revoker.batches, batchId, format, writableSink(out));
  } catch (error) {
    out.destroy();
    throw error;
  }
  out.end();
  await once(out, 'finish');
}
