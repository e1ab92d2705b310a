/**
 * revoker through Redis Sentinel: a master with a password and one Sentinel started here
 * (test/support/redis-sentinel.ts). The config names the Sentinel and the master group, and the
 * password as a secret reference; the pipeline revokes Sectigo and DigiCert end to end on the
 * master the Sentinel names, and the password reaches no key or value.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  digicertOrder,
  dumpRedis,
  eventually,
  type Rig,
  revokeOrderRow,
  revokeSslRow,
  sectigoOrder,
  startRig,
} from '../support/pipeline.ts';
import { type RedisSentinel, startRedisSentinel } from '../support/redis-sentinel.ts';

const password = `pw-${randomBytes(12).toString('hex')}`;
let sentinel: RedisSentinel;
let rig: Rig | undefined;
beforeAll(async () => {
  sentinel = await startRedisSentinel({ password });
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
afterAll(async () => {
  await sentinel?.stop();
});

describe('through Redis Sentinel', () => {
  it('revokes a Sectigo order and a DigiCert order end to end on the master the Sentinel names', async () => {
    rig = await startRig({
      redis: {
        sentinel: {
          sentinels: [sentinel.sentinel],
          name: sentinel.name,
          password: { env: 'TEST_REDIS_PASSWORD' },
        },
      },
      env: { TEST_REDIS_PASSWORD: password },
      sandbox: { seedData: { orders: [sectigoOrder('5101'), digicertOrder('7101')] } },
      digicert: { autoApprove: true },
    });
    expect(rig.redisTarget).toMatchObject({ kind: 'sentinel', name: sentinel.name });
    await rig.startWorker();
    const summary = await rig.revoker.producer.submit(
      rig.rows([revokeSslRow('5101'), revokeOrderRow('7101')]),
    );
    await eventually(
      async () => (await rig!.revoker.batches.counts(summary.batchId)).revoked === 2,
      'two revoked',
    );
    expect(rig.sandbox.state.find('digicert', '7101')?.state).toBe('revoked');
    // The jobs ran on the master itself (the Sentinel holds no data).
    const dump = await dumpRedis(rig.revoker.redis, `${rig.prefix}:*`);
    expect(dump.some((e) => e.key === rig!.revoker.keys.results('sectigo'))).toBe(true);
    for (const entry of dump) expect(`${entry.key}\n${entry.text}`).not.toContain(password);
  });

  it('fails at start-up naming the field when the password reference is unset', async () => {
    await expect(
      startRig({
        redis: {
          sentinel: { sentinels: [sentinel.sentinel], name: sentinel.name, password: { env: 'UNSET' } },
        },
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_ERR_SECRET',
      message: expect.stringContaining('redis.sentinel.password'),
    });
  });
});
