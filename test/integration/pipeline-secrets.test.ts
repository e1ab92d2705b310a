/**
 * Secrets never reach Redis, the logs or the report. A batch runs through a halt (a wrong Sectigo
 * password), the fix, dead-letters (Sectigo -21, a DigiCert order that does not exist), a fault
 * with an unreadable body and DigiCert approvals; then every key under the rig's prefix (and
 * BullMQ's default prefix) is read whole, whatever its type, together with the captured log and
 * both report formats, and none of them holds the Sectigo passwords (the wrong one and the
 * right one) or the DigiCert API key. The log must hold the per-call lines, so the test cannot
 * pass on an empty log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/queue/report-format.ts';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import {
  captureLog,
  digicertOrder,
  dumpRedis,
  eventually,
  type RedisDumpEntry,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  revokeOrderRow,
  revokeSslRow,
  sectigoOrder,
  startRig,
  TEST_ENV,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const WRONG_PASSWORD = 'wrong-Pa55word-of-the-secrets-test';
const SECRETS = [WRONG_PASSWORD, DEMO_SECTIGO_ACCOUNT.loginPassword, DEMO_DIGICERT_ACCOUNT.apiKey];

function expectNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) {
    expect(text.includes(secret), `${where} holds the secret "${secret}"`).toBe(false);
  }
}

function expectCleanDump(entries: readonly RedisDumpEntry[]): void {
  for (const entry of entries) {
    expectNoSecret(`Redis key ${entry.key} (${entry.type})`, `${entry.key}\n${entry.text}`);
  }
}

describe('pipeline: secrets', () => {
  it('no credential in any Redis key, log line or report, through a halt and dead-letters', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            sectigoOrder('6900'),
            sectigoOrder('6901'),
            sectigoOrder('6902', { faults: ['garbage'] }),
            sectigoOrder('6903', { state: 'revoked' }),
            digicertOrder('7900'),
            digicertOrder('7901', { faults: ['serverError'] }),
          ],
        },
      },
      env: { TEST_SECTIGO_PASSWORD: WRONG_PASSWORD },
      digicert: { autoApprove: true },
    });
    // The rig's credentials are the ones this test looks for.
    expect(rig.env.TEST_DIGICERT_KEY).toBe(DEMO_DIGICERT_ACCOUNT.apiKey);
    const log = captureLog();
    const badWorker = await rig.startWorker({ logger: log.logger });
    const summary = await rig.revoker.producer.submit(
      rig.rows([
        revokeSslRow('6900'),
        revokeSslRow('6901'),
        revokeSslRow('6902'),
        revokeSslRow('6903'),
        revokeOrderRow('7900'),
        revokeOrderRow('7901'),
        // No such order at DigiCert: 404, dead-lettered.
        revokeOrderRow('7999'),
      ]),
    );

    // Halted, with the halt record in Redis: look at Redis now, while it holds the most.
    await eventually(
      async () =>
        (await rig!.revoker.accountStatus()).find((s) => s.account === 'sectigo')?.state === 'halted',
      'the sectigo account halted',
      10_000,
    );
    await eventually(
      async () => (await rig!.revoker.batches.counts(summary.batchId))['dead-lettered'] === 1,
      'the unknown DigiCert order dead-lettered',
      10_000,
    );
    const whileHalted = await dumpRedis(rig.revoker.redis, `${rig.prefix}*`);
    expect(whileHalted.some((e) => e.key === rig!.revoker.keys.halts && e.text.includes('-16'))).toBe(true);
    expectCleanDump(whileHalted);

    // The fix and the rest of the batch.
    await badWorker.close();
    await rig.startWorker({ logger: log.logger, env: { ...TEST_ENV } });
    await rig.revoker.account('sectigo').resume();
    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 7, revoked: 5, 'dead-lettered': 2 });

    // Every key of ours, every type, read whole; and BullMQ's default prefix holds nothing of ours.
    const dump = await dumpRedis(rig.revoker.redis, `${rig.prefix}*`);
    const types = new Set(dump.map((e) => e.type));
    // The dump reached the kinds of keys that hold data: job hashes, the results hash, lists, events.
    expect([...types].sort()).toEqual(expect.arrayContaining(['hash', 'list', 'stream', 'zset']));
    expect(dump.find((e) => e.key === rig!.revoker.keys.results('sectigo'))?.text).toContain('-21');
    expect(dump.some((e) => e.key.includes(':dead-letter:') && e.text.includes('not_found'))).toBe(true);
    expect(dump.some((e) => e.text.includes('CA_ERR_RESPONSE'))).toBe(true);
    expectCleanDump(dump);
    expectCleanDump(await dumpRedis(rig.revoker.redis, 'bull:*'));

    // The log: per-call lines exist (account, operation, code), for the halt, the fix and DigiCert.
    const lines = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = lines.filter((l) => l.msg === 'vendor call');
    expect(
      calls.some((l) => l.account === 'sectigo' && l.operation === 'sectigo.revokeSSL' && l.code === '-16'),
    ).toBe(true);
    expect(calls.some((l) => l.account === 'sectigo' && l.code === '0')).toBe(true);
    expect(calls.some((l) => l.account === 'sectigo' && l.code === '-21')).toBe(true);
    expect(
      calls.some(
        (l) => l.account === 'digicert' && l.operation === 'digicert.revokeOrder' && l.code === '201',
      ),
    ).toBe(true);
    expect(calls.some((l) => l.account === 'digicert' && l.code === 'not_found|order')).toBe(true);
    expect(lines.some((l) => typeof l.msg === 'string' && l.msg.includes('account sectigo halted'))).toBe(
      true,
    );
    expect(lines.filter((l) => l.msg === 'dead-lettered')).toHaveLength(2);
    expectNoSecret('the log', log.text());

    // The report, in both formats.
    const json: string[] = [];
    const csvChunks: string[] = [];
    await writeReport(rig.revoker.batches, summary.batchId, 'json', { write: (c) => void json.push(c) });
    await writeReport(rig.revoker.batches, summary.batchId, 'csv', { write: (c) => void csvChunks.push(c) });
    const jsonText = json.join('');
    const csv = csvChunks.join('');
    expect(jsonText).toContain('"revoked"');
    expect(csv.split('\n').filter((l) => l !== '')).toHaveLength(8);
    expectNoSecret('the JSON report', jsonText);
    expectNoSecret('the CSV report', csv);
    expectNoSecret('the dead-letter list', JSON.stringify(await rig.revoker.deadLetter.list()));
  });
});
