/**
 * Upgrading from the single-slot layout (revoker 0.1: every key under `{NAMESPACE}:`): the old
 * keys are written here as 0.1 wrote them. A process of this version warns that they are there;
 * `revoker migrate-layout` refuses while an old queue holds jobs, copies nothing on a dry run, then
 * moves batches, records, halts, rate limits and dead-letter entries so that reports, `dlq list`
 * and `account status` read them; a second run overwrites nothing; `--delete-old` clears the rest.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import { encodeItems } from '../../src/queue/batch-store.ts';
import { encodeItemRecord } from '../../src/queue/item-record.ts';
import { legacyLayoutWarning } from '../../src/queue/legacy-layout.ts';
import { deleteKeysUnder, keysUnder } from '../../src/queue/prefix-keys.ts';
import { runCli } from '../support/cli-run.ts';
import { reportOf } from '../support/pipeline.ts';

const opened: Revoker[] = [];
afterEach(async () => {
  for (const revoker of opened.splice(0)) {
    await deleteKeysUnder(revoker.redis, revoker.keys.namespace);
    await deleteKeysUnder(revoker.redis, `{${revoker.keys.namespace}}`);
    await revoker.close();
  }
});

const job = (n: number) => `sectigo~sectigo.revokeSSL~orderNumber~${n}`;

/** What revoker 0.1 left in Redis for a small deployment, written with its own key names. */
async function writeOldLayout(revoker: Revoker, batchId: string): Promise<void> {
  const old = `{${revoker.keys.namespace}}`;
  const { redis } = revoker;
  const items = [1, 2, 3].map((n) => ({ row: n + 1, jobId: job(n) }));
  await redis.hset(`${old}:batch:${batchId}`, {
    id: batchId,
    createdAt: '1767225600000',
    state: 'submitted',
    rows: '3',
    valid: '3',
    invalid: '0',
    source: 'incident.csv',
  });
  await redis.rpush(`${old}:batch:${batchId}:items`, ...encodeItems(items, 0));
  await redis.zadd(`${old}:batches`, 1767225600000, batchId);
  await redis.hset(
    `${old}:results`,
    job(1),
    encodeItemRecord({ outcome: 'revoked', code: '0', attempts: [], finishedAt: 1767225601000 }),
    job(2),
    encodeItemRecord({ outcome: 'dead-lettered', code: '-20', message: 'already rejected', attempts: [] }),
    'a record revoker did not make',
    '{}',
  );
  await redis.hset(
    `${old}:halts`,
    'sectigo',
    JSON.stringify({ reason: 'authentication failed', code: '-15', jobId: job(3), at: 1 }),
  );
  await redis.hset(
    `${old}:rate-limits`,
    'sectigo',
    JSON.stringify({ max: 7, durationMs: 1000, marginMs: 100 }),
  );
  const dlq = new Queue('dead-letter', { connection: redis, prefix: old });
  await dlq.add(
    'dead-letter',
    {
      jobId: job(2),
      queue: 'account-sectigo',
      account: 'sectigo',
      data: {
        account: 'sectigo',
        operation: 'sectigo.revokeSSL',
        params: { orderNumber: '2' },
        batchId,
        row: 3,
      },
      reason: 'already rejected',
      attempts: [],
      deadLetteredAt: 1767225601000,
    },
    { jobId: job(2) },
  );
  await dlq.close();
}

describe('revoker migrate-layout', () => {
  it('moves what the single-slot layout kept, after its queues are drained, and clears it when asked', async () => {
    const namespace = `revoker-migrate-${randomUUID().slice(0, 8)}`;
    const url = inject('redisUrl');
    const config = parseConfig(
      {
        redis: { url, prefix: namespace },
        accounts: {
          sectigo: { vendor: 'sectigo', credentials: { loginName: 'x', loginPassword: { env: 'P' } } },
        },
      },
      {},
    );
    const fresh = await openRevoker(config);
    opened.push(fresh);
    expect(fresh.redisWarning).toBeUndefined();
    const batchId = 'b-20260101T000000-0a1b2c3d';
    await writeOldLayout(fresh, batchId);
    // A job still waiting in an old account queue: nothing may move yet.
    const oldQueue = new Queue('account-sectigo', { connection: fresh.redis, prefix: `{${namespace}}` });
    await oldQueue.add('sectigo.revokeSSL', {}, { jobId: job(3) });

    const revoker = await openRevoker(config);
    opened.push(revoker);
    expect(revoker.redisWarning).toContain(`single-slot layout under "{${namespace}}:"`);
    const env = { REDIS_URL: url };
    const configFile = await writeConfig(namespace);
    const blocked = await runCli(['migrate-layout', '--config', configFile], env);
    expect(blocked.code).toBe(1);
    expect(blocked.text).toContain('account-sectigo: 1');
    expect(await revoker.batches.meta(batchId)).toBeUndefined();

    await oldQueue.obliterate({ force: true });
    await oldQueue.close();
    const dry = await runCli(['migrate-layout', '--config', configFile, '--dry-run'], env);
    expect(dry).toMatchObject({ code: 0, text: expect.stringContaining('would copy') });
    expect(await revoker.batches.meta(batchId)).toBeUndefined();

    const done = await runCli(['migrate-layout', '--config', configFile, '--json'], env);
    expect(done.code).toBe(0);
    expect(jsonOf(done.text)).toMatchObject({
      blocked: [],
      records: 2,
      recordsWithoutAccount: 1,
      batches: 1,
      fleetFields: 2,
      deadLetters: 1,
      deleted: 0,
    });
    // Read back through this version's own readers.
    expect((await reportOf(revoker, batchId)).map((i) => [i.row, i.outcome, i.code])).toEqual([
      [2, 'revoked', '0'],
      [3, 'dead-lettered', '-20'],
      [4, 'in-progress', ''],
    ]);
    expect((await revoker.deadLetter.list()).map((e) => e.jobId)).toEqual([job(2)]);
    const [status] = await revoker.accountStatus();
    expect(status).toMatchObject({
      account: 'sectigo',
      state: 'halted',
      rateLimit: { max: 7, durationMs: 1000 },
    });
    expect(status?.halt?.reason).toBe('authentication failed');

    // Again: what is there already stays as it is.
    await revoker.redis.hset(
      revoker.keys.results('sectigo'),
      job(1),
      encodeItemRecord({ outcome: 'revoked', attempts: [], code: 'newer' }),
    );
    const again = jsonOf((await runCli(['migrate-layout', '--config', configFile, '--json'], env)).text);
    expect(again).toMatchObject({ batches: 0, batchConflicts: [batchId] });
    expect((await reportOf(revoker, batchId))[0]?.code).toBe('newer');

    const cleared = await runCli(['migrate-layout', '--config', configFile, '--delete-old'], env);
    expect(cleared.text).toMatch(/deleted \d+ keys of the old layout/);
    expect(await keysUnder(revoker.redis, `{${namespace}}`)).toEqual([]);
    expect(await legacyLayoutWarning(revoker.redis, namespace)).toBeUndefined();
  });
});

/** The JSON report, after the start-up warning about the old layout (stderr, in the same capture). */
function jsonOf(text: string): unknown {
  expect(text).toContain('warning: Redis holds data of the single-slot layout');
  return JSON.parse(text.slice(text.indexOf('\n{') + 1));
}

async function writeConfig(namespace: string): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(await mkdtemp(join(tmpdir(), 'revoker-migrate-')), 'revoker.config.json');
  await writeFile(file, JSON.stringify({ redis: { prefix: namespace } }));
  return file;
}
