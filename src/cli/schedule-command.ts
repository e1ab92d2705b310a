/**
 * `revoker schedule list | run NAME | remove NAME`: scheduled batch runs (config `schedules`).
 */
import { Command } from 'commander';
import type { OutcomeCounts } from '../queue/batch-report.ts';
import { runSchedule } from '../schedules/run-schedule.ts';
import { removeSchedule, scheduleStatuses } from '../schedules/schedule-status.ts';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, withRevoker } from './shared-options.ts';

/** `3 revoked · 1 dead-lettered (total 4)`: the outcomes that occur. */
function countsLine(counts: OutcomeCounts): string {
  const parts = Object.entries(counts)
    .filter(([name, value]) => name !== 'total' && name !== 'retrying' && value > 0)
    .map(([name, value]) => `${value} ${name}`);
  return `${parts.join(' · ') || 'no items'} (total ${counts.total})`;
}

export function scheduleCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  const schedule = new Command('schedule').description('scheduled batch runs: list, run now, remove');
  schedule
    .command('list')
    .option('--config <path>', 'configuration file')
    .option('--json', 'print JSON')
    .description("every schedule: its cron, next run, and the last run's batches with their outcome counts")
    .action(async (flags: { config?: string; json?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const statuses = await scheduleStatuses(revoker);
          if (flags.json) {
            io.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
            return EXIT.ok;
          }
          for (const s of statuses) {
            const next = s.next === undefined ? 'no next run' : `next ${new Date(s.next).toISOString()}`;
            io.stdout.write(`${s.name}  "${s.cron}" (${s.tz})  ${next}\n`);
            if (!s.scheduled)
              io.stdout.write('  not in Redis yet: a worker started with this config adds it\n');
            if (!s.configured) {
              io.stdout.write(
                `  not in this config: the next worker start removes it (or: revoker schedule remove ${s.name})\n`,
              );
            }
            if (!s.last) {
              io.stdout.write('  no run yet\n');
              continue;
            }
            const last = s.last;
            io.stdout.write(
              `  last run ${new Date(last.tickAt).toISOString()} (${last.trigger}): ${last.status}` +
                `${last.message ? ` — ${last.message.split('\n')[0]}` : ''}\n`,
            );
            for (const b of last.batches) {
              const counts = s.lastCounts[b.batchId];
              io.stdout.write(
                `    ${b.batchId} ${b.status}` +
                  (counts ? `: ${countsLine(counts)}` : b.message ? `: ${b.message.split('\n')[0]}` : '') +
                  '\n',
              );
            }
          }
          if (statuses.length === 0) io.stdout.write('no schedules\n');
          return EXIT.ok;
        }),
      );
    });
  schedule
    .command('run')
    .argument('<name>', 'schedule name (config schedules[].name)')
    .option('--config <path>', 'configuration file')
    .description('run a schedule now, in this process (its source and reportDir are read on this host)')
    .action(async (name: string, flags: { config?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const config = revoker.config.schedules.find((s) => s.name === name);
          if (!config) {
            io.stderr.write(
              `revoker: no schedule ${name} in the config (configured: ${revoker.config.schedules.map((s) => s.name).join(', ') || 'none'})\n`,
            );
            return EXIT.invalid;
          }
          const run = await runSchedule(
            config,
            { kind: 'manual', tickAt: Date.now() },
            {
              producer: revoker.producer,
              batches: revoker.batches,
              redis: revoker.redis,
              keys: revoker.keys,
            },
          );
          io.stdout.write(`schedule ${name}: ${run.status}${run.message ? ` — ${run.message}` : ''}\n`);
          for (const b of run.batches) {
            io.stdout.write(
              `  ${b.batchId} ${b.status}: ${b.file}` +
                (b.rows !== undefined ? ` (${b.rows} rows, ${b.enqueued ?? 0} enqueued)` : '') +
                (b.movedTo ? ` → ${b.movedTo}` : '') +
                '\n',
            );
            if (b.message) io.stderr.write(`  ${b.message.split('\n').join('\n  ')}\n`);
          }
          if (run.status === 'busy' || run.status === 'failed') return 1;
          return run.batches.some((b) => b.status === 'rejected') ? EXIT.invalid : EXIT.ok;
        }),
      );
    });
  schedule
    .command('remove')
    .argument('<name>', 'schedule name')
    .option('--config <path>', 'configuration file')
    .description(
      'remove a schedule from Redis (its next runs); a worker started with a config naming it adds it back',
    )
    .action(async (name: string, flags: { config?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const removed = await removeSchedule(revoker, name);
          const configured = revoker.config.schedules.some((s) => s.name === name);
          if (!removed && !configured) {
            io.stderr.write(`revoker: no schedule ${name} in Redis or the config\n`);
            return EXIT.invalid;
          }
          io.stdout.write(
            removed ? `schedule ${name} removed from Redis\n` : `schedule ${name} was not in Redis\n`,
          );
          if (configured) {
            io.stderr.write(
              `revoker: warning: schedule ${name} is still in the config: the next worker start adds it again; remove it from the config too\n`,
            );
          }
          return EXIT.ok;
        }),
      );
    });
  return schedule;
}
