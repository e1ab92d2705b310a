/**
 * `revoker batch status ID` and `revoker batch report ID`.
 */
import { Command, Option } from 'commander';
import { type ReportFormat, writeReport } from '../queue/report-format.ts';
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
          else
            await writeReport(revoker.batches, id, flags.format, {
              write: (chunk) => void io.stdout.write(chunk),
            });
          return EXIT.ok;
        }),
      );
    });
  return batch;
}
