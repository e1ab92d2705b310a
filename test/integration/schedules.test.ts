/**
 * Scheduled batch runs: BullMQ job schedulers in a real Redis, fired for real worker processes
 * and in-process workers, the HTTPS vendor sandbox, a drop directory on disk, and a real webhook
 * receiver for `batch.finished`. No timing assertions: ticks are counted, not timed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import { runWorker } from '../../src/run-worker.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { ScheduleRun } from '../../src/schedules/run-log.ts';
import { runCli } from '../support/cli-run.ts';
import { eventually, sectigoOrder, silentLogger, TEST_ENV } from '../support/pipeline.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import {
  deleteKeys,
  spawnWorker,
  tail,
  teardownStack,
  writeWorkerConfig,
} from '../support/worker-process.ts';

const teardown = teardownStack();
afterEach(() => teardown.run());

async function runsOf(revoker: Revoker, schedule: string): Promise<ScheduleRun[]> {
  const lines = await revoker.redis.lrange(revoker.keys.scheduleLog(schedule), 0, -1);
  return lines.map((l) => JSON.parse(l) as ScheduleRun);
}

async function schedulerNames(revoker: Revoker): Promise<string[]> {
  const { name, prefix } = revoker.keys.schedulesQueue;
  const queue = new Queue(name, { connection: revoker.redis, prefix });
  try {
    return (await queue.getJobSchedulers()).map((s) => s.key).sort();
  } finally {
    await queue.close();
  }
}

async function setup(orders: string[]) {
  const sandbox = await startSandbox({ seedData: { orders: orders.map((o) => sectigoOrder(o)) } });
  teardown.defer(() => sandbox.close());
  const dir = await mkdtemp(join(tmpdir(), 'revoker-schedules-'));
  teardown.defer(() => rm(dir, { recursive: true, force: true }));
  const prefix = `revoker-sched-${randomUUID().slice(0, 8)}`;
  const base = { dir, sandbox, redisUrl: inject('redisUrl'), prefix };
  let revoker: Revoker | undefined;
  teardown.defer(async () => {
    if (revoker) {
      await deleteKeys(revoker.redis, prefix);
      await revoker.close();
    }
  });
  return {
    dir,
    base,
    async open(config: Parameters<typeof openRevoker>[0]) {
      revoker ??= await openRevoker(config);
      return revoker;
    },
  };
}

describe('schedules', () => {
  it('a seconds-level schedule fired for two worker processes runs once per tick', async () => {
    const s = await setup(['8801']);
    const source = join(s.dir, 'rows.csv');
    await writeFile(
      source,
      'account,operation,orderNumber,revocationReason\nsectigo,sectigo.revokeSSL,8801,key compromise\n',
    );
    const { file, config } = await writeWorkerConfig({
      ...s.base,
      extra: {
        schedules: [{ name: 'tick', cron: '* * * * * *', source, reportDir: join(s.dir, 'reports') }],
      },
    });
    const revoker = await s.open(config);
    const workers = [spawnWorker(file), spawnWorker(file)];
    for (const w of workers) teardown.defer(() => w.kill());
    for (const w of workers) await w.ready();

    // Done runs, not all runs: on a busy machine a tick may find the previous run still going
    // (recorded `busy`, still one entry for its tick).
    await eventually(
      async () => (await runsOf(revoker, 'tick')).filter((r) => r.status === 'done').length >= 4,
      'four scheduled runs done',
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${workers.map((w) => tail(w)).join('\n---\n')}`);
    });
    for (const w of workers) await w.kill();

    const runs = await runsOf(revoker, 'tick');
    expect(runs.every((r) => r.trigger === 'cron')).toBe(true);
    // Once per tick: no tick time appears twice in the log, whichever process ran it.
    const ticks = runs.map((r) => r.tickAt);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.every((t) => t % 1000 === 0)).toBe(true);
    for (const run of runs.filter((r) => r.status === 'done')) {
      expect(run.batches).toHaveLength(1);
      const [batch] = run.batches;
      // The batch is named for the tick: `<schedule>-<UTC, ISO 8601 basic format>`.
      const stamp = `${new Date(run.tickAt).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
      expect(batch).toMatchObject({ batchId: `tick-${stamp}`, file: source, status: 'enqueued', rows: 1 });
      expect((await revoker.batches.meta(`tick-${stamp}`))?.state).toBe('submitted');
    }
    expect(runs.every((r) => r.status === 'done' || r.status === 'busy')).toBe(true);
    // A file source stays where it is: it is read again at every run.
    expect(await readdir(s.dir)).toContain('rows.csv');
  });

  it('a drop directory: schedule run moves files to processed/ and failed/, reports land in reportDir, batch.finished names the schedule', async () => {
    const s = await setup(['8901', '8902', '8904']);
    const drop = join(s.dir, 'drop');
    const reports = join(s.dir, 'reports');
    await mkdir(drop);
    await writeFile(
      join(drop, 'a.csv'),
      'operation,orderNumber,revocationReason\nsectigo.revokeSSL,8901,key compromise\nsectigo.revokeSSL,8902,key compromise\n',
    );
    await writeFile(join(drop, 'b.csv'), 'account,operation,orderNumber\nelsewhere,sectigo.revokeSSL,8903\n');
    await writeFile(join(drop, 'c.csv.part'), 'still being written');
    await writeFile(join(drop, '.hidden.csv'), 'not ours');
    await writeFile(
      join(drop, 'd.jsonl'),
      '{"operation":"sectigo.revokeSSL","orderNumber":"8904","revocationReason":"kc"}\n',
    );
    const hooks = await startReceiver();
    teardown.defer(() => hooks.close());
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const env = { ...TEST_ENV, TEST_WEBHOOK_SECRET: secret };
    const { file, config } = await writeWorkerConfig({
      ...s.base,
      extra: {
        schedules: [
          {
            name: 'drop',
            cron: '0 3 * * *',
            tz: 'Europe/Berlin',
            source: drop,
            account: 'sectigo',
            reportDir: reports,
          },
        ],
        webhooks: [
          {
            name: 'batches',
            url: hooks.url,
            secret: { env: 'TEST_WEBHOOK_SECRET' },
            events: ['batch.finished'],
            retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 100 },
          },
        ],
      },
    });
    const revoker = await s.open(config);
    const pool = await runWorker({
      config,
      env,
      logger: silentLogger(),
      tuning: { shutdownGraceMs: 5000, batchWatchIntervalMs: 100 },
    });
    teardown.defer(() => pool.close());

    const run = await runCli(['schedule', 'run', 'drop', '--config', file], env);
    // One file rejected: invalid input, as `submit` would say.
    expect(run.code, run.text).toBe(2);
    const id = /(drop-\d{8}T\d{6}Z) enqueued/.exec(run.text)?.[1] as string;
    expect(id, run.text).toBeDefined();
    expect(run.text).toContain(`schedule drop: done`);
    expect(run.text).toContain(
      `${id} enqueued: ${join(drop, 'a.csv')} (2 rows, 2 enqueued) → ${join(drop, 'processed', 'a.csv')}`,
    );
    expect(run.text).toContain(`${id}-2 rejected: ${join(drop, 'b.csv')} → ${join(drop, 'failed', 'b.csv')}`);
    expect(run.text).toContain(`${id}-3 enqueued: ${join(drop, 'd.jsonl')} (1 rows, 1 enqueued)`);
    expect(run.text).toContain('this schedule runs for account sectigo only; the row names "elsewhere"');

    expect((await readdir(drop)).sort()).toEqual(['.hidden.csv', 'c.csv.part', 'failed', 'processed']);
    expect((await readdir(join(drop, 'processed'))).sort()).toEqual(['a.csv', 'd.jsonl']);
    expect((await readdir(join(drop, 'failed'))).sort()).toEqual(['b.csv', 'b.csv.errors.txt']);
    expect(await readFile(join(drop, 'failed', 'b.csv.errors.txt'), 'utf8')).toContain('row 2, account');
    // A rejected file's batch id is free again: nothing of it stays in Redis.
    expect(await revoker.batches.meta(`${id}-2`)).toBeUndefined();

    await eventually(async () => hooks.accepted().length === 2, 'both batches announced');
    for (const batchId of [id, `${id}-3`]) {
      const event = hooks.received.find((r) => r.json.data.batchId === batchId);
      const reportFile = join(reports, `${batchId}.json`);
      expect(event?.json.data).toMatchObject({ schedule: 'drop', reportFile, counts: { 'in-progress': 0 } });
      const report = JSON.parse(await readFile(reportFile, 'utf8')) as {
        batchId: string;
        items: { outcome: string }[];
      };
      expect(report.batchId).toBe(batchId);
      expect(report.items.map((i) => i.outcome)).toEqual(
        batchId === id ? ['revoked', 'revoked'] : ['revoked'],
      );
    }
    expect((await readdir(reports)).sort()).toEqual([`${id}-3.json`, `${id}.json`]);

    // list: the next run (03:00 in Berlin), the last run's batches with their counts.
    const list = await runCli(['schedule', 'list', '--config', file], env);
    expect(list.code, list.text).toBe(0);
    expect(list.text).toMatch(
      /^drop {2}"0 3 \* \* \*" \(Europe\/Berlin\) {2}next \d{4}-\d\d-\d\dT0[12]:00:00\.000Z$/m,
    );
    expect(list.text).toContain(`last run`);
    expect(list.text).toContain('(manual): done');
    expect(list.text).toContain(`${id} enqueued: 2 revoked (total 2)`);
    expect(list.text).toContain(`${id}-2 rejected: `);
    expect(list.text).toContain(`${id}-3 enqueued: 1 revoked (total 1)`);

    // Nothing new in the directory: nothing to do.
    const again = await runCli(['schedule', 'run', 'drop', '--config', file], env);
    expect(again.code, again.text).toBe(0);
    expect(again.text).toContain('schedule drop: nothing-new');
  });

  it('config schedules are upserted by a worker; one removed from the config, or by schedule remove, leaves Redis', async () => {
    const s = await setup([]);
    const schedule = (name: string, source = join(s.dir, 'missing.csv')) => ({
      name,
      cron: '0 3 * * *',
      source,
      reportDir: join(s.dir, 'reports'),
    });
    const both = await writeWorkerConfig({
      ...s.base,
      extra: { schedules: [schedule('keep'), schedule('gone')] },
    });
    const one = await writeWorkerConfig({
      ...s.base,
      fileName: 'one.json',
      extra: { schedules: [schedule('keep')] },
    });
    const revoker = await s.open(both.config);
    const start = async (config: typeof both.config) =>
      runWorker({ config, env: TEST_ENV, logger: silentLogger(), tuning: { shutdownGraceMs: 5000 } });

    // A report directory that cannot be written stops the worker at start, naming the field.
    await writeFile(join(s.dir, 'a-file'), '');
    const unwritable = await writeWorkerConfig({
      ...s.base,
      fileName: 'unwritable.json',
      extra: { schedules: [{ ...schedule('keep'), reportDir: join(s.dir, 'a-file', 'reports') }] },
    });
    await expect(start(unwritable.config)).rejects.toThrow(
      `schedules[0].reportDir: ${join(s.dir, 'a-file', 'reports')} is not a writable directory (ENOTDIR)`,
    );

    const first = await start(both.config);
    expect(await schedulerNames(revoker)).toEqual(['gone', 'keep']);
    await first.close();
    const listBoth = await runCli(['schedule', 'list', '--config', one.file], TEST_ENV);
    expect(listBoth.text).toContain('not in this config: the next worker start removes it');

    const second = await start(one.config);
    teardown.defer(() => second.close());
    expect(await schedulerNames(revoker)).toEqual(['keep']);
    const listOne = await runCli(['schedule', 'list', '--json', '--config', one.file], TEST_ENV);
    const statuses = JSON.parse(listOne.text) as { name: string; scheduled: boolean; next?: number }[];
    expect(statuses.map((x) => [x.name, x.scheduled])).toEqual([['keep', true]]);
    expect(statuses[0]?.next).toBeGreaterThan(Date.now());

    // A source that is not there: the run is recorded failed, naming the field.
    const missing = await runCli(['schedule', 'run', 'keep', '--config', one.file], TEST_ENV);
    expect(missing.code).toBe(1);
    expect(missing.text).toContain(
      `schedules.keep.source: cannot read ${join(s.dir, 'missing.csv')} (it does not exist)`,
    );

    const removed = await runCli(['schedule', 'remove', 'keep', '--config', one.file], TEST_ENV);
    expect(removed.code, removed.text).toBe(0);
    expect(removed.text).toContain('schedule keep removed from Redis');
    expect(removed.text).toContain('is still in the config: the next worker start adds it again');
    expect(await schedulerNames(revoker)).toEqual([]);
    const unknown = await runCli(['schedule', 'remove', 'never', '--config', one.file], TEST_ENV);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('no schedule never in Redis or the config');
  });
});
