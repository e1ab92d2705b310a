/**
 * A small chaos run as part of `npm test` (test/chaos/chaos.ts has the whole story; `npm run
 * chaos` is the full size): every operation, sandbox faults, three worker processes, one SIGKILL
 * of a worker and one redis-server crash and restart while the batch runs, judged from the
 * sandbox's own accounting.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../chaos/chaos.ts';

describe('chaos (small)', () => {
  it('every item one final outcome, nothing revoked or replaced twice, no false success', async () => {
    const lines: string[] = [];
    const result = await runChaos({
      items: 300,
      workers: 3,
      perSecond: 30,
      killEveryMs: 2000,
      maxKills: 1,
      redisRestartAtMs: 4000,
      timeoutMs: 150_000,
      log: (line) => lines.push(line),
    });
    expect(result.faults, 'the faults did not happen while the batch ran').toMatchObject({
      workerKills: 1,
      redisRestarts: 1,
    });
    expect(result.violations, lines.join('\n')).toEqual([]);
    expect(result.checks).toEqual({
      everyItemFinal: true,
      countsAddUp: true,
      noOrderRevokedTwice: true,
      noOrderReplacedTwice: true,
      noFalseSuccess: true,
    });
    expect(result.passed).toBe(true);
  }, 180_000);
});
