/**
 * `revoker demo` (`npm run demo`): the main job end to end on embedded defaults. Starts the vendor
 * sandbox and a worker in this process, submits 1,000 revocations with a realistic mix (most
 * succeed, some are being issued and succeed on retry, some are already revoked or rejected, and
 * the Sectigo account is configured above the sandbox's limit so a burst of -42 slows it down),
 * shows progress and ends with the report's counts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseConfig } from '../config.ts';
import { readInputRows } from '../jobs/input-file.ts';
import { createLogger } from '../logger.ts';
import { openRevoker } from '../open-revoker.ts';
import { deleteKeysUnder } from '../queue/prefix-keys.ts';
import { runWorker } from '../run-worker.ts';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT, defaultAccounts } from '../sandbox/accounts.ts';
import { generateSeed } from '../sandbox/seed-generator.ts';
import { startSandbox } from '../sandbox/server.ts';
import { findDemoRedis } from './demo-redis.ts';
import type { CommandEnv } from './shared-options.ts';
import { watchAndReport } from './submit-command.ts';

export interface DemoFlags {
  orders: string;
  report: string;
}

export function demoCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  return new Command('demo')
    .description('a bulk revocation against the built-in vendor sandbox: sandbox, worker, 1,000 jobs, report')
    .option('--orders <n>', 'how many revocations', '1000')
    .option('--report <path>', 'where to write the JSON report', 'revoker-demo-report.json')
    .action(async (flags: DemoFlags) => {
      setExit(await runDemo(flags, io));
    });
}

export async function runDemo(flags: DemoFlags, io: CommandEnv): Promise<number> {
  const orders = Number(flags.orders);
  if (!Number.isInteger(orders) || orders < 1 || orders > 1_000_000) {
    io.stderr.write(`revoker: --orders: expected a whole number from 1 to 1000000, got "${flags.orders}"\n`);
    return 2;
  }
  const redis = await findDemoRedis(io.env);
  io.stdout.write(`redis: ${redis.url} (${redis.origin})\n`);

  // The sandbox allows 150 Sectigo calls/s; the demo account is configured for 200/s, so -42
  // answers come in bursts and the account's queue pauses, as against a real vendor limit.
  const accounts = defaultAccounts();
  for (const a of accounts.sectigo) a.rateLimits = [{ max: 150, durationMs: 1000 }];
  for (const a of accounts.digicert) a.rateLimits = [{ max: 100, durationMs: 1000 }];
  const seed = generateSeed({
    orders,
    sectigoShare: 0.8,
    accounts,
    docSamples: false,
    mix: {
      'being-issued': 0.05,
      pending: 0,
      revoked: 0.03,
      rejected: 0.01,
      'not-revocable': 0.01,
      expired: 0,
    },
  });
  const sandbox = await startSandbox({ seedData: seed });
  io.stdout.write(`sandbox: ${sandbox.url} (CA file ${sandbox.caFile})\n`);

  const dir = mkdtempSync(join(tmpdir(), 'revoker-demo-'));
  const input = join(dir, 'compromised.csv');
  writeFileSync(input, demoCsv(seed.orders));

  // The demo's secrets live in an environment object of its own, as a deployment's would in env.
  const env = {
    REVOKER_DEMO_SECTIGO_PASSWORD: DEMO_SECTIGO_ACCOUNT.loginPassword,
    REVOKER_DEMO_DIGICERT_KEY: DEMO_DIGICERT_ACCOUNT.apiKey,
  };
  const config = parseConfig(
    {
      redis: { url: redis.url, prefix: `revoker-demo-${randomUUID().slice(0, 8)}` },
      accounts: {
        'sectigo-demo': {
          vendor: 'sectigo',
          baseUrl: sandbox.sectigoBaseUrl,
          caFile: sandbox.caFile,
          credentials: {
            loginName: DEMO_SECTIGO_ACCOUNT.loginName,
            loginPassword: { env: 'REVOKER_DEMO_SECTIGO_PASSWORD' },
          },
          rateLimit: { max: 200, durationMs: 1000 },
          concurrency: 50,
          rateLimitWaitMs: 1000,
        },
        'digicert-demo': {
          vendor: 'digicert',
          baseUrl: sandbox.digicertBaseUrl,
          caFile: sandbox.caFile,
          credentials: { apiKey: { env: 'REVOKER_DEMO_DIGICERT_KEY' } },
          rateLimit: { max: 80, durationMs: 1000 },
          concurrency: 20,
          autoApprove: true,
          rateLimitWaitMs: 1000,
        },
      },
      retry: { attempts: 6, baseDelayMs: 200, maxDelayMs: 2000 },
    },
    {},
    { source: 'demo defaults' },
  );

  const logger = createLogger({ name: 'worker', level: 'silent' });
  const pool = await runWorker({ config, env, logger });
  const revoker = await openRevoker(config, { env });
  try {
    const summary = await revoker.producer.submit(readInputRows(input), { source: 'demo' });
    io.stdout.write(`batch ${summary.batchId}: ${summary.enqueued} revocations enqueued\n`);
    const report = resolve(flags.report);
    const code = await watchAndReport(revoker, summary.batchId, { report, format: 'json' }, io);
    const stats = sandbox.stats();
    io.stdout.write(
      `the sandbox saw ${stats.totalRequests} calls (${stats.overLimit} over its rate limit, answered -42 and retried); ` +
        'the dead-lettered items are the orders that were already revoked, rejected or not revocable.\n' +
        `every item, its outcome and its vendor code: ${report}\n`,
    );
    // Dead-lettered items are expected here: exit 0 when the demo ran as designed.
    return code === 3 ? code : 0;
  } finally {
    await pool.close();
    // The demo leaves nothing behind in a shared Redis.
    await deleteKeysUnder(revoker.redis, config.redis.prefix);
    await revoker.close();
    await sandbox.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function demoCsv(orders: readonly { vendor: string; orderNumber: string }[]): string {
  const lines = ['account,operation,orderNumber,order_id,revocationReason'];
  for (const o of orders) {
    lines.push(
      o.vendor === 'sectigo'
        ? `sectigo-demo,sectigo.revokeSSL,${o.orderNumber},,demo: private key compromised`
        : `digicert-demo,digicert.revokeOrder,,${o.orderNumber},demo: private key compromised`,
    );
  }
  return `${lines.join('\n')}\n`;
}
