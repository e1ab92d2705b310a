/**
 * `npm run chaos`: the full chaos run (chaos.ts), bounded under 10 minutes. Prints one JSON
 * object on stdout (progress goes to stderr); exits 0 when every check passed, 1 otherwise.
 * CHAOS_ITEMS overrides the size.
 */
import { runChaos } from './chaos.ts';

const items = Number(process.env.CHAOS_ITEMS ?? '6000');
const result = await runChaos({
  items,
  workers: 3,
  killEveryMs: 4000,
  redisRestartAtMs: 15_000,
  redisPauseAtMs: 35_000,
  redisPauseMs: 20_000,
  timeoutMs: 9 * 60_000,
});
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exitCode = result.passed ? 0 : 1;
