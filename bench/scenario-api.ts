/**
 * (e) HTTP API throughput: `POST /v1/items` of `revoker serve` (a child process, its real config,
 * auth, zod validation, the producer's daily batch, request logging) with 50 concurrent clients,
 * beside a bare fastify route that only does `queue.add` of the same job (bare-api-server.ts), in
 * the same run. revoker serve is measured twice: at its default log level (info: one line per
 * request) and at warn, to show what request logging costs.
 *
 * The three servers run side by side, each in its own process, and are loaded in turn, in
 * several rounds (revoker, bare, revoker at warn, again…): on a shared machine the load of other
 * work drifts, and alternating spreads the drift over both sides; the medians are reported. Each
 * request names a new order, so each is new work. No worker consumes the queues; every key is
 * deleted afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { keySpace } from '../src/queue/keys.ts';
import { type ServerProcess, startBareServer, startRevokerServe } from './api-server-process.ts';
import { benchConfigInput, benchEnv } from './config.ts';
import type { BenchContext } from './context.ts';
import { type LoadResult, runLoad } from './http-load.ts';
import { progress, round } from './log.ts';
import { ACCOUNT, OPERATION, QUEUE_NAME, REASON } from './orders.ts';
import { benchPrefix, deleteKeys } from './redis.ts';

export const API_TARGET_RATIO = 0.7;
const TOKEN_ENV = 'BENCH_API_TOKEN';
const TOKEN = 'bench-api-token-0123456789abcdef0123456789';
// A server's JIT warms for several thousand requests: with 2,000, a first round ran at half the
// rate of a third, on both sides. Five rounds: the median is not one noisy round either way.
const WARM_UP = 10_000;
const ROUNDS = 5;

export interface ApiSide {
  /** The median round's figures (by requests per second). */
  requestsPerSec: number;
  latencyMs: LoadResult['latencyMs'];
  /** The server process's CPU time per request, median of the rounds (its own cost, less noisy). */
  cpuMsPerRequest: number | undefined;
  /** Every round's requests per second, in order. */
  rounds: number[];
  /** Answers other than 202 (none expected). */
  unexpected: number;
  /** Jobs in the queue afterwards (expect warm-up + every round's requests). */
  jobs: number;
}

export interface ApiScenarioResult {
  clients: number;
  requestsPerRound: number;
  rounds: number;
  revoker: ApiSide & { logLevel: 'info' };
  revokerLogWarn: ApiSide & { logLevel: 'warn' };
  bare: ApiSide;
  /** revoker (info) requests/s ÷ bare requests/s, medians. */
  ratio: number;
  ratioLogWarn: number;
  /** bare CPU per request ÷ revoker's: the same comparison by each server's own CPU. */
  cpuRatio: number | undefined;
  target: { ratioAtLeast: number };
  met: boolean;
}

interface Side {
  name: string;
  prefix: string;
  server: ServerProcess;
  results: (LoadResult & { cpuMs: number | undefined })[];
  nextOrder: number;
}

