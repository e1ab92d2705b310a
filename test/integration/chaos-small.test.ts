/**
 * A small chaos run as part of `npm test` (test/chaos/chaos.ts has the whole story; `npm run
 * chaos` is the full size): every operation, sandbox faults, three worker processes, one SIGKILL
 * of a worker and one redis-server crash and restart while the batch runs, judged from the
 * sandbox's own accounting. Twice: on one redis-server, and on a 3-master Redis Cluster, where
 * the crash is of the master holding the Sectigo account's queue (restarted from its AOF).
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../chaos/chaos.ts';

const CHECKS_PASSED = {
  everyItemFinal: true,
  countsAddUp: true,
  noOrderRevokedTwice: true,
  noOrderReplacedTwice: true,
  noFalseSuccess: true,
};

describe.each(['single', 'cluster'] as const)('chaos (small) on %s Redis', (redis) => {
  it('every item one final outcome, nothing revoked or replaced twice, no false success', async () => {
    const lines: string[] = [];
    const result = await runChaos({
      redis,
      items: 300,
      workers: 3,
      perSecond: 30,
      killEveryMs: 2000,
      maxKills: 1,
      redisRestartAtMs: 4000,
      // The faults strike a batch in full flow, not workers still starting.
      faultsAfterFinal: 30,
      timeoutMs: 150_000,
      log: (line) => lines.push(line),
    });
    expect(result.faults, 'the faults did not happen while the batch ran').toMatchObject({
      workerKills: 1,
      redisRestarts: 1,
    });
    expect(result.violations, lines.join('\n')).toEqual([]);
    expect(result.checks).toEqual(CHECKS_PASSED);
    expect(result.passed).toBe(true);
  }, 180_000);
});
