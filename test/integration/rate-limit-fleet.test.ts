/**
 * Rate limits as the vendor sees them. Two worker processes serve one account, one of them
 * configured five times higher: the fleet obeys the one limit kept in Redis, and the sandbox,
 * which counts a sliding window of arrivals, never sees more than `max` in any window. Then a
 * vendor that answers nothing but "rate limited": the wait is visible, and after maxWaitMs the
 * account halts with rate-limit-exhausted and `submit --wait` exits 3 naming it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRevoker } from '../../src/open-revoker.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { runCli } from '../support/cli-run.ts';
import {
  eventually,
  revokeSslRow,
  sectigoOrder,
  startRig,
  TEST_ENV,
  waitForFinal,
} from '../support/pipeline.ts';
import {
  deleteKeys,
  spawnWorker,
  tail,
  teardownStack,
  writeWorkerConfig,
} from '../support/worker-process.ts';

const teardown = teardownStack();
afterEach(() => teardown.run());

const cli = (args: string[]) => runCli(args, { ...TEST_ENV });

describe('rate limits the vendor actually sees', () => {
  it('two worker processes, one configured higher: never more than max in any sliding window', async () => {
    const LIMIT = { max: 10, durationMs: 1000 };
    const N = 100;
    const orders = Array.from({ length: N }, (_, i) => sectigoOrder(String(7600 + i)));
    const sandbox = await startSandbox({ seedData: { orders }, rateLimits: [LIMIT] });
    teardown.defer(() => sandbox.close());
    const dir = await mkdtemp(join(tmpdir(), 'revoker-fleet-'));
    teardown.defer(() => rm(dir, { recursive: true, force: true }));
    const prefix = `revoker-fleet-${randomUUID().slice(0, 8)}`;
    const base = { dir, sandbox, redisUrl: inject('redisUrl'), prefix, concurrency: 10 };
    const a = await writeWorkerConfig({ ...base, rateLimit: LIMIT });
    const b = await writeWorkerConfig({
      ...base,
      rateLimit: { max: 50, durationMs: 1000 },
      fileName: 'b.json',
    });
    const revoker = await openRevoker(a.config);
    teardown.defer(() => revoker.close());
    teardown.defer(() => deleteKeys(revoker.redis, prefix));

    const first = spawnWorker(a.file);
    teardown.defer(() => first.kill());
    await first.ready();
    const second = spawnWorker(b.file);
    teardown.defer(() => second.kill());
    await second.ready();
    expect(second.output()).toMatch(/higher than the 10\/1000 ms the fleet obeys; not raised/);

    const { batchId } = await revoker.producer.submit(
      orders.map((o, i) => ({ rowNumber: i + 2, raw: revokeSslRow(String(o.orderNumber)) })),
    );
    await waitForFinal(revoker, batchId, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${tail(first)}\n${tail(second)}`);
    });
    const stats =
      sandbox.stats().accounts['sectigo:revoker-demo'] ?? Object.values(sandbox.stats().accounts)[0];
    // Every order revoked once. A request more than N is a retry (a client timeout on a machine
    // loaded enough to answer late): the limit must hold for it too, which the next lines check.
    const orderStats = sandbox.stats().orders;
    expect(orders.filter((o) => orderStats[`sectigo:${o.orderNumber}`]?.successfulRevokes !== 1)).toEqual([]);
    expect(stats?.requests, JSON.stringify(stats)).toBeGreaterThanOrEqual(N);
    expect(stats?.overLimit, 'the sandbox answered -42: the fleet went over the limit').toBe(0);
    expect(stats?.windows[0]?.peak).toBeLessThanOrEqual(LIMIT.max);
    // Both processes did work, under the one limit.
    expect(first.messages().filter((m) => String(m) === 'vendor call').length).toBeGreaterThan(0);
    expect(second.messages().filter((m) => String(m) === 'vendor call').length).toBeGreaterThan(0);
    const [status] = await revoker.accountStatus();
    expect(status).toMatchObject({ rateLimit: { max: 10, durationMs: 1000 }, workers: 2 });
  }, 90_000);

  it('only rate-limited answers: the wait is visible, then the account halts rate-limit-exhausted', async () => {
    // The sandbox allows one call per 10 minutes: the first revokes, every later one is -42.
    const orders = [sectigoOrder('7700'), sectigoOrder('7701'), sectigoOrder('7702')];
    const sandbox = await startSandbox({
      seedData: { orders },
      rateLimits: [{ max: 1, durationMs: 600_000 }],
    });
    teardown.defer(() => sandbox.close());
    const dir = await mkdtemp(join(tmpdir(), 'revoker-exhaust-'));
    teardown.defer(() => rm(dir, { recursive: true, force: true }));
    const prefix = `revoker-exhaust-${randomUUID().slice(0, 8)}`;
    const { file, config } = await writeWorkerConfig({
      dir,
      sandbox,
      redisUrl: inject('redisUrl'),
      prefix,
      rateLimit: { max: 100, durationMs: 1000, maxWaitMs: 2500 },
    });
    const revoker = await openRevoker(config);
    teardown.defer(() => revoker.close());
    teardown.defer(() => deleteKeys(revoker.redis, prefix));
    const worker = spawnWorker(file);
    teardown.defer(() => worker.kill());
    await worker.ready();

    const input = join(dir, 'rows.csv');
    await writeFile(
      input,
      `account,operation,orderNumber\n${orders.map((o) => `sectigo,sectigo.revokeSSL,${o.orderNumber}`).join('\n')}\n`,
    );
    const watching = cli(['submit', input, '--config', file, '--wait']);

    // While it waits, account status says so (the worker's config waits 200 ms per -42).
    await eventually(async () => {
      const status = await cli(['account', 'status', '--config', file]);
      return /waiting for the vendor's rate limit until \d\d:\d\d:\d\d UTC/.test(status.text);
    }, 'account status to show the rate-limit wait');
    await eventually(
      async () => /the vendor's rate limit answered -42; waiting/.test(worker.output()),
      'a warn line',
    );

    const result = await watching;
    expect(result.code, result.text).toBe(3);
    expect(result.text).toMatch(/account sectigo is halted: rate-limit-exhausted/);
    const [status] = await revoker.accountStatus();
    expect(status?.state).toBe('halted');
    // Every job is kept: the one revoked, the two others wait for the resume.
    expect(status?.counts.waiting).toBe(2);
  }, 60_000);

  it('account set-rate-limit raises the fleet limit on purpose; a worker configured lower lowers it at its start', async () => {
    const rig = await startRig();
    teardown.defer(() => rig.close());
    const dir = await mkdtemp(join(tmpdir(), 'revoker-setlimit-'));
    teardown.defer(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'revoker.config.json');
    await writeFile(file, JSON.stringify({ redis: rig.config.redis, accounts: rig.config.accounts }));
    const limitOf = async () =>
      (await rig.revoker.accountStatus()).find((a) => a.account === 'sectigo')?.rateLimit;

    const set = await cli(['account', 'set-rate-limit', 'sectigo', '2000/1000', '--config', file]);
    expect(set.code, set.text).toBe(0);
    expect(set.text).toMatch(/the fleet now obeys 2000 per 1000 ms/);
    expect(await limitOf()).toEqual({ max: 2000, durationMs: 1000 });
    // The rig's config says 1000/1000: a worker started with it lowers the fleet's limit.
    await rig.startWorker({ accounts: ['sectigo'] });
    expect(await limitOf()).toEqual({ max: 1000, durationMs: 1000 });
    expect((await cli(['account', 'set-rate-limit', 'sectigo', 'lots', '--config', file])).code).toBe(2);
  });
});
