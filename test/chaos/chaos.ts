/**
 * The chaos run: a batch of every operation against the sandbox with faults (latency, resets
 * after the request was read, 5xx, -14, -26, -42 and 429 from a sandbox limit below the fleet's),
 * several worker processes, a SIGKILL of a random worker every few seconds, a `redis-server`
 * crash and restart from its AOF, and a Redis pause (SIGSTOP) long enough for every lock to
 * expire. On a Redis Cluster (`redis: 'cluster'`, three masters with AOF), the crash is of the
 * master that holds the Sectigo account's queue (most of the batch), restarted from its directory
 * (same node id and slots, its AOF); the pause is single-node only. Judged from the sandbox's own
 * accounting, not from our records:
 *
 * - every item has exactly one final outcome and the counts add up (nothing lost);
 * - no order was revoked twice, and no order got two replacements;
 * - every item reported `revoked` is revoked at the vendor, every `replaced` one has exactly one
 *   replacement there (no false success).
 *
 * `npm run chaos` runs the full size (run.ts); a small run is part of `npm test`
 * (test/integration/chaos-small.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config.ts';
import { openRevoker, type Revoker } from '../../src/open-revoker.ts';
import type { OutcomeCounts, ReportItem } from '../../src/queue/batch-report.ts';
import { DEMO_DIGICERT_ACCOUNT, DEMO_SECTIGO_ACCOUNT } from '../../src/sandbox/accounts.ts';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
import type { SeedOrderInput } from '../../src/sandbox/seed.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { OPERATION_NAMES } from '../../src/vendors/operation.ts';
import { startRedisCluster } from '../support/redis-cluster.ts';
import { type RedisProcess, startRedisServer } from '../support/redis-server.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRETS = {
  CHAOS_SECTIGO_PASSWORD: DEMO_SECTIGO_ACCOUNT.loginPassword,
  CHAOS_DIGICERT_KEY: DEMO_DIGICERT_ACCOUNT.apiKey,
};

/** Every operation there is: the batch holds the same number of each. */
export const OPERATIONS = OPERATION_NAMES;

export interface ChaosOptions {
  /** Items in all, spread evenly over the operations. */
  items: number;
  workers: number;
  /** SIGKILL a random worker (and start a new one) this often; 0: never. */
  killEveryMs: number;
  /** At most this many kills. @defaultValue unbounded */
  maxKills?: number;
  /** Crash and restart redis-server (from its AOF) this long after the start; undefined: never. */
  redisRestartAtMs?: number;
  /** One redis-server, or a 3-master Redis Cluster. @defaultValue 'single' */
  redis?: 'single' | 'cluster';
  /** SIGSTOP redis-server this long after the start, for `redisPauseMs`; undefined: never. Single node only. */
  redisPauseAtMs?: number;
  redisPauseMs?: number;
  /**
   * No fault before this many items are final, so the faults hit a batch in full flow (worker
   * processes take seconds to start on a busy machine). @defaultValue 0
   */
  faultsAfterFinal?: number;
  /** Give up (and fail) after this long. */
  timeoutMs: number;
  /** The fleet's rate limit per account and second (the sandbox allows 80% of it). @defaultValue 100 */
  perSecond?: number;
  /** Progress lines. @defaultValue stderr */
  log?: (line: string) => void;
  seed?: number;
}

export interface ChaosResult {
  passed: boolean;
  items: number;
  operations: Record<string, number>;
  durationMs: number;
  faults: { workerKills: number; redisRestarts: number; redisPauseMs: number; sandboxFaultRates: object };
  counts: OutcomeCounts | undefined;
  sandbox: { requests: number; overLimit: number; codes: Record<string, number> };
  checks: {
    everyItemFinal: boolean;
    countsAddUp: boolean;
    noOrderRevokedTwice: boolean;
    noOrderReplacedTwice: boolean;
    noFalseSuccess: boolean;
  };
  /** Dead-lettered items whose order the vendor did revoke (a call that may have worked). */
  deadLetteredButDoneAtVendor: number;
  byCode: Record<string, number>;
  violations: string[];
}

