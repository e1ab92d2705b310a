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
          // A page at a time: a dead-letter queue of 100,000 entries is never loaded whole.
          let listed = 0;
          for await (const ids of revoker.deadLetter.ids(flags.account ? { account: flags.account } : {})) {
            for (const id of ids) {
              const e = await revoker.deadLetter.get(id);
              if (!e) continue; // replayed or purged meanwhile
              listed++;
              if (flags.json) io.stdout.write(`${JSON.stringify(e)}\n`);
              else {
                io.stdout.write(
                  `${e.jobId}\t${new Date(e.deadLetteredAt).toISOString()}\t${e.attempts.length} attempts\t${e.reason}\n`,
                );
              }
            }
          }
          if (!flags.json) io.stdout.write(`${listed} dead-lettered\n`);
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
          // Times as ISO 8601: a person reads this, and attaches it to an incident report.
          const readable = {
            ...entry,
            deadLetteredAt: new Date(entry.deadLetteredAt).toISOString(),
            attempts: entry.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
          };
          io.stdout.write(`${JSON.stringify(readable, null, 2)}\n`);
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
          const pages = flags.all
            ? revoker.deadLetter.ids(flags.account ? { account: flags.account } : {})
            : [ids];
          const total = { replayed: 0, skipped: 0, failed: 0 };
          for await (const page of pages) {
            const result = await revoker.deadLetter.replay(page, { fromListing: flags.all === true });
            total.replayed += result.replayed.length;
            total.skipped += result.skipped.length;
            total.failed += result.failed.length;
            for (const f of result.failed) io.stderr.write(`  not replayed ${f.jobId}: ${f.reason}\n`);
          }
          io.stdout.write(
            `replayed ${total.replayed}` +
              (total.skipped > 0
                ? `; ${total.skipped} replayed or purged by another command meanwhile`
                : '') +
              '\n',
          );
          const result = total;
          return result.failed > 0 ? 1 : EXIT.ok;
        }),
      );
    });
  dlq
    .command('purge')
    .option('--config <path>', 'configuration file')
    .description(
      'delete every dead-letter entry; their items stay dead-lettered in reports, and a later submit runs them afresh',
    )
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
