/**
 * Faults that are the account's, not the job's, halt the account (keeping every job) and say
 * why: a vendor certificate we do not trust (no caFile for the sandbox's private CA), and a
 * base URL where the API is not (Sectigo: a 404 on the path; DigiCert: a plain not_found route).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseItemRecord } from '../../src/queue/item-record.ts';
import { eventually, type Rig, revokeOrderRow, revokeSslRow, startRig } from '../support/pipeline.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function haltOf(r: Rig, account: string) {
  let halt: Awaited<ReturnType<ReturnType<Rig['revoker']['account']>['haltRecord']>>;
  await eventually(async () => {
    halt = await r.revoker.account(account).haltRecord();
    return halt !== undefined;
  }, `account ${account} to halt`);
  return halt;
}

describe('pipeline: faults of the account halt it', () => {
  it('an untrusted vendor certificate halts the account with the TLS cause, every job kept', async () => {
    rig = await startRig({ sectigo: { caFile: undefined } });
    await rig.startWorker({ accounts: ['sectigo'] });
    await rig.revoker.producer.submit(rig.rows([revokeSslRow('8200'), revokeSslRow('8201')]));
    const halt = await haltOf(rig, 'sectigo');
    expect(halt).toMatchObject({ code: 'CA_ERR_TLS' });
    expect(halt?.reason).toMatch(
      /TLS verification of the vendor failed \(.*(self[- ]signed|CERT|certificate).*\): check the account's baseUrl and caFile/i,
    );
    const [status] = (await rig.revoker.accountStatus()).filter((s) => s.account === 'sectigo');
    expect(status).toMatchObject({ state: 'halted' });
    expect((status?.counts.waiting ?? 0) + (status?.counts.active ?? 0)).toBe(2);
    expect(rig.sandbox.stats().totalRequests).toBe(0);
  });

  it('a Sectigo base URL where the Partner API is not (HTTP 404) halts instead of retrying every job', async () => {
    rig = await startRig();
    const base = rig.sandbox.sectigoBaseUrl.replace(/\/?$/, '/wrong-prefix/');
    const config = {
      ...rig.config,
      accounts: { ...rig.config.accounts, sectigo: { ...rig.config.accounts.sectigo!, baseUrl: base } },
    };
    await rig.startWorker({ config, accounts: ['sectigo'] });
    await rig.revoker.producer.submit(rig.rows([revokeSslRow('8210')]));
    const halt = await haltOf(rig, 'sectigo');
    expect(halt?.reason).toMatch(
      /HTTP 404 Not Found: the Partner API is not at this address; check the account's baseUrl/,
    );
  });

  it('a DigiCert base URL that answers a plain not_found halts instead of dead-lettering every job', async () => {
    rig = await startRig();
    const base = rig.sandbox.digicertBaseUrl.replace(/\/?$/, '/wrong-prefix/');
    const config = {
      ...rig.config,
      accounts: { ...rig.config.accounts, digicert: { ...rig.config.accounts.digicert!, baseUrl: base } },
    };
    await rig.startWorker({ config, accounts: ['digicert'] });
    const summary = await rig.revoker.producer.submit(rig.rows([revokeOrderRow('8220')]));
    const halt = await haltOf(rig, 'digicert');
    expect(halt?.code).toMatch(/not_found|http-404/);
    expect((await rig.revoker.batches.counts(summary.batchId))['dead-lettered']).toBe(0);
  });
});

describe('pipeline: a proxy in front of the Partner API halts the account, nothing taken as "may have taken effect"', () => {
  for (const [variant, answer] of [
    ['sectigo-front-404', /HTTP 404/],
    ['sectigo-front-302', /HTTP 302/],
    ['sectigo-front-403', /HTTP 403/],
  ] as const) {
    it(`${variant}: halted naming the answer, every job kept, none dead-lettered`, async () => {
      rig = await startRig({ sandbox: { variants: [variant] } });
      await rig.startWorker({ accounts: ['sectigo'] });
      const { batchId } = await rig.revoker.producer.submit(
        rig.rows([revokeSslRow('8220'), revokeSslRow('8221'), revokeSslRow('8222')]),
      );
      const halt = await haltOf(rig, 'sectigo');
      expect(halt?.reason).toMatch(answer);
      await eventually(
        async () =>
          (await rig!.revoker.accountStatus()).find((s) => s.account === 'sectigo')?.counts.active === 0,
        'no job active',
      );
      const counts = await rig.revoker.batches.counts(batchId);
      expect(counts).toMatchObject({ total: 3, 'in-progress': 3, 'dead-lettered': 0 });
      // No attempt is on record as one that may have reached the API.
      const records = await rig.revoker.redis.hvals(rig.revoker.keys.results('sectigo'));
      expect(records).toHaveLength(3);
      for (const json of records) {
        expect(parseItemRecord(json)?.attempts.some((a) => a.mayHaveTakenEffect)).toBe(false);
      }
    });
  }
});
