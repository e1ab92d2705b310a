/**
 * `revoker account status` and `revoker account resume NAME`.
 */
import { Command } from 'commander';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, withRevoker } from './shared-options.ts';

export function accountCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  const account = new Command('account').description('account queues: state, halts, resume');
  account
    .command('status')
    .option('--config <path>', 'configuration file')
    .option('--json', 'print JSON')
    .description('every account: running, paused or halted (and why), with waiting/active/delayed counts')
    .action(async (flags: { config?: string; json?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const statuses = await revoker.accountStatus();
          if (flags.json) {
            io.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
            return EXIT.ok;
          }
          for (const s of statuses) {
            const c = s.counts;
            io.stdout.write(
              `${s.account} (${s.vendor}): ${s.state} · waiting ${c.waiting} · active ${c.active} · delayed ${c.delayed}` +
                ` · limit ${s.rateLimit.max}/${s.rateLimit.durationMs}ms\n`,
            );
            if (s.halt) {
              io.stdout.write(
                `  halted ${new Date(s.halt.at).toISOString()} by job ${s.halt.jobId}: ${s.halt.reason}\n` +
                  `  fix the cause, then: revoker account resume ${s.account}\n`,
              );
            }
          }
          if (statuses.length === 0) io.stdout.write('no accounts configured\n');
          return EXIT.ok;
        }),
      );
    });
  account
    .command('resume')
    .argument('<name>', 'account name')
    .option('--config <path>', 'configuration file')
    .description('clear a halt (or a pause) after the cause is fixed; the kept jobs run again')
    .action(async (name: string, flags: { config?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          if (!(name in revoker.config.accounts)) {
            io.stderr.write(`revoker: account ${name} is not in the config\n`);
            return EXIT.invalid;
          }
          const control = revoker.account(name);
          const halt = await control.haltRecord();
          await control.resume();
          io.stdout.write(`account ${name} resumed${halt ? ` (was halted: ${halt.reason})` : ''}\n`);
          return EXIT.ok;
        }),
      );
    });
  return account;
}
