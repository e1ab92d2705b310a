/**
 * `revoker migrate-layout`: moves batches, item records, halts, rate limits, dead-letter entries
 * and schedule logs from the single-slot layout (revoker 0.1, keys under `{NAMESPACE}:`) into
 * this version's (src/queue/layout-migration.ts). Refuses, exit 1, while old queues hold jobs.
 */
import { Command } from 'commander';
import { migrateLegacyLayout } from '../queue/layout-migration.ts';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, withRevoker } from './shared-options.ts';

export function migrateCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  return new Command('migrate-layout')
    .description(
      'copy batches, records, halts, rate limits, dead letters and schedule logs from the single-slot layout ({prefix}:…)',
    )
    .option('--config <path>', 'configuration file')
    .option('--dry-run', 'count what would be copied; write nothing')
    .option('--delete-old', 'delete every key of the old layout once copied')
    .option('--json', 'print JSON')
    .action(async (flags: { config?: string; dryRun?: boolean; deleteOld?: boolean; json?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const report = await migrateLegacyLayout(
            { redis: revoker.redis, keys: revoker.keys, deadLetter: revoker.deadLetter },
            { dryRun: flags.dryRun === true, deleteOld: flags.deleteOld === true },
          );
          if (flags.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          if (report.blocked.length > 0) {
            io.stderr.write(
              `revoker: nothing copied: old queues under ${report.from} still hold jobs ` +
                `(${report.blocked.map((b) => `${b.queue}: ${b.jobs}`).join(', ')}). ` +
                'Run the old version until they are empty (revoker account status), then migrate\n',
            );
            return EXIT.deadLettered;
          }
          if (!flags.json) {
            const verb = flags.dryRun ? 'would copy' : 'copied';
            io.stdout.write(
              `${verb} from ${report.from}: ${report.batches} batches, ${report.records} item records, ` +
                `${report.fleetFields} halt/rate-limit/resume entries, ${report.deadLetters} dead-letter entries, ` +
                `${report.scheduleEntries} schedule log entries\n`,
            );
            if (report.batchConflicts.length > 0) {
              io.stdout.write(
                `  not copied, already in the new layout: batches ${report.batchConflicts.join(', ')}\n`,
              );
            }
            if (report.recordsWithoutAccount > 0) {
              io.stdout.write(
                `  not copied: ${report.recordsWithoutAccount} records whose job id names no account\n`,
              );
            }
            if (report.failedDeliveriesLeft > 0) {
              io.stdout.write(
                `  left behind: ${report.failedDeliveriesLeft} failed webhook deliveries (retry them with the old version first)\n`,
              );
            }
            if (report.deleted > 0) io.stdout.write(`  deleted ${report.deleted} keys of the old layout\n`);
          }
          return EXIT.ok;
        }),
      );
    });
}
