/**
 * `revoker batch status ID` and `revoker batch report ID`.
 */
import { Command, Option } from 'commander';
import { type ReportFormat, writableSink, writeReport } from '../queue/report-format.ts';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, withRevoker } from './shared-options.ts';
import { writeReportFile } from './submit-command.ts';

export function batchCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  const batch = new Command('batch').description('batch progress and reports');
  batch
    .command('status')
    .argument('<id>', 'batch id')
    .option('--config <path>', 'configuration file')
    .option('--json', 'print JSON')
    .description('counts of each outcome; they always add up to the total')
    .action(async (id: string, flags: { config?: string; json?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const meta = await revoker.batches.meta(id);
          if (!meta) {
            io.stderr.write(`revoker: no batch ${id}\n`);
            return EXIT.invalid;
          }
          const counts = await revoker.batches.counts(id);
          if (flags.json) io.stdout.write(`${JSON.stringify({ batch: meta, counts }, null, 2)}\n`);
          else {
            io.stdout.write(
              `batch ${id} (${meta.state}, from ${meta.source}, ${new Date(meta.createdAt).toISOString()})\n`,
            );
            for (const [name, value] of Object.entries(counts))
              io.stdout.write(`  ${name.padEnd(17)} ${value}\n`);
            if (meta.state !== 'submitted') {
              // A submit cut off mid-way (a crash, a lost connection): its rows are not all enqueued.
              io.stdout.write(
                `  the submit of this batch did not finish (${meta.state}: ${meta.valid} valid rows, ` +
                  `${await revoker.batches.itemCount(id)} recorded); unless one is running now, finish it with:\n` +
                  `  revoker submit ${meta.source} --batch ${id} --resume\n`,
              );
            }
          }
          return EXIT.ok;
        }),
      );
    });
  batch
    .command('report')
    .argument('<id>', 'batch id')
    .option('--config <path>', 'configuration file')
    .addOption(new Option('--format <format>', 'report format').choices(['json', 'csv']).default('json'))
    .option('--out <path>', 'write to this file instead of standard output')
    .description(
      'one entry per item: row, job id, account, operation, target, outcome, code, message, attempts, …',
    )
    .action(async (id: string, flags: { config?: string; format: ReportFormat; out?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          if (!(await revoker.batches.meta(id))) {
            io.stderr.write(`revoker: no batch ${id}\n`);
            return EXIT.invalid;
          }
          if (flags.out) await writeReportFile(revoker, id, flags.format, flags.out);
          // Back-pressure: a slow reader of standard output (a pipe, ssh) holds the report back.
          else await writeReport(revoker.batches, id, flags.format, writableSink(io.stdout));
          return EXIT.ok;
        }),
      );
    });
  batch
    .command('prune')
    .option('--config <path>', 'configuration file')
    .option('--older-than-days <n>', 'instead of retention.days from the config')
    .option('--dry-run', 'say what would be removed, remove nothing')
    .description(
      'remove batches (and their item records) whose last item finished more than retention.days ago; workers do this hourly',
    )
    .action(async (flags: { config?: string; olderThanDays?: string; dryRun?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const days =
            flags.olderThanDays === undefined ? revoker.config.retention.days : Number(flags.olderThanDays);
          if (!Number.isFinite(days) || days < 0) {
            io.stderr.write(
              `revoker: --older-than-days: expected a number of days, got "${flags.olderThanDays}"\n`,
            );
            return EXIT.invalid;
          }
          const result = await revoker.prune({
            cutoff: Date.now() - days * 86_400_000,
            dryRun: flags.dryRun === true,
          });
          const verb = flags.dryRun ? 'would remove' : 'removed';
          io.stdout.write(
            `${verb} ${result.batches.length} batches finished more than ${days} days ago and ${result.records} item records` +
              (result.unfinished.length > 0
                ? `; kept ${result.unfinished.length} old batches that are not finished`
                : '') +
              '\n',
          );
          for (const id of result.batches) io.stdout.write(`  ${id}\n`);
          return EXIT.ok;
        }),
      );
    });
  return batch;
}
