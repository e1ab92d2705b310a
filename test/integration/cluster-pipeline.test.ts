/**
 * revoker on a real Redis Cluster: three masters started here (test/support/redis-cluster.ts).
 * The pipeline revokes Sectigo and DigiCert end to end, and the commands around it (single items,
 * the dead-letter queue, halts, status, reports, pruning, cleanup) run against the cluster, which
 * refuses any script, transaction or command whose keys cross slots (CROSSSLOT). The accounts'
 * keys land on different masters: the cluster carries the work, not one slot of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/queue/key-slot.ts';
import { masterNodes } from '../../src/queue/redis-connection.ts';
import {
  digicertOrder,
  eventually,
  type Rig,
  reportOf,
  revokeOrderRow,
  revokeSslRow,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster.ts';

let cluster: RedisCluster;
let rig: Rig | undefined;
beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  await cluster?.stop();
});

/** Which master (its port) holds each key of the rig's namespace. */
async function keysByMaster(r: Rig): Promise<Map<number, string[]>> {
  const byMaster = new Map<number, string[]>();
  for (const node of masterNodes(r.revoker.redis)) {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${r.prefix}:*`, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    byMaster.set(Number(node.options.port), found);
  }
  return byMaster;
}

describe('on a 3-master Redis Cluster', () => {
  it('computes the slot of every kind of key as the cluster does (CLUSTER KEYSLOT)', async () => {
    rig = await startRig({ redis: cluster.config });
    const { keys } = rig.revoker;
    const samples = [
      keys.results('sectigo'),
      keys.intents('dc-prod'),
      `${keys.accountQueue('sectigo').prefix}:account-sectigo:wait`,
      keys.batchMeta('b-20260101T000000-0a1b2c3d'),
      keys.halts,
      keys.idempotency('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
      keys.replayClaim('sectigo~sectigo.revokeSSL~orderNumber~1'),
      'no tag at all',
      'empty {} tag',
    ];
    const node = masterNodes(rig.revoker.redis)[0]!;
    for (const key of samples) expect(Number(await node.cluster('KEYSLOT', key)), key).toBe(keySlot(key));
  });

  it('revokes a Sectigo order and a DigiCert order end to end, the accounts on different masters', async () => {
    rig = await startRig({
      redis: cluster.config,
      sandbox: { seedData: { orders: [sectigoOrder('5001'), digicertOrder('7001')] } },
      digicert: { autoApprove: true },
    });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('5001'), revokeOrderRow('7001')]),
    );
    expect(summary).toMatchObject({ rows: 2, valid: 2, enqueued: 2 });
    await eventually(
      async () => (await rig!.revoker.batches.counts(summary.batchId)).revoked === 2,
      'two revoked',
    );
    expect(rig.sandbox.state.find('sectigo', '5001')?.state).toBe('revoked');
    expect(rig.sandbox.state.find('digicert', '7001')?.state).toBe('revoked');

    const byMaster = await keysByMaster(rig);
    const holding = (part: string) =>
      [...byMaster].filter(([, keys]) => keys.some((k) => k.includes(part))).map(([port]) => port);
    // Each account's queue and records on one master; the two accounts on two different ones.
    expect(holding('{a:sectigo}')).toHaveLength(1);
    expect(holding('{a:digicert}')).toHaveLength(1);
    expect(holding('{a:sectigo}')).not.toEqual(holding('{a:digicert}'));
  });

  it('runs the commands around the pipeline on the cluster: single items, dead letters, halts, status, reports, pruning', async () => {
    rig = await startRig({
      redis: cluster.config,
      sandbox: {
        seedData: { orders: [sectigoOrder('6001'), sectigoOrder('6002'), sectigoOrder('6003')] },
      },
    });
    const { revoker } = rig;
    await rig.startWorker();
    // 6999 is no order of the account: a permanent answer, dead-lettered.
    const batch = await revoker.producer.submit(rig.rows([revokeSslRow('6001'), revokeSslRow('6999')]));
    const counts = await waitForFinal(revoker, batch.batchId);
    expect(counts).toMatchObject({ revoked: 1, 'dead-lettered': 1, total: 2 });

    // A single item joins the batch of the day (a script on the batch's slot, the record read beside it).
    const single = await revoker.producer.revoke({
      account: 'sectigo',
      operation: 'sectigo.revokeSSL',
      params: { orderNumber: '6002', revocationReason: 'key compromise' },
    });
    await eventually(
      async () => (await revoker.item(single.jobId))?.outcome === 'revoked',
      'the single item',
    );

    // The dead-letter queue: listed, replayed (dead-lettered again: still no such order), purged.
    const entries = await revoker.deadLetter.list();
    expect(entries.map((e) => e.jobId)).toEqual(['sectigo~sectigo.revokeSSL~orderNumber~6999']);
    expect((await revoker.deadLetter.replay(entries.map((e) => e.jobId))).replayed).toHaveLength(1);
    await eventually(async () => (await revoker.deadLetter.count()) === 1, 'dead-lettered again');
    expect(await revoker.deadLetter.purge()).toBe(1);

    // Halt and resume (the fleet's hashes in one slot, the queue in the account's).
    const control = revoker.account('sectigo');
    expect(await control.halt({ reason: 'test', code: 'X', jobId: single.jobId, at: Date.now() })).toBe(true);
    expect((await revoker.accountStatus()).find((s) => s.account === 'sectigo')?.state).toBe('halted');
    await control.resume();
    await control.rateLimited(Date.now());
    expect(await control.suspectFacts(single.jobId)).toMatchObject({ suspect: true });
    const status = await revoker.accountStatus();
    expect(status.map((s) => [s.account, s.state])).toEqual([
      ['sectigo', 'running'],
      ['digicert', 'running'],
    ]);
    // Account queues are found on whichever master holds them (SCAN on every master).
    expect((await revoker.accountNames()).sort()).toEqual(['digicert', 'sectigo']);
    expect((await revoker.fleetSnapshot(['sectigo'])).accounts[0]?.halted).toBe(false);

    // An idempotency key (a key of its own, any slot).
    const idem = revoker.idempotency(60);
    expect(await idem.claim('k-1', 'fp')).toEqual({ status: 'claimed' });
    await idem.complete('k-1', 'fp', { jobId: single.jobId, batchId: single.batchId });
    expect(await idem.claim('k-1', 'fp')).toMatchObject({ status: 'done' });

    // Reports read the batch's list and each account's records; pruning removes both.
    const report = await reportOf(revoker, batch.batchId);
    expect(report.map((i) => i.outcome).sort()).toEqual(['dead-lettered', 'revoked']);
    await revoker.producer.submit(rig.rows([revokeSslRow('6003')]), { batchId: 'keep-me' });
    await waitForFinal(revoker, 'keep-me');
    const pruned = await revoker.prune({ cutoff: Date.now() + 1 });
    expect(pruned.batches.sort()).toEqual([batch.batchId, single.batchId, 'keep-me'].sort());
    expect(await revoker.batches.meta(batch.batchId)).toBeUndefined();
    expect(await revoker.redis.hget(revoker.keys.results('sectigo'), single.jobId)).toBeNull();
  });
});
