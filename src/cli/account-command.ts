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
                ` · workers ${s.workers} · limit ${s.rateLimit.max}/${s.rateLimit.durationMs}ms\n`,
            );
            if (!s.configured) {
              io.stdout.write(
                `  not configured: ${c.waiting + c.delayed} jobs wait for an account this config does not have; ` +
                  'add it back to the config (and start a worker), or they never run\n',
              );
            }
            if (s.rateLimitWaitUntil) {
              io.stdout.write(
                `  waiting for the vendor's rate limit until ${new Date(s.rateLimitWaitUntil).toISOString().slice(11, 19)} UTC\n`,
              );
            }
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
          if (!Object.hasOwn(revoker.config.accounts, name)) {
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
  account
    .command('set-rate-limit')
    .argument('<name>', 'account name')
    .argument('<limit>', 'MAX/DURATION_MS, e.g. 20/1000')
    .option('--margin-ms <ms>', 'jitter margin added to the window', '100')
    .option('--config <path>', 'configuration file')
    .description(
      'set the rate limit the whole fleet obeys (kept in Redis); a worker whose config says more does not raise it',
    )
    .action(async (name: string, limitText: string, flags: { config?: string; marginMs: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const match = /^(\d+)\/(\d+)$/.exec(limitText);
          const marginMs = Number(flags.marginMs);
          if (
            !match ||
            Number(match[1]) < 1 ||
            Number(match[2]) < 1 ||
            !Number.isInteger(marginMs) ||
            marginMs < 0
          ) {
            io.stderr.write(
              `revoker: limit: expected MAX/DURATION_MS (e.g. 20/1000) and a whole --margin-ms, got ${limitText}\n`,
            );
            return EXIT.invalid;
          }
          if (!Object.hasOwn(revoker.config.accounts, name)) {
            io.stderr.write(`revoker: account ${name} is not in the config\n`);
            return EXIT.invalid;
          }
          const limit = { max: Number(match[1]), durationMs: Number(match[2]), marginMs };
          await revoker.account(name).setRateLimit(limit);
          io.stdout.write(`account ${name}: the fleet now obeys ${limit.max} per ${limit.durationMs} ms\n`);
          return EXIT.ok;
        }),
      );
    });
  return account;
}
