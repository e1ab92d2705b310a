/**
 * Metrics of a worker process (`revoker worker --metrics-port`): the counters its workers feed,
 * the fleet gauges (through a handle of its own on Redis, which resolves no secret), and the HTTP
 * endpoint that serves them with a health check.
 *
 * Healthy means: the workers run (started, not stopping) and Redis answers. A worker whose Redis
 * is away cannot work, and a HEALTHCHECK should say so.
 */
import type { Env, RevokerConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openRevoker } from '../open-revoker.ts';
import type { WorkerEvents } from '../queue/worker-events.ts';
import { fleetSource } from './fleet-source.ts';
import { type Health, startMetricsServer } from './metrics-server.ts';
import { createRevokerMetrics } from './revoker-metrics.ts';

export interface WorkerMetricsOptions {
  config: RevokerConfig;
  /** Resolves the `redis` section's password references. */
  env: Env;
  port: number;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  logger: Logger;
}

export interface WorkerMetrics {
  /** Feed these to runWorker({ events }). */
  readonly events: WorkerEvents;
  /** Where /metrics and /healthz answer. */
  readonly url: string;
  /** The workers are running: /healthz may say ok from now on. */
  started(): void;
  /** The workers are stopping: /healthz says so. */
  stopping(): void;
  close(): Promise<void>;
}

/** A Redis that takes longer than this to answer a PING is as good as away for a health check. */
const PING_TIMEOUT_MS = 2_000;

export async function startWorkerMetrics(options: WorkerMetricsOptions): Promise<WorkerMetrics> {
  const revoker = await openRevoker(options.config, { env: options.env });
  let state: 'starting' | 'running' | 'stopping' = 'starting';
  const metrics = createRevokerMetrics({
    fleet: fleetSource(revoker),
    onFleetError: (error) =>
      options.logger.warn({ err: String(error) }, 'metrics: cannot read the fleet from Redis'),
  });
  const health = async (): Promise<Health> => {
    if (state !== 'running') return { ok: false, reason: `workers ${state}` };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        revoker.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
        }),
      ]);
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        reason: `Redis does not answer: ${error instanceof Error ? error.message : String(error)}`,
      };
    } finally {
      clearTimeout(timer);
    }
  };
  let server: Awaited<ReturnType<typeof startMetricsServer>>;
  try {
    server = await startMetricsServer({
      metrics,
      health,
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
    });
  } catch (error) {
    await revoker.close();
    throw error;
  }
  options.logger.info({ url: server.url }, 'metrics: serving /metrics and /healthz');
  return {
    events: metrics.events,
    url: server.url,
    started() {
      state = 'running';
    },
    stopping() {
      state = 'stopping';
    },
    async close() {
      state = 'stopping';
      await server.close();
      await revoker.close();
    },
  };
}
