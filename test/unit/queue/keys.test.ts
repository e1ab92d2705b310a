/**
 * The key layout (keys.ts) against Redis Cluster's slot rule (key-slot.ts): the keys each script
 * and transaction names together share one slot, and accounts and batches spread over slots.
 * test/integration/slot-audit.test.ts checks the commands actually sent; this checks the layout
 * itself for many names, and key-slot.ts against the slots Redis documents.
 */
import { describe, expect, it } from 'vitest';
import { accountOfJobId } from '../../../src/jobs/job-id.ts';
import { hashedPart, keySlot, slotsOf } from '../../../src/queue/key-slot.ts';
import { keySpace } from '../../../src/queue/keys.ts';

const keys = keySpace('revoker');
const accounts = Array.from({ length: 200 }, (_, i) => `acct-${i}`);
const batches = Array.from({ length: 200 }, (_, i) => `b-20260101T000000-${i.toString(16).padStart(8, '0')}`);
/** BullMQ's key of a job's lock in a queue (its scripts name `prefix:name:id:lock`). */
const lockKey = (account: string, jobId: string) => {
  const q = keys.accountQueue(account);
  return `${q.prefix}:${q.name}:${jobId}:lock`;
};
const queueKeys = (q: { name: string; prefix: string }) =>
  ['wait', 'active', 'meta', 'limiter', 'events', 'id'].map((k) => `${q.prefix}:${q.name}:${k}`);

describe('keySlot', () => {
  it('agrees with the slots the Redis Cluster specification gives', () => {
    // CRC16-XMODEM check value: "123456789" → 0x31C3.
    expect(keySlot('123456789')).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}')); // the whole key: `{}` is no tag
    expect(hashedPart('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashedPart('foo{{bar}}zap')).toBe('{bar');
    expect(hashedPart('foo{bar}{zap}')).toBe('bar');
  });
});

describe('the key layout', () => {
  it('keeps every key a job run touches in its account slot: queue, lock, records, intents', () => {
    for (const account of accounts) {
      const jobId = `${account}~sectigo.revokeSSL~orderNumber~1234567`;
      expect(accountOfJobId(jobId)).toBe(account);
      const touched = [
        keys.results(account),
        keys.intents(account),
        lockKey(account, jobId),
        ...queueKeys(keys.accountQueue(account)),
      ];
      expect(slotsOf(touched).size, account).toBe(1);
    }
  });

  it('keeps a batch in its own slot, and the fleet-wide keys read together in one', () => {
    for (const batchId of batches) {
      const own = ['batchMeta', 'batchItems', 'batchInvalid', 'batchStaging', 'batchLease'] as const;
      expect(slotsOf(own.map((k) => keys[k](batchId))).size, batchId).toBe(1);
    }
    const fleet = [
      keys.halts,
      keys.rateLimits,
      keys.rateWaits,
      keys.rateLimitedSince,
      keys.resumes,
      keys.lastSuccess,
      keys.batches,
      keys.batchesOpen,
    ];
    expect(slotsOf(fleet).size).toBe(1);
    expect(
      slotsOf([keys.scheduleRuns, keys.scheduleLog('nightly'), ...queueKeys(keys.schedulesQueue)]).size,
    ).toBe(1);
  });

  it('spreads accounts and batches over the slots instead of putting them on one', () => {
    // 200 names over 16384 slots: nearly all distinct (one slot for all was the old layout).
    expect(slotsOf(accounts.map((a) => keys.results(a))).size).toBeGreaterThan(190);
    expect(slotsOf(batches.map((b) => keys.batchMeta(b))).size).toBeGreaterThan(190);
    // And on three masters (the slots split in thirds, as redis-cli --cluster create does), each
    // master gets a share of the accounts.
    const perMaster = [0, 0, 0];
    for (const a of accounts) perMaster[Math.floor(keySlot(keys.results(a)) / 5462)]!++;
    for (const n of perMaster) expect(n).toBeGreaterThan(40);
  });

  it("starts every key with the namespace, and tags only with revoker's own tags", () => {
    const all = [
      keys.results('a'),
      keys.batchMeta('b'),
      keys.halts,
      keys.idempotency('f00'),
      keys.replayClaim('a~x'),
      keys.accountQueue('a').prefix,
      keys.deadLetterQueue.prefix,
      keys.webhooksQueue.prefix,
      keys.schedulesQueue.prefix,
    ];
    for (const key of all) expect(key.startsWith('revoker:')).toBe(true);
    expect(hashedPart(keys.results('acme'))).toBe('a:acme');
    expect(hashedPart(keys.batchMeta('b-1'))).toBe('b:b-1');
    // Single keys no script shares: no tag, so they spread by their whole name.
    expect(hashedPart(keys.idempotency('f00'))).toBe(keys.idempotency('f00'));
  });
});
