/**
 * `npm run bench` (`node bench/run.ts [a] [b] [c] [d] [e] [f]`): runs the scenarios (all when none is
 * named) against the vendor sandbox and one Redis, and prints ONE JSON object on standard output.
 * Progress goes to standard error. Targets are reported as met: true/false; the process does not
 * fail on them (shared machines are noisy). See bench/README.md for what each figure means.
 */
import { loadavg } from 'node:os';
import type { BenchContext } from './context.ts';
import { progress } from './log.ts';
import { machineInfo } from './machine.ts';
import { connectRedis, findBenchRedis, redactUrl, redisVersion } from './redis.ts';
import { scenarioApi } from './scenario-api.ts';
import { scenarioMemory } from './scenario-memory.ts';
import { scenarioRate } from './scenario-rate.ts';
import { scenarioSubmit } from './scenario-submit.ts';
import { scenarioWorker } from './scenario-worker.ts';
import { scenarioWorkers } from './scenario-workers.ts';

// BENCH_SCALE (default 1) shrinks the job counts of a, b, d, e and f for a quick look; figures from a
// scaled run are not comparable with the targets' premises. (c) always runs its 30-odd seconds.
const scale = Number(process.env.BENCH_SCALE ?? '1');
const scaled = (n: number) => Math.max(1000, Math.round(n * (scale > 0 ? scale : 1)));

const SCENARIOS = {
  a: { key: 'submit', run: (ctx: BenchContext) => scenarioSubmit(ctx, scaled(200_000)) },
  b: { key: 'worker', run: (ctx: BenchContext) => scenarioWorker(ctx, scaled(20_000), 100) },
  c: { key: 'rateLimit', run: (ctx: BenchContext) => scenarioRate(ctx, 1_700) },
  d: { key: 'memory', run: (ctx: BenchContext) => scenarioMemory(ctx, scaled(1_000_000), 100) },
  e: { key: 'api', run: (ctx: BenchContext) => scenarioApi(ctx, scaled(50_000), 50) },
  f: { key: 'workers', run: (ctx: BenchContext) => scenarioWorkers(ctx, scaled(5_000), scaled(2_500), 50) },
} as const;
type ScenarioId = keyof typeof SCENARIOS;

function selected(argv: readonly string[]): ScenarioId[] {
  const ids = argv.map((a) => a.toLowerCase());
  const unknown = ids.filter((id) => !(id in SCENARIOS));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown scenario ${unknown.join(', ')} (choose from a b c d e f)\n`);
    process.exit(2);
  }
  return ids.length === 0 ? (Object.keys(SCENARIOS) as ScenarioId[]) : [...new Set(ids as ScenarioId[])];
}

const ids = selected(process.argv.slice(2));
const started = performance.now();
const machine = await machineInfo();
const found = await findBenchRedis(process.env);
const redis = connectRedis(found.url);
const ctx: BenchContext = { redisUrl: found.url, redis };
progress(`redis ${redactUrl(found.url)} (${found.origin}); scenarios ${ids.join(' ')}`);

const scenarios: Record<string, unknown> = {};
const errors: Record<string, string> = {};
try {
  for (const id of ids) {
    const { key, run } = SCENARIOS[id];
    try {
      scenarios[key] = await run(ctx);
    } catch (error) {
      // One broken scenario must not cost the others' figures.
      errors[key] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress(`${key} failed: ${errors[key]}`);
    }
  }
  const output = {
    bench: 'revoker',
    startedAt: new Date(performance.timeOrigin).toISOString(),
    durationMs: Math.round(performance.now() - started),
    machine: { ...machine, loadAverage1mAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    redis: { url: redactUrl(found.url), origin: found.origin, version: await redisVersion(redis) },
    scenarios,
    targetsMet: targetsMet(scenarios),
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
} finally {
  await redis.quit();
  await found.stop();
}

/** Each scenario with a target: met or not. */
function targetsMet(results: Record<string, unknown>): Record<string, boolean> {
  const met: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(results)) {
    const m = (value as { met?: boolean | { all: boolean } }).met;
    if (typeof m === 'boolean') met[key] = m;
    else if (m && typeof m === 'object') met[key] = m.all;
  }
  return met;
}
