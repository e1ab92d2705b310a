/**
 * The dead-letter queue as a person uses it: list the entries (with their reasons and attempts),
 * fix the cause at the vendor, replay them (they leave the queue, run again with fresh attempts
 * and end revoked in the batch report), and purge what is left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeSslRow,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const FLAKY = ['6401', '6402', '6403'];
const GONE = ['6404', '6405'];

describe('pipeline: dead-letter list, replay and purge', () => {
  it('replays entries whose cause was fixed (they end revoked) and purges the rest', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: {
          orders: [
            // More -14s than the two attempts allow.
            ...FLAKY.map((n) =>
              sectigoOrder(n, { faults: ['unknownError', 'unknownError', 'unknownError'] }),
            ),
            ...GONE.map((n) => sectigoOrder(n, { state: 'revoked' })),
            sectigoOrder('6406'),
            // Submitted after the purge.
            sectigoOrder('6407', { state: 'revoked' }),
          ],
        },
      },
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([...FLAKY, ...GONE, '6406'].map((n) => revokeSslRow(n))),
    );
    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 6, revoked: 1, 'dead-lettered': 5 });

    const jobIdOf = new Map((await reportOf(rig.revoker, summary.batchId)).map((i) => [i.target, i.jobId]));
    const idOf = (n: string) => jobIdOf.get(`orderNumber=${n}`)!;

    // The list: every entry, with the reason and the attempts that led there.
    const entries = await rig.revoker.deadLetter.list();
    expect(entries.map((e) => e.jobId).sort()).toEqual([...FLAKY, ...GONE].map(idOf).sort());
    expect(await rig.revoker.deadLetter.count()).toBe(5);
    expect(await rig.revoker.deadLetter.list({ account: 'digicert' })).toEqual([]);
    for (const n of FLAKY) {
      const entry = entries.find((e) => e.jobId === idOf(n))!;
      expect(entry.reason).toMatch(/^gave up after 2 attempts: -14/);
      expect(entry.attempts.map((a) => a.code)).toEqual(['-14', '-14']);
      expect(entry.data.params).toMatchObject({ orderNumber: n });
    }
    for (const n of GONE) {
      expect(entries.find((e) => e.jobId === idOf(n))).toMatchObject({ final: { code: '-21' } });
    }

    // The fix at the vendor: the order no longer fails.
    for (const n of FLAKY) {
      const order = rig.sandbox.state.find('sectigo', n)!;
      expect(order.faults).toEqual(['unknownError']);
      order.faults.length = 0;
    }

    const replay = await rig.revoker.deadLetter.replay([
      ...FLAKY.map(idOf),
      'sectigo~sectigo.revokeSSL~orderNumber~999',
    ]);
    expect(replay.replayed.sort()).toEqual(FLAKY.map(idOf).sort());
    expect(replay.failed).toEqual([
      { jobId: 'sectigo~sectigo.revokeSSL~orderNumber~999', reason: 'no such dead-letter entry' },
    ]);
    // The replayed entries left the queue at once; the others stay.
    expect((await rig.revoker.deadLetter.list()).map((e) => e.jobId).sort()).toEqual(GONE.map(idOf).sort());

    const after = await waitForFinal(rig.revoker, summary.batchId);
    expect(after).toMatchObject({ total: 6, revoked: 4, 'dead-lettered': 2 });
    const report = new Map((await reportOf(rig.revoker, summary.batchId)).map((i) => [i.target, i]));
    for (const n of FLAKY) {
      // The record keeps the history: two failed attempts before the replay, then its success.
      expect(report.get(`orderNumber=${n}`)).toMatchObject({ outcome: 'revoked', code: '0', attempts: 3 });
      expect(rig.sandbox.stats().orders[`sectigo:${n}`]).toMatchObject({
        state: 'revoked',
        successfulRevokes: 1,
        calls: 3,
      });
    }
    expect(await rig.revoker.deadLetter.count()).toBe(2);

    // Purge empties the queue; the items keep their recorded outcome in reports (marked purged,
    // so a later submit runs them afresh: see pipeline-redo.test.ts).
    expect(await rig.revoker.deadLetter.purge()).toBe(2);
    expect(await rig.revoker.deadLetter.count()).toBe(0);
    expect(await rig.revoker.deadLetter.list()).toEqual([]);
    expect(await rig.revoker.deadLetter.get(idOf('6404'))).toBeUndefined();
    const replayPurged = await rig.revoker.deadLetter.replay([idOf('6404')]);
    expect(replayPurged).toEqual({
      replayed: [],
      failed: [{ jobId: idOf('6404'), reason: 'no such dead-letter entry' }],
      skipped: [],
    });
    for (const n of GONE) {
      expect(report.get(`orderNumber=${n}`)).toMatchObject({ outcome: 'dead-lettered', code: '-21' });
    }
    expect(await rig.revoker.batches.counts(summary.batchId)).toMatchObject({
      revoked: 4,
      'dead-lettered': 2,
    });

    // The queue still works after a purge: a new permanent failure is listed again.
    const later = await rig.revoker.producer.submit(rig.rows([revokeSslRow('6407')]));
    await waitForFinal(rig.revoker, later.batchId);
    const [laterItem] = await reportOf(rig.revoker, later.batchId);
    expect(laterItem).toMatchObject({ outcome: 'dead-lettered', code: '-21' });
    expect((await rig.revoker.deadLetter.list()).map((e) => e.jobId)).toEqual([laterItem!.jobId]);
    expect(await rig.revoker.deadLetter.count()).toBe(1);
  });

  // The ambiguity rule across a replay: the entry's attempts say one of them may have revoked the
  // certificate, so "already revoked" on the replay is that attempt's success, not a failure.
  it('a replayed entry whose earlier attempt may have taken effect ends revoked (confirmed) on -21', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        // Attempt 1: the vendor revokes, the connection resets. Attempt 2: -14. Attempts used up.
        seedData: { orders: [sectigoOrder('6420', { faults: ['resetAfterEffect', 'unknownError'] })] },
      },
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(rig.rows([revokeSslRow('6420')]));
    await waitForFinal(rig.revoker, summary.batchId);
    const [first] = await reportOf(rig.revoker, summary.batchId);
    expect(first).toMatchObject({ outcome: 'dead-lettered', code: '-14' });
    const entry = (await rig.revoker.deadLetter.get(first!.jobId))!;
    expect(entry.attempts.map((a) => [a.code, a.mayHaveTakenEffect])).toEqual([
      ['CA_ERR_RESET', true],
      ['-14', true],
    ]);
    expect(rig.sandbox.state.find('sectigo', '6420')).toMatchObject({
      state: 'revoked',
      successfulRevokes: 1,
    });

    const replay = await rig.revoker.deadLetter.replay([first!.jobId]);
    expect(replay.replayed).toEqual([first!.jobId]);
    await waitForFinal(rig.revoker, summary.batchId);
    const [after] = await reportOf(rig.revoker, summary.batchId);
    expect(rig.sandbox.stats().orders['sectigo:6420']!.codes['-21']).toBe(1);
    expect(after, `after the replay: ${after!.outcome} ${after!.code} ${after!.message}`).toMatchObject({
      outcome: 'revoked',
      confirmed: true,
    });
    expect(await rig.revoker.deadLetter.count()).toBe(0);
  });
});
