/**
 * A batch id is claimed once: two submits naming it at once give one batch with every row once,
 * the loser enqueues nothing. A submit that fails leaves no staging data and frees the id; one
 * cut off mid-way (its process SIGKILLed while enqueuing) is finished by --resume without adding
 * a row twice.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readInputRowsFromString } from '../../src/jobs/input-file.ts';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import type { InputRow } from '../../src/queue/producer.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { runCli } from '../support/cli-run.ts';
import { eventually, type Rig, reportOf, revokeSslRow, startRig, TEST_ENV } from '../support/pipeline.ts';
import { deleteKeys, teardownStack, writeWorkerConfig } from '../support/worker-process.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let rig: Rig | undefined;
const others: Revoker[] = [];
const teardown = teardownStack();
afterEach(async () => {
  for (const r of others.splice(0)) await r.close();
  await rig?.close();
  rig = undefined;
  await teardown.run();
});

const rowsOf = (n: number, from = 100_000): InputRow[] =>
  Array.from({ length: n }, (_, i) => ({ rowNumber: i + 2, raw: revokeSslRow(String(from + i)) }));

async function waitingJobs(revoker: Revoker, account = 'sectigo'): Promise<number> {
  const address = revoker.keys.accountQueue(account);
  const queue = new Queue(address.name, { connection: revoker.redis, prefix: address.prefix });
  try {
    return await queue.getJobCountByTypes('wait', 'prioritized', 'delayed', 'active');
  } finally {
    await queue.close();
  }
}

async function batchItemIds(revoker: Revoker, batchId: string): Promise<string[]> {
  return (await reportOf(revoker, batchId)).map((i) => i.jobId);
}

describe('pipeline: one batch id, one batch', () => {
  it('two submits naming one batch id at once: one wins, the other enqueues nothing', async () => {
    rig = await startRig();
    const second = await openRevoker(rig.config);
    others.push(second);
    const rows = rowsOf(3000);
    const results = await Promise.allSettled([
      rig.revoker.producer.submit(rows, { batchId: 'same' }),
      second.producer.submit(rows, { batchId: 'same' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'INPUT_ERR_INVALID' });
    expect(String(lost[0]?.reason.message)).toMatch(
      /batch same( exists already|: another submit of this batch is running)/,
    );

    const ids = await batchItemIds(rig.revoker, 'same');
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
    expect(await waitingJobs(rig.revoker)).toBe(3000);
    // Later, too: the id stays taken.
    await expect(rig.revoker.producer.submit(rowsOf(1), { batchId: 'same' })).rejects.toThrow(
      /batch same exists already \(submitted\): choose another --batch id/,
    );
  });

  it('a file that fails at its last line leaves no staging data and frees the batch id', async () => {
    rig = await startRig();
    const text = `account,operation,orderNumber\n${Array.from({ length: 2500 }, (_, i) => `sectigo,sectigo.revokeSSL,${i + 1}`).join('\n')}\nsectigo,"sectigo.revokeSSL,9\n`;
    await expect(
      rig.revoker.producer.submit(readInputRowsFromString(text, 'csv'), { batchId: 'broken' }),
    ).rejects.toMatchObject({ code: 'INPUT_ERR_INVALID' });
    const left = await rig.revoker.redis.keys(`${rig.prefix}:{b:broken}:*`);
    expect(left).toEqual([]);
    expect(await waitingJobs(rig.revoker)).toBe(0);
    // The fixed file can take the same id.
    const fixed = await rig.revoker.producer.submit(rowsOf(3), { batchId: 'broken' });
    expect(fixed.enqueued).toBe(3);
  });

  it('keeps staging data on a TTL while a submit runs', async () => {
    rig = await startRig();
    let ttl = -3;
    async function* slowRows(): AsyncGenerator<InputRow> {
      yield* rowsOf(1000);
      ttl = await rig!.revoker.redis.pttl(rig!.revoker.keys.batchStaging('ttl'));
      yield* rowsOf(1, 500_000);
    }
    await rig.revoker.producer.submit(slowRows(), { batchId: 'ttl' });
    expect(ttl).toBeGreaterThan(3600_000);
    expect(await rig.revoker.redis.exists(rig.revoker.keys.batchStaging('ttl'))).toBe(0);
  });

  it('--skip-invalid with many invalid rows: every one is in the report, the summary keeps the first', async () => {
    rig = await startRig();
    const bad = Array.from({ length: 4500 }, (_, i) => ({
      rowNumber: i + 2,
      raw: { account: 'sectigo', operation: 'sectigo.revokeSSL', serialNumber: `XYZ${i}` },
    }));
    const summary = await rig.revoker.producer.submit([...bad, ...rowsOf(2, 900_000)], { skipInvalid: true });
    expect(summary).toMatchObject({ invalid: 4500, valid: 2, enqueued: 2 });
    expect(summary.errors).toHaveLength(1000);
    const report = await reportOf(rig.revoker, summary.batchId);
    expect(report.filter((i) => i.outcome === 'skipped-invalid')).toHaveLength(4500);
  });

  it('--resume finishes a submit whose process was killed while enqueuing, listing no row twice', async () => {
    const sandbox = await startSandbox();
    teardown.defer(() => sandbox.close());
    const dir = await mkdtemp(join(tmpdir(), 'revoker-resume-'));
    teardown.defer(() => rm(dir, { recursive: true, force: true }));
    const prefix = `revoker-resume-${randomUUID().slice(0, 8)}`;
    const { file: configFile, config } = await writeWorkerConfig({
      dir,
      sandbox,
      redisUrl: inject('redisUrl'),
      prefix,
    });
    const revoker = await openRevoker(config);
    teardown.defer(() => revoker.close());
    teardown.defer(() => deleteKeys(revoker.redis, prefix));

    const ROWS = 60_000;
    const input = join(dir, 'rows.csv');
    await writeFile(
      input,
      `account,operation,orderNumber\n${Array.from({ length: ROWS }, (_, i) => `sectigo,sectigo.revokeSSL,${i + 1}`).join('\n')}\n`,
    );
    const child = spawn(
      process.execPath,
      ['src/cli/main.ts', 'submit', input, '--config', configFile, '--batch', 'cut'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...TEST_ENV, REDIS_URL: '' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    teardown.defer(() => child.kill('SIGKILL'));
    await eventually(
      async () => (await revoker.batches.itemCount('cut')) >= 5000,
      'the submit to record 5,000 items',
      60_000,
    );
    child.kill('SIGKILL');
    await exited;
    const meta = await revoker.batches.meta('cut');
    expect(meta?.state, 'the submit finished before the kill: nothing was tested').toBe('enqueuing');
    const recordedAtKill = await revoker.batches.itemCount('cut');
    expect(recordedAtKill).toBeLessThan(ROWS);

    // batch status says what happened and how to finish.
    const env = { ...TEST_ENV };
    const status = await runCli(['batch', 'status', 'cut', '--config', configFile], env);
    expect(status.code).toBe(0);
    expect(status.text).toMatch(
      /did not finish \(enqueuing.*\n.*revoker submit .*rows\.csv --batch cut --resume/,
    );

    // The killed submit's lease runs out (it cannot release it), then a plain resubmit is refused
    // and points at --resume.
    await eventually(
      async () => (await revoker.redis.exists(revoker.keys.batchLease('cut'))) === 0,
      'the killed submit’s lease to run out',
      20_000,
    );
    const plain = await runCli(['submit', input, '--config', configFile, '--batch', 'cut'], env);
    expect(plain.code).toBe(2);
    expect(plain.text).toMatch(/--resume/);

    expect(
      (await runCli(['submit', input, '--config', configFile, '--batch', 'cut', '--resume'], env)).code,
    ).toBe(0);
    expect((await revoker.batches.meta('cut'))?.state).toBe('submitted');
    const ids = await batchItemIds(revoker, 'cut');
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
    expect(await waitingJobs(revoker)).toBe(ROWS);
  }, 120_000);
});
