/**
 * `revoker webhooks test NAME | failed | retry | purge`: try a receiver, and see or redo the
 * deliveries whose attempts are spent.
 */
import { Command } from 'commander';
import { openFailedDeliveries } from '../webhooks/failed-deliveries.ts';
import { sendTestEvent } from '../webhooks/send-test.ts';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, configFrom, withRevoker } from './shared-options.ts';

export function webhooksCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  const webhooks = new Command('webhooks').description(
    'outcome webhooks: test a receiver, failed deliveries',
  );
  webhooks
    .command('test')
    .argument('<name>', 'webhook name (config webhooks[].name)')
    .option('--config <path>', 'configuration file')
    .description("send a signed test event now and print the receiver's answer (exit 1 unless 2xx)")
    .action(async (name: string, flags: { config?: string }) => {
      const config = await configFrom(flags, io);
      const webhook = config.webhooks.find((w) => w.name === name);
      if (!webhook) {
        io.stderr.write(
          `revoker: no webhook ${name} in the config (configured: ${config.webhooks.map((w) => w.name).join(', ') || 'none'})\n`,
        );
        setExit(EXIT.invalid);
        return;
      }
      const sent = await sendTestEvent(webhook, {
        env: io.env,
        onWarning: (m) => io.stderr.write(`revoker: warning: ${m}\n`),
      });
      io.stdout.write(
        `webhook ${name}: POST ${sent.receiver} → ${sent.answer.status} in ${Math.round(sent.answer.latencyMs)} ms ` +
          `(event ${sent.eventId}, webhook.test)\n`,
      );
      if (!sent.answer.ok) io.stderr.write(`revoker: webhook ${name}: the receiver did not answer 2xx\n`);
      setExit(sent.answer.ok ? EXIT.ok : 1);
    });
  webhooks
    .command('failed')
    .option('--config <path>', 'configuration file')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--json', 'print JSON')
    .description('deliveries whose attempts are spent (or not retried: 410 Gone, webhook not configured)')
    .action(async (flags: { config?: string; limit: string; json?: boolean }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const failed = openFailedDeliveries(revoker.redis, revoker.keys);
          try {
            const list = await failed.list(Math.max(1, Number(flags.limit) || 1000));
            if (flags.json) io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
            else {
              for (const d of list) {
                io.stdout.write(
                  `${d.jobId}  ${d.type}  ${d.attempts} attempts, last ${new Date(d.failedAt).toISOString()}: ${d.reason}\n`,
                );
              }
              io.stdout.write(
                `${list.length} failed deliveries${list.length > 0 ? ' (revoker webhooks retry --all sends them again)' : ''}\n`,
              );
            }
            return EXIT.ok;
          } finally {
            await failed.close();
          }
        }),
      );
    });
  webhooks
    .command('retry')
    .argument('[ids...]', 'delivery ids (<webhook>~<event id>, as webhooks failed lists them)')
    .option('--all', 'every failed delivery')
    .option('--config <path>', 'configuration file')
    .description('send failed deliveries again with fresh attempts (same event id and body)')
    .action(async (ids: string[], flags: { config?: string; all?: boolean }) => {
      if ((ids.length === 0) === !flags.all) {
        io.stderr.write('revoker: webhooks retry: give delivery ids, or --all (not both)\n');
        setExit(EXIT.invalid);
        return;
      }
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const failed = openFailedDeliveries(revoker.redis, revoker.keys);
          try {
            if (flags.all) {
              io.stdout.write(`${await failed.retryAll()} deliveries sent again\n`);
              return EXIT.ok;
            }
            const result = await failed.retry(ids);
            io.stdout.write(`${result.retried.length} deliveries sent again\n`);
            for (const id of result.notFailed) io.stderr.write(`revoker: ${id} is not a failed delivery\n`);
            return result.notFailed.length > 0 ? EXIT.invalid : EXIT.ok;
          } finally {
            await failed.close();
          }
        }),
      );
    });
  webhooks
    .command('purge')
    .option('--config <path>', 'configuration file')
    .description('delete every failed delivery (their events are not sent)')
    .action(async (flags: { config?: string }) => {
      setExit(
        await withRevoker(flags, io, async (revoker) => {
          const failed = openFailedDeliveries(revoker.redis, revoker.keys);
          try {
            io.stdout.write(`${await failed.purge()} failed deliveries deleted\n`);
            return EXIT.ok;
          } finally {
            await failed.close();
          }
        }),
      );
    });
  return webhooks;
}
