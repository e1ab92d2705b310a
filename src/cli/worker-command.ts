/**
 * `revoker worker`: runs the accounts' workers until SIGTERM / SIGINT. The first signal stops
 * taking jobs and lets calls in flight finish (bounded by --grace-ms); a second exits at once.
 * With --metrics-port it also serves /metrics and /healthz (src/metrics/worker-metrics.ts).
 */
import { Command } from 'commander';
import { createLogger } from '../logger.ts';
import { startWorkerMetrics, type WorkerMetrics } from '../metrics/worker-metrics.ts';
import { runWorker } from '../run-worker.ts';
import { EXIT } from './exit-codes.ts';
import { type CommandEnv, configFrom } from './shared-options.ts';

export interface WorkerFlags {
  config?: string;
  account?: string[];
  graceMs: string;
  logLevel?: string;
  metricsPort?: string;
  metricsHost?: string;
}

export function workerCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  return new Command('worker')
    .description("work on the accounts' queues (every configured account, or --account NAME …)")
    .option('--config <path>', 'configuration file (default: $REVOKER_CONFIG or ./revoker.config.json)')
    .option('--account <name...>', 'only these accounts')
    .option('--grace-ms <ms>', 'on SIGTERM, how long calls in flight may take to finish', '30000')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .option('--metrics-port <port>', 'serve Prometheus /metrics and /healthz on this port (off by default)')
    .option('--metrics-host <host>', 'the address --metrics-port binds', '127.0.0.1')
    .action(async (flags: WorkerFlags) => {
      setExit(await runWorkerProcess(flags, io));
    });
}

export async function runWorkerProcess(flags: WorkerFlags, io: CommandEnv): Promise<number> {
  const graceMs = Number(flags.graceMs);
  if (!Number.isInteger(graceMs) || graceMs < 0) {
    io.stderr.write(`revoker: --grace-ms: expected a whole number of milliseconds, got "${flags.graceMs}"\n`);
    return EXIT.invalid;
  }
  const metricsPort = flags.metricsPort === undefined ? undefined : Number(flags.metricsPort);
  if (
    metricsPort !== undefined &&
    !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65_535)
  ) {
    io.stderr.write(
      `revoker: --metrics-port: expected a port number (0 to 65535), got "${flags.metricsPort}"\n`,
    );
    return EXIT.invalid;
  }
  const config = await configFrom(flags, io);
  const logger = createLogger({ name: 'worker', level: (flags.logLevel ?? 'info') as 'info' });
  const metrics: WorkerMetrics | undefined =
    metricsPort === undefined
      ? undefined
      : await startWorkerMetrics({
          config,
          env: io.env,
          port: metricsPort,
          host: flags.metricsHost ?? '127.0.0.1',
          logger,
        });
  const pool = await runWorker({
    config,
    env: io.env,
    logger,
    ...(flags.account ? { accounts: flags.account } : {}),
    tuning: { shutdownGraceMs: graceMs, ...tuningFromEnv(io.env) },
    ...(metrics ? { events: metrics.events } : {}),
  }).catch(async (error: unknown) => {
    await metrics?.close();
    throw error;
  });
  metrics?.started();
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: cancelling calls in flight and exiting now');
        pool.abort();
        process.exit(130);
      }
      logger.info({ signal }, 'stopping: no new jobs; waiting for calls in flight');
      metrics?.stopping();
      // A watchdog in case closing hangs (a Redis that never answers).
      setTimeout(() => process.exit(1), graceMs + 15_000).unref();
      // Once closed, nothing of ours is left to wait for; a connection BullMQ opened for itself
      // and cannot close while Redis is away would otherwise hold the process open.
      const exitSoon = (code: number) => setTimeout(() => process.exit(code), 500).unref();
      pool
        .close()
        .finally(() => metrics?.close())
        .then(
          () => {
            logger.info('worker stopped');
            exitSoon(EXIT.ok);
            resolve(EXIT.ok);
          },
          (error: unknown) => {
            logger.error({ err: String(error) }, 'worker stopped with errors');
            exitSoon(1);
            resolve(1);
          },
        );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Timings operators (and fault tests) may shorten: REVOKER_LOCK_DURATION_MS,
 * REVOKER_STALLED_INTERVAL_MS (how fast a crashed worker's jobs are picked up again).
 */
function tuningFromEnv(env: CommandEnv['env']): { lockDurationMs?: number; stalledIntervalMs?: number } {
  const read = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${name}: expected a positive whole number of milliseconds`);
    return n;
  };
  const lock = read('REVOKER_LOCK_DURATION_MS');
  const stalled = read('REVOKER_STALLED_INTERVAL_MS');
  return { ...(lock ? { lockDurationMs: lock } : {}), ...(stalled ? { stalledIntervalMs: stalled } : {}) };
}
