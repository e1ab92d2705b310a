import { beforeAll, describe, expect, it } from 'vitest';
import { type ValidationContext, type ValidItem, validateInputRow } from '../../../src/jobs/input-row.ts';
import {
  createParamSetCache,
  createParamSetEncoder,
  expandJobData,
  isCompactJobData,
} from '../../../src/queue/compact-job-data.ts';
import { operations } from '../../../src/vendors/registry.ts';
import { type CsrFixtures, makeCsrFixtures } from '../sectigo/csr-fixtures.ts';

let fixtures: CsrFixtures;
beforeAll(async () => {
  fixtures = await makeCsrFixtures();
});

const context: ValidationContext = {
  accounts: { acme: { vendor: 'sectigo' }, dc: { vendor: 'digicert' } },
  operations,
};

function valid(raw: Record<string, unknown>, rehearsal = false): ValidItem {
  const result = validateInputRow({ rowNumber: 7, raw }, { ...context, rehearsal });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.item;
}

/** One row of every operation, the target written in awkward but valid ways. */
const rows = (): Record<string, unknown>[] => [
  { account: 'acme', operation: 'sectigo.revokeSSL', orderNumber: '0012345', revocationReason: 'key leak' },
  {
    account: 'acme',
    operation: 'sectigo.revokeSSL',
    orderNumber: '12345',
    revocationReason: 'key leak',
    codeReason: '1',
  },
  {
    account: 'acme',
    operation: 'sectigo.revokeCertificate',
    orderNumber: '5',
    serialNumber: '00:ab:CD:01',
    codeReason: '1',
  },
  {
    account: 'acme',
    operation: 'sectigo.revokeCertificate',
    orderNumber: '6',
    revocationReason: 'r',
    serialNumber: 'AB12',
    codeReason: '4',
    includeInCRL: 'N',
  },
  {
    account: 'acme',
    operation: 'sectigo.revokePAC',
    orderNumber: '991',
    revocationReason: 'r',
    codeReason: '1',
  },
  { account: 'acme', operation: 'sectigo.replaceSMIME', orderNumber: '4711', csr: fixtures.csrBase64 },
  { account: 'dc', operation: 'digicert.revokeOrder', order_id: '42', comments: 'leaked key' },
  { account: 'dc', operation: 'digicert.revokeCertificate', certificate_id: '77', comments: 'leaked key' },
];

/** The batch's parameter hash, as Redis would hold it. */
function store() {
  const sets = new Map<string, string>();
  return {
    save: (fresh: Map<string, string>) => {
      for (const [id, json] of fresh) sets.set(id, json);
    },
    read: createParamSetCache(async (_batch, id) => sets.get(id) ?? null),
    sets,
  };
}

