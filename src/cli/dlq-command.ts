/**
 * `revoker dlq list | show | replay | purge`: read and act on the dead-letter queue.
 */
import { Command } from 'commander';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, withRevoker } from './shared-options.ts';

export function dlqCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  const dlq = new Command('dlq').description(
    'the dead-letter queue: jobs that will not succeed by themselves',
  );
  dlq
    .command('list')
    .option('--config <path>', 'configuration file')
    .option('--account <name>', 'only this account')
    .option('--json', 'print JSON (one entry per line)')
    .action(async (flags: { config?: string; account?: string; json?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const entries = await revoker.deadLetter.list(flags.account ? { account: flags.account } : {});
          for (const e of entries) {
            if (flags.json) io.stdout.write(`${JSON.stringify(e)}\n`);
            else {
              io.stdout.write(
                `${e.jobId}\t${new Date(e.deadLetteredAt).toISOString()}\t${e.attempts.length} attempts\t${e.reason}\n`,
              );
            }
          }
          if (!flags.json) io.stdout.write(`${entries.length} dead-lettered\n`);
          return EXIT.ok;
        }),
      );
    });
  dlq
    .command('show')
    .argument('<id>', 'job id')
    .option('--config <path>', 'configuration file')
    .action(async (id: string, flags: { config?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const entry = await revoker.deadLetter.get(id);
          if (!entry) {
            io.stderr.write(`revoker: no dead-letter entry ${id}\n`);
            return EXIT.invalid;
          }
          io.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
          return EXIT.ok;
        }),
      );
    });
  dlq
    .command('replay')
    .argument('[ids...]', 'job ids')
    .option('--all', 'every entry (with --account: every entry of that account)')
    .option('--account <name>', 'with --all: only this account')
    .option('--config <path>', 'configuration file')
    .description('re-enqueue with fresh attempts; an entry leaves the dead-letter queue once its job is back')
    .action(async (ids: string[], flags: { config?: string; all?: boolean; account?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          if (ids.length === 0 && !flags.all) {
            io.stderr.write('revoker: name job ids, or pass --all\n');
            return EXIT.invalid;
          }
          const targets = flags.all
            ? (await revoker.deadLetter.list(flags.account ? { account: flags.account } : {})).map(
                (e) => e.jobId,
              )
            : ids;
          const result = await revoker.deadLetter.replay(targets);
          io.stdout.write(`replayed ${result.replayed.length}\n`);
          for (const f of result.failed) io.stderr.write(`  not replayed ${f.jobId}: ${f.reason}\n`);
          return result.failed.length > 0 ? 1 : EXIT.ok;
        }),
      );
    });
  dlq
    .command('purge')
    .option('--config <path>', 'configuration file')
    .description('delete every dead-letter entry (their item records keep saying dead-lettered)')
    .action(async (flags: { config?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          io.stdout.write(`purged ${await revoker.deadLetter.purge()}\n`);
          return EXIT.ok;
        }),
      );
    });
  return dlq;
}
