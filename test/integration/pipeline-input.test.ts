/**
 * Bad input rows, through the producer against real Redis: each validation rule rejects the whole
 * submission with INPUT_ERR_INVALID naming the row and the field, and nothing at all is enqueued
 * (no job, no batch, no vendor call), even for the valid rows beside it. With skipInvalid the
 * valid rows run and the report lists the skipped ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isRevokerError, type RevokerError } from '../../src/errors.ts';
import {
  digicertOrder,
  dumpRedis,
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  revokeOrderRow,
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

interface Rule {
  name: string;
  row: Record<string, unknown>;
  field: string;
  message: RegExp;
}

const RULES: Rule[] = [
  {
    name: 'unknown account',
    row: revokeSslRow('6601', { account: 'nope' }),
    field: 'account',
    message: /unknown account "nope"/,
  },
  {
    name: 'vendor mismatch',
    row: revokeSslRow('6601', { account: 'digicert' }),
    field: 'account',
    message: /is a digicert account; sectigo\.revokeSSL needs a sectigo account/,
  },
  {
    name: 'unknown operation',
    row: revokeSslRow('6601', { operation: 'sectigo.revokeEverything' }),
    field: 'operation',
    message: /unknown operation "sectigo\.revokeEverything"/,
  },
  {
    name: 'bad serial',
    row: { account: 'sectigo', operation: 'sectigo.revokeSSL', serialNumber: 'XYZ' },
    field: 'serialNumber',
    message: /must be hexadecimal/,
  },
  {
    name: 'codeReason 2',
    row: revokeSslRow('6601', { codeReason: '2' }),
    field: 'codeReason',
    message: /codeReason must be one of .*got "2"/,
  },
  {
    name: 'missing orderNumber',
    row: { account: 'sectigo', operation: 'sectigo.revokeCertificate', codeReason: '1' },
    field: 'orderNumber',
    message: /required/,
  },
];

const VALID_ORDERS = ['6610', '6611'];

async function startInputRig(): Promise<Rig> {
  rig = await startRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: {
        orders: [...VALID_ORDERS.map((n) => sectigoOrder(n)), sectigoOrder('6601'), digicertOrder('7600')],
      },
    },
    digicert: { autoApprove: true },
  });
  return rig;
}

describe('pipeline: bad rows', () => {
  it.each(RULES)(
    '$name: submit throws INPUT_ERR_INVALID naming row and field, enqueues nothing',
    async (rule) => {
      const rig = await startInputRig();
      await rig.startWorker();
      // The bad row sits between valid ones: they must not be enqueued either.
      const rows = rig.rows([
        revokeSslRow(VALID_ORDERS[0]!),
        rule.row,
        revokeOrderRow('7600'),
        revokeSslRow(VALID_ORDERS[1]!),
      ]);
      const batchId = `bad-${rule.field}`;
      const error = await rig.revoker.producer.submit(rows, { batchId }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isRevokerError(error, 'INPUT_ERR_INVALID')).toBe(true);
      const revokerError = error as RevokerError;
      // The bad row is the second data row: line 3 of a file with a header.
      expect(revokerError.message).toContain(`row 3, ${rule.field}:`);
      expect(revokerError.message).toMatch(rule.message);
      expect(revokerError.message).toMatch(/^1 of 4 rows are invalid; nothing was enqueued/);
      expect(revokerError.details).toMatchObject({ invalid: 1, rows: 4 });
      expect(revokerError.details.errors).toEqual([
        { row: 3, field: rule.field, message: expect.stringMatching(rule.message) },
      ]);

      // Nothing enqueued: no job in any account queue, no batch, no staging left over, no call.
      for (const status of await rig.revoker.accountStatus()) {
        expect(status.counts, status.account).toEqual({
          waiting: 0,
          active: 0,
          delayed: 0,
          completed: 0,
          failed: 0,
        });
      }
      expect(await rig.revoker.batches.meta(batchId)).toBeUndefined();
      expect(await rig.revoker.batches.counts(batchId)).toMatchObject({ total: 0 });
      const keys = (await dumpRedis(rig.revoker.redis, `${rig.prefix}*`)).map((e) => e.key);
      // Only what the running workers keep for themselves (queue meta, stalled checks, the fleet rate limit) exists.
      expect(keys.filter((k) => !/:(meta|stalled-check|rate-limits|prune-lock)$/.test(k))).toEqual([]);
      await new Promise((r) => setTimeout(r, 300));
      expect(rig.sandbox.stats().totalRequests).toBe(0);

      // The same batch id is still free: the failed submission left no trace of it.
      const retry = await rig.revoker.producer.submit(
        rig.rows([revokeSslRow(VALID_ORDERS[0]!), revokeSslRow(VALID_ORDERS[1]!)]),
        { batchId },
      );
      expect(retry).toMatchObject({ batchId, valid: 2, enqueued: 2 });
    },
  );

  it('skipInvalid: the valid rows run, the report lists every skipped row with its field', async () => {
    const rig = await startInputRig();
    await rig.startWorker();
    const raw = [
      revokeSslRow(VALID_ORDERS[0]!),
      ...RULES.map((r) => r.row),
      revokeOrderRow('7600'),
      revokeSslRow(VALID_ORDERS[1]!),
    ];
    const summary = await rig.revoker.producer.submit(rig.rows(raw), { skipInvalid: true });
    expect(summary).toMatchObject({ rows: 9, valid: 3, invalid: RULES.length, enqueued: 3 });
    expect(summary.errors.map((e) => [e.row, e.field])).toEqual(RULES.map((r, i) => [i + 3, r.field]));

    const counts = await waitForFinal(rig.revoker, summary.batchId);
    expect(counts).toMatchObject({ total: 9, revoked: 3, 'skipped-invalid': RULES.length, 'in-progress': 0 });
    const report = await reportOf(rig.revoker, summary.batchId);
    const skipped = report.filter((i) => i.outcome === 'skipped-invalid');
    expect(skipped.map((i) => i.row)).toEqual(RULES.map((_, i) => i + 3));
    RULES.forEach((rule, i) => {
      expect(skipped[i]).toMatchObject({ code: 'INPUT_ERR_INVALID', jobId: '' });
      expect(skipped[i]!.message).toMatch(new RegExp(`^${rule.field}: `));
      expect(skipped[i]!.message).toMatch(rule.message);
    });
    expect(report.filter((i) => i.outcome === 'revoked').map((i) => i.row)).toEqual([2, 9, 10]);

    // Only the valid rows reached the vendor: order 6601 (named by several bad rows) was never called.
    const stats = rig.sandbox.stats();
    expect(stats.orders['sectigo:6601']).toBeUndefined();
    expect(rig.sandbox.state.find('sectigo', '6601')?.state).toBe('issued');
    for (const n of VALID_ORDERS)
      expect(stats.orders[`sectigo:${n}`]).toMatchObject({ state: 'revoked', calls: 1 });
  });
});