describe('compact job data: a batch job in under 64 bytes, expanded to exactly what was validated', () => {
  it("gives back every operation's item exactly: params (with the target as validated), batch, row, rehearsal", async () => {
    for (const rehearsal of [false, true]) {
      for (const raw of rows()) {
        const item = valid(raw, rehearsal && String(raw.operation).startsWith('sectigo.'));
        const encoder = createParamSetEncoder();
        const compact = encoder.encode(item, 'b-20261207T120000-abcdef01');
        expect(compact, JSON.stringify(raw)).toBeDefined();
        const redis = store();
        redis.save(encoder.takeNewSets());
        const expanded = await expandJobData(item.jobId, item.operation, compact, redis.read);
        expect(expanded).toEqual({
          ok: true,
          expanded: true,
          data: {
            account: item.account,
            operation: item.operation,
            params: item.params,
            batchId: 'b-20261207T120000-abcdef01',
            row: 7,
            rehearsal: item.rehearsal,
          },
        });
      }
    }
  });

  it('fits the small hash encoding (64 bytes) for a typical batch job', () => {
    const item = valid(rows()[0] as Record<string, unknown>);
    const compact = createParamSetEncoder().encode(item, 'b-20261207T120000-abcdef01');
    expect(JSON.stringify(compact).length).toBeLessThanOrEqual(64);
    expect(JSON.stringify({ jobId: item.jobId }).length).toBeLessThanOrEqual(64);
  });

  it('carries the target value when the job id holds another spelling (leading zeros, a number)', () => {
    const zeros = createParamSetEncoder().encode(valid(rows()[0] as Record<string, unknown>), 'b');
    const digicert = createParamSetEncoder().encode(valid(rows()[6] as Record<string, unknown>), 'b');
    const plain = createParamSetEncoder().encode(valid(rows()[1] as Record<string, unknown>), 'b');
    expect(plain && 'v' in plain).toBe(false);
    // Whatever the schema made of it, the value is carried as validated.
    expect(zeros?.v ?? valid(rows()[0] as Record<string, unknown>).params.orderNumber).toBe(
      valid(rows()[0] as Record<string, unknown>).params.orderNumber,
    );
    expect(digicert && 'v' in digicert ? digicert.v : 'absent').toBe(
      valid(rows()[6] as Record<string, unknown>).params.order_id,
    );
  });

  it('names one set once for rows that share their other parameters, and a new set for a new reason', () => {
    const encoder = createParamSetEncoder();
    const a = encoder.encode(valid({ ...rows()[1], orderNumber: '1' }), 'b');
    const b = encoder.encode(valid({ ...rows()[1], orderNumber: '2' }), 'b');
    expect(a?.p).toBe(b?.p);
    expect(encoder.takeNewSets().size).toBe(1);
    const c = encoder.encode(valid({ ...rows()[1], orderNumber: '3', codeReason: '4' }), 'b');
    expect(c?.p).not.toBe(a?.p);
    expect([...encoder.takeNewSets().keys()]).toEqual([c?.p]);
    // A resumed submit names the same sets the same way.
    expect(createParamSetEncoder().encode(valid({ ...rows()[1], orderNumber: '1' }), 'b')?.p).toBe(a?.p);
  });

  it('keeps the full form beyond the set limit (a comment per row)', () => {
    const encoder = createParamSetEncoder(2);
    const forms = ['a', 'b', 'c'].map((reason, i) =>
      encoder.encode(valid({ ...rows()[0], orderNumber: String(i + 1), revocationReason: reason }), 'b'),
    );
    expect(forms.map((f) => f !== undefined)).toEqual([true, true, false]);
  });

  it('refuses to guess: a missing set or an id that names no target is an error, never a job with made-up params', async () => {
    const item = valid(rows()[1] as Record<string, unknown>);
    const compact = createParamSetEncoder().encode(item, 'b');
    const empty = store();
    expect(await expandJobData(item.jobId, item.operation, compact, empty.read)).toEqual({
      ok: false,
      error: `parameter set ${compact?.p} of batch b is missing`,
    });
    const full = store();
    const encoder = createParamSetEncoder();
    encoder.encode(item, 'b');
    full.save(encoder.takeNewSets());
    const wrongId = await expandJobData('not-an-id', item.operation, compact, full.read);
    expect(wrongId.ok).toBe(false);
    const wrongOperation = await expandJobData(item.jobId, 'sectigo.revokePAC', compact, full.read);
    expect(wrongOperation.ok).toBe(false);
  });

  it('passes full job data through untouched (older jobs, single items, replays)', async () => {
    const data = {
      account: 'acme',
      operation: 'sectigo.revokeSSL',
      params: { orderNumber: '1' },
      batchId: 'b',
      row: 1,
    };
    expect(isCompactJobData(data)).toBe(false);
    expect(await expandJobData('x', 'sectigo.revokeSSL', data, store().read)).toEqual({
      ok: true,
      data,
      expanded: false,
    });
  });

  it('reads a set once however many jobs ask together, and again after a miss', async () => {
    let reads = 0;
    let value: string | null = null;
    const read = createParamSetCache(async () => {
      reads++;
      return value;
    });
    expect(await read('b', 'p')).toBeUndefined();
    value = '{"codeReason":1}';
    const all = await Promise.all([read('b', 'p'), read('b', 'p'), read('b', 'p')]);
    expect(all).toEqual([{ codeReason: 1 }, { codeReason: 1 }, { codeReason: 1 }]);
    expect(reads).toBe(2);
  });
});