export async function scenarioApi(
  ctx: BenchContext,
  requests = 50_000,
  clients = 50,
): Promise<ApiScenarioResult> {
  const perRound = Math.max(1000, Math.round(requests / ROUNDS));
  const dir = mkdtempSync(join(tmpdir(), 'revoker-bench-e-'));
  const sides: Side[] = [];
  try {
    for (const [name, start] of [
      ['revoker', (prefix: string) => startServe(ctx, dir, prefix, 'info')],
      ['bare', (prefix: string) => startBareServer(ctx.redisUrl, prefix)],
      ['revoker-warn', (prefix: string) => startServe(ctx, dir, prefix, 'warn')],
    ] as const) {
      const prefix = benchPrefix('e', name);
      sides.push({ name, prefix, server: await start(prefix), results: [], nextOrder: 20_000_000 });
    }
    for (const side of sides) {
      progress(`api: ${side.name}: warm-up (${WARM_UP.toLocaleString('en')} requests)`);
      await load(side, WARM_UP, clients);
    }
    for (let r = 1; r <= ROUNDS; r++) {
      for (const side of sides) {
        const before = side.server.cpuMs();
        const result = await load(side, perRound, clients);
        const after = side.server.cpuMs();
        const cpuMs = before === undefined || after === undefined ? undefined : (after - before) / perRound;
        side.results.push({ ...result, cpuMs });
        progress(
          `api: round ${r}: ${side.name}: ${result.requestsPerSec} requests/s, p99 ${result.latencyMs.p99} ms` +
            (cpuMs === undefined ? '' : `, ${round(cpuMs, 3)} CPU ms/request`),
        );
      }
    }
    const [revoker, bare, quiet] = await Promise.all(sides.map((side) => summary(ctx, side)));
    if (!revoker || !bare || !quiet) throw new Error('a side is missing');
    const ratio = round(revoker.requestsPerSec / bare.requestsPerSec);
    return {
      clients,
      requestsPerRound: perRound,
      rounds: ROUNDS,
      revoker: { ...revoker, logLevel: 'info' },
      revokerLogWarn: { ...quiet, logLevel: 'warn' },
      bare,
      ratio,
      ratioLogWarn: round(quiet.requestsPerSec / bare.requestsPerSec),
      cpuRatio:
        revoker.cpuMsPerRequest && bare.cpuMsPerRequest
          ? round(bare.cpuMsPerRequest / revoker.cpuMsPerRequest)
          : undefined,
      target: { ratioAtLeast: API_TARGET_RATIO },
      met: ratio >= API_TARGET_RATIO,
    };
  } finally {
    for (const side of sides) {
      await side.server.stop();
      await deleteKeys(ctx.redis, side.prefix);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function load(side: Side, count: number, clients: number): Promise<LoadResult> {
  const first = side.nextOrder;
  side.nextOrder += count;
  return runLoad({
    url: `${side.server.url}/v1/items`,
    requests: count,
    clients,
    headers: { authorization: `Bearer ${TOKEN}` },
    expectStatus: 202,
    body: (n) => ({
      account: ACCOUNT,
      operation: OPERATION,
      orderNumber: String(first + n),
      revocationReason: REASON,
    }),
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function summary(ctx: BenchContext, side: Side): Promise<ApiSide> {
  const byRate = [...side.results].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const middle = byRate[Math.floor(byRate.length / 2)];
  const cpu = side.results.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
  // revoker's queue lives under its account's hash tag in the side's namespace; the bare one's at the prefix.
  const queue =
    side.name === 'bare'
      ? new Queue(QUEUE_NAME, { connection: ctx.redis, prefix: side.prefix })
      : new Queue(keySpace(side.prefix).accountQueue(ACCOUNT).name, {
          connection: ctx.redis,
          prefix: keySpace(side.prefix).accountQueue(ACCOUNT).prefix,
        });
  const jobs = await queue.getJobCountByTypes('wait', 'prioritized');
  await queue.close();
  return {
    requestsPerSec: middle?.requestsPerSec ?? 0,
    latencyMs: middle?.latencyMs ?? { p50: 0, p90: 0, p99: 0, max: 0 },
    cpuMsPerRequest: cpu.length > 0 ? round(median(cpu), 3) : undefined,
    rounds: side.results.map((r) => r.requestsPerSec),
    unexpected: side.results.reduce((sum, r) => sum + r.unexpected, 0),
    jobs,
  };
}

async function startServe(
  ctx: BenchContext,
  dir: string,
  prefix: string,
  logLevel: string,
): Promise<ServerProcess> {
  const file = join(dir, `${logLevel}.config.json`);
  const input = {
    ...benchConfigInput({
      redisUrl: ctx.redisUrl,
      prefix,
      sectigoBaseUrl: 'https://sandbox.invalid/products/',
      rateLimit: { max: 100_000, durationMs: 1000 },
      concurrency: 100,
    }),
    api: { tokens: [{ name: 'bench', token: { env: TOKEN_ENV }, scopes: ['submit'] }] },
  };
  writeFileSync(file, `${JSON.stringify(input, null, 2)}\n`);
  return startRevokerServe(file, { ...benchEnv(), [TOKEN_ENV]: TOKEN }, logLevel);
}