const FAULT_RATES = { unknownError: 0.02, serverError: 0.02, reset: 0.01, resetAfterEffect: 0.02 };

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[chaos] ${line}\n`));
  const started = Date.now();
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    // --- the world: sandbox, a private Redis with AOF, a config, the batch -------------------
    const perOperation = Math.max(1, Math.floor(options.items / OPERATIONS.length));
    const perSecond = options.perSecond ?? 100;
    const orders = seedOrders(perOperation);
    const sandbox = await startSandbox({
      seedData: { orders: orders.seed },
      // Below the fleet's 100/s: the vendor answers -42 and 429 in bursts.
      rateLimits: [{ max: Math.max(1, Math.floor(perSecond * 0.8)), durationMs: 1000 }],
      latency: { kind: 'lognormal', medianMs: 15, p99Ms: 250 },
      faultRates: FAULT_RATES,
      seed: options.seed ?? 7,
    });
    cleanup.push(() => sandbox.close());
    const dir = await mkdtemp(join(tmpdir(), 'revoker-chaos-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const redis = await startChaosRedis(options.redis ?? 'single', join(dir, 'redis'));
    cleanup.push(() => redis.stop());
    const configFile = join(dir, 'revoker.config.json');
    const configInput = chaosConfig(sandbox, redis.config, perSecond);
    await writeFile(configFile, JSON.stringify(configInput, null, 2));
    const revoker: Revoker = await openRevoker(parseConfig(configInput, {}, { source: configFile }));
    cleanup.push(() => revoker.close().catch(() => revoker.redis.disconnect()));

    const csr = (await makeCsr({ keyType: 'ec-p256' })).pem;
    const rows = orders.rows(csr).map((raw, i) => ({ rowNumber: i + 2, raw }));
    const { batchId } = await revoker.producer.submit(rows, { batchId: `chaos-${randomUUID().slice(0, 8)}` });
    log(`submitted ${rows.length} items (${perOperation} per operation) as ${batchId}`);

    // --- the fleet, and the faults ------------------------------------------------------------
    const fleet = new Fleet(configFile, options.workers, log);
    cleanup.push(() => fleet.stopAll());
    await fleet.startAll();
    let workerKills = 0;
    let redisRestarts = 0;
    let pausedMs = 0;
    const schedule: Promise<void>[] = [];
    let done = false;
    // Ends every scheduled fault's wait once the batch is done.
    const over = new AbortController();
    let finalSoFar = 0;
    const wait = async (ms: number) => {
      await delay(ms, undefined, { signal: over.signal }).catch(() => {});
      while (!done && finalSoFar < (options.faultsAfterFinal ?? 0)) {
        await delay(100, undefined, { signal: over.signal }).catch(() => {});
      }
    };
    if (options.killEveryMs > 0) {
      schedule.push(
        (async () => {
          while (!done && (options.maxKills === undefined || workerKills < options.maxKills)) {
            await wait(options.killEveryMs);
            if (done) return;
            await fleet.killRandom();
            workerKills++;
          }
        })(),
      );
    }
    if (options.redisRestartAtMs !== undefined) {
      const at = options.redisRestartAtMs;
      schedule.push(
        (async () => {
          await wait(at);
          if (done) return;
          await redis.crashAndRestart(log, revoker.keys.results('sectigo'));
          redisRestarts++;
        })(),
      );
    }
    if (options.redisPauseAtMs !== undefined && options.redisPauseMs) {
      const { pause } = redis;
      if (!pause) throw new Error('chaos: the Redis pause needs a single redis-server');
      const at = options.redisPauseAtMs;
      const ms = options.redisPauseMs;
      schedule.push(
        (async () => {
          await wait(at);
          if (done) return;
          log(`redis-server: SIGSTOP for ${ms / 1000} s (every lock expires)`);
          await pause(ms);
          pausedMs = ms;
          log('redis-server: SIGCONT');
        })(),
      );
    }

    // --- wait for every item to be final ------------------------------------------------------
    let counts: OutcomeCounts | undefined;
    const deadline = started + options.timeoutMs;
    let lastLog = 0;
    while (Date.now() < deadline) {
      try {
        counts = await revoker.batches.counts(batchId);
        finalSoFar = counts.total - counts['in-progress'] - counts['pending-approval'];
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          log(
            `${Math.round((Date.now() - started) / 1000)} s: revoked ${counts.revoked}, replaced ${counts.replaced}, ` +
              `dead-lettered ${counts['dead-lettered']}, in progress ${counts['in-progress'] + counts['pending-approval']}; ` +
              `${workerKills} kills, ${redisRestarts} Redis restarts`,
          );
        }
        if (counts['in-progress'] === 0 && counts['pending-approval'] === 0 && counts.total === rows.length)
          break;
      } catch {
        // Redis is restarting or paused: keep waiting.
      }
      await delay(500);
    }
    done = true;
    over.abort();
    await Promise.all(schedule);
    // Let calls in flight land at the sandbox before judging it.
    await fleet.stopAll();

    // --- the verdict, from the sandbox's side -------------------------------------------------
    const report: ReportItem[] = [];
    for await (const chunk of revoker.batches.items(batchId)) report.push(...chunk);
    const judged = judge(report, sandbox, orders, rows.length, counts);
    const stats = sandbox.stats();
    const sectigoAndDigicertCodes: Record<string, number> = {};
    for (const [vendor, codes] of Object.entries(stats.codes)) {
      for (const [code, n] of Object.entries(codes)) sectigoAndDigicertCodes[`${vendor}:${code}`] = n;
    }
    const result: ChaosResult = {
      passed: Object.values(judged.checks).every(Boolean),
      items: rows.length,
      operations: Object.fromEntries(OPERATIONS.map((op) => [op, perOperation])),
      durationMs: Date.now() - started,
      faults: { workerKills, redisRestarts, redisPauseMs: pausedMs, sandboxFaultRates: FAULT_RATES },
      counts,
      sandbox: { requests: stats.totalRequests, overLimit: stats.overLimit, codes: sectigoAndDigicertCodes },
      ...judged,
    };
    if (!result.passed) log(`FAILED; the last worker output:\n${fleet.tails()}`);
    return result;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------

interface SeededOrders {
  seed: SeedOrderInput[];
  /** Per row: its operation and the order it targets (and, for one certificate, which). */
  targets: {
    operation: (typeof OPERATIONS)[number];
    vendor: 'sectigo' | 'digicert';
    orderNumber: string;
    certificateId?: string;
  }[];
  rows(csr: string): Record<string, unknown>[];
}

function seedOrders(perOperation: number): SeededOrders {
  const seed: SeedOrderInput[] = [];
  const targets: SeededOrders['targets'] = [];
  OPERATIONS.forEach((operation, op) => {
    for (let i = 0; i < perOperation; i++) {
      const orderNumber = String(1_000_000 * (op + 1) + i);
      const vendor = operation.startsWith('digicert') ? 'digicert' : 'sectigo';
      const smime = operation === 'sectigo.replaceSMIME';
      // One certificate of a two-certificate order: the other must stay valid.
      const oneCertificate = operation === 'digicert.revokeCertificate';
      const certificateId = `${orderNumber}1`;
      seed.push({
        ...(oneCertificate
          ? {
              certificates: [
                { certificateID: certificateId, serialNumber: `AC${orderNumber}1` },
                { certificateID: `${orderNumber}2`, serialNumber: `AC${orderNumber}2` },
              ],
            }
          : {}),
        vendor,
        account: vendor === 'sectigo' ? DEMO_SECTIGO_ACCOUNT.loginName : DEMO_DIGICERT_ACCOUNT.name,
        orderNumber,
        // One S/MIME order in ten is still being issued: AutoReplaceSMIME answers -26 first.
        ...(smime && i % 10 === 0
          ? { state: 'being-issued' as const, issuingCalls: 1 }
          : { state: 'issued' as const }),
        ...(smime ? { product: 'smime' } : {}),
      });
      targets.push({ operation, vendor, orderNumber, ...(oneCertificate ? { certificateId } : {}) });
    }
  });
  return {
    seed,
    targets,
    rows: (csr) =>
      targets.map(({ operation, orderNumber, certificateId }) => {
        switch (operation) {
          case 'digicert.revokeCertificate':
            return {
              account: 'digicert',
              operation,
              certificate_id: certificateId,
              revocationReason: 'chaos',
            };
          case 'sectigo.revokeSSL':
            return { account: 'sectigo', operation, orderNumber, revocationReason: 'chaos: key compromise' };
          case 'sectigo.revokeCertificate':
            return { account: 'sectigo', operation, orderNumber, codeReason: '1', revocationReason: 'chaos' };
          case 'sectigo.revokePAC':
            return { account: 'sectigo', operation, orderNumber, revocationReason: 'chaos: key compromise' };
          case 'sectigo.replaceSMIME':
            return { account: 'sectigo', operation, orderNumber, csr, revokeOldOrder: 'N' };
          default:
            return { account: 'digicert', operation, order_id: orderNumber, revocationReason: 'chaos' };
        }
      }),
  };
}

/** The Redis a chaos run uses, and its faults. */
interface ChaosRedis {
  /** The config's `redis` section (without the prefix). */
  config: Record<string, unknown>;
  /** SIGKILL, a second, then a restart from the data directory; on a cluster, of the master serving `key`. */
  crashAndRestart(log: (line: string) => void, key: string): Promise<void>;
  /** SIGSTOP for `ms`, then SIGCONT (single node). */
  pause?: (ms: number) => Promise<void>;
  stop(): Promise<void>;
}

async function startChaosRedis(kind: 'single' | 'cluster', dir: string): Promise<ChaosRedis> {
  if (kind === 'cluster') {
    const cluster = await startRedisCluster({ masters: 3, appendOnly: true });
    return {
      config: cluster.config,
      async crashAndRestart(log, key) {
        const index = await cluster.masterOf(key);
        log(
          `redis cluster: SIGKILL of master ${cluster.nodes[index]?.port} (it holds ${key}), then a restart from its AOF`,
        );
        await cluster.kill(index);
        await delay(1000);
        await cluster.restart(index);
      },
      stop: () => cluster.stop(),
    };
  }
  await mkdir(dir);
  let server: RedisProcess = await startRedisServer({ appendOnly: true, dir });
  return {
    config: { url: server.url },
    async crashAndRestart(log) {
      log('redis-server: SIGKILL, then a restart from its AOF');
      await server.kill();
      await delay(1000);
      server = await startRedisServer({ appendOnly: true, dir, port: server.port });
    },
    async pause(ms) {
      server.process.kill('SIGSTOP');
      await delay(ms);
      server.process.kill('SIGCONT');
    },
    stop: () => server.stop(),
  };
}

function chaosConfig(sandbox: Sandbox, redis: Record<string, unknown>, perSecond: number) {
  const common = {
    caFile: sandbox.caFile,
    rateLimit: { max: perSecond, durationMs: 1000 },
    concurrency: 20,
    rateLimitWaitMs: 300,
    timeouts: { connectMs: 2000, headersMs: 3000, bodyMs: 3000 },
  };
  return {
    redis: { ...redis, prefix: 'revoker-chaos' },
    accounts: {
      sectigo: {
        vendor: 'sectigo',
        baseUrl: sandbox.sectigoBaseUrl,
        credentials: {
          loginName: DEMO_SECTIGO_ACCOUNT.loginName,
          loginPassword: { env: 'CHAOS_SECTIGO_PASSWORD' },
        },
        ...common,
      },
      digicert: {
        vendor: 'digicert',
        baseUrl: sandbox.digicertBaseUrl,
        credentials: { apiKey: { env: 'CHAOS_DIGICERT_KEY' } },
        autoApprove: true,
        approvalPollIntervalMs: 500,
        ...common,
      },
    },
    retry: { attempts: 8, baseDelayMs: 50, maxDelayMs: 500 },
  };
}

/** Every item against the sandbox's own record of its order. */
function judge(
  report: ReportItem[],
  sandbox: Sandbox,
  orders: SeededOrders,
  expected: number,
  counts: OutcomeCounts | undefined,
): Pick<ChaosResult, 'checks' | 'violations' | 'deadLetteredButDoneAtVendor' | 'byCode'> {
  const violations: string[] = [];
  const byCode: Record<string, number> = {};
  let deadLetteredButDoneAtVendor = 0;
  const finals = new Set(['revoked', 'replaced', 'dead-lettered']);
  const checks = {
    everyItemFinal: report.length === expected && report.every((i) => finals.has(i.outcome)),
    countsAddUp:
      counts !== undefined &&
      counts.total === expected &&
      counts.revoked + counts.replaced + counts['dead-lettered'] === expected,
    noOrderRevokedTwice: true,
    noOrderReplacedTwice: true,
    noFalseSuccess: true,
  };
  for (const o of sandbox.state.list()) {
    if (o.successfulRevokes > 1) {
      checks.noOrderRevokedTwice = false;
      violations.push(`${o.vendor} order ${o.orderNumber} revoked ${o.successfulRevokes} times`);
    }
    for (const c of o.certificates) {
      if (c.successfulRevokes > 1) {
        checks.noOrderRevokedTwice = false;
        violations.push(`certificate ${c.id} of order ${o.orderNumber} revoked ${c.successfulRevokes} times`);
      }
    }
    if (o.replacedBy.length > 1) {
      checks.noOrderReplacedTwice = false;
      violations.push(`order ${o.orderNumber} got ${o.replacedBy.length} replacements`);
    }
  }
  const seen = new Set<string>();
  report.forEach((item, i) => {
    const target = orders.targets[i];
    byCode[`${item.outcome}:${item.code}`] = (byCode[`${item.outcome}:${item.code}`] ?? 0) + 1;
    if (!target) return;
    seen.add(item.jobId);
    const order = sandbox.state.find(target.vendor, target.orderNumber);
    if (!finals.has(item.outcome)) violations.push(`row ${item.row} (${item.jobId}) is ${item.outcome}`);
    // One certificate's revoke: that certificate revoked, its sibling and the order untouched.
    const certificate = order?.certificates.find((c) => c.id === target.certificateId);
    const revokedAtVendor =
      target.certificateId === undefined ? order?.state === 'revoked' : certificate?.state === 'revoked';
    if (item.outcome === 'revoked' && !revokedAtVendor) {
      checks.noFalseSuccess = false;
      violations.push(
        `row ${item.row} reported revoked, but the vendor has order ${target.orderNumber} ${order?.state}${certificate ? ` (certificate ${certificate.id} ${certificate.state})` : ''}`,
      );
    }
    if (
      target.certificateId !== undefined &&
      (order?.state !== 'issued' ||
        order.certificates.some((c) => c.id !== target.certificateId && c.state !== 'issued'))
    ) {
      checks.noFalseSuccess = false;
      violations.push(
        `order ${target.orderNumber}: a certificate other than ${target.certificateId} was revoked`,
      );
    }
    if (item.outcome === 'replaced' && (order?.replacedBy.length ?? 0) !== 1) {
      checks.noFalseSuccess = false;
      violations.push(
        `row ${item.row} reported replaced, the vendor has ${order?.replacedBy.length} replacements`,
      );
    }
    if (item.outcome === 'dead-lettered' && (revokedAtVendor || (order?.replacedBy.length ?? 0) > 0)) {
      deadLetteredButDoneAtVendor++;
    }
  });
  if (seen.size !== expected) {
    checks.everyItemFinal = false;
    violations.push(`${expected - seen.size} items missing from the report`);
  }
  return { checks, violations: violations.slice(0, 20), deadLetteredButDoneAtVendor, byCode };
}

/** The worker processes: started, killed, replaced. */
class Fleet {
  private readonly workers: { child: ChildProcess; out: string[]; exited: Promise<void> }[] = [];
  private readonly configFile: string;
  private readonly size: number;
  private readonly log: (line: string) => void;
  constructor(configFile: string, size: number, log: (line: string) => void) {
    this.configFile = configFile;
    this.size = size;
    this.log = log;
  }

  async startAll(): Promise<void> {
    for (let i = 0; i < this.size; i++) this.workers.push(await this.start());
  }

  async killRandom(): Promise<void> {
    const index = Math.floor(Math.random() * this.workers.length);
    const victim = this.workers[index];
    if (!victim) return;
    victim.child.kill('SIGKILL');
    await victim.exited;
    this.log(`worker ${victim.child.pid} SIGKILLed; starting another`);
    this.workers[index] = await this.start();
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.workers.splice(0).map(async (w) => {
        w.child.kill('SIGTERM');
        const stopped = await Promise.race([w.exited.then(() => true), delay(15_000).then(() => false)]);
        if (!stopped) {
          w.child.kill('SIGKILL');
          await w.exited;
        }
      }),
    );
  }

  tails(): string {
    return this.workers.map((w) => w.out.slice(-15).join('')).join('\n---\n');
  }

  private async start() {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...SECRETS,
      // A killed worker's jobs come back within seconds, and the Redis pause outlasts every lock.
      REVOKER_LOCK_DURATION_MS: '5000',
      REVOKER_STALLED_INTERVAL_MS: '2000',
    };
    delete env.REDIS_URL;
    const child = spawn(
      process.execPath,
      ['src/cli/main.ts', 'worker', '--config', this.configFile, '--log-level', 'warn'],
      {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const out: string[] = [];
    const keep = (chunk: Buffer) => {
      out.push(chunk.toString());
      if (out.length > 200) out.splice(0, out.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Ready when it has connected: its first log line or a second, whichever comes first.
    await Promise.race([delay(1000), exited]);
    return { child, out, exited };
  }
}
