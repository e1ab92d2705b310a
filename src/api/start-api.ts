/**
 * Starts `revoker serve`: resolves the API tokens (refusing to start without one, or with one
 * that cannot be used), opens the deployment on Redis, builds the server and listens. What
 * src/cli/serve-command.ts calls; the command owns signals and the exit code.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Env, RevokerConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { fleetSource } from '../metrics/fleet-source.ts';
import { createRevokerMetrics } from '../metrics/revoker-metrics.ts';
import { openRevoker } from '../open-revoker.ts';
import { resolveApiTokens } from './api-tokens.ts';
import { buildApiServer } from './server.ts';

export interface StartApiOptions {
  config: RevokerConfig;
  env: Env;
  logger: Logger;
}

export interface RunningApi {
  /** `http://host:port`, with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Stops taking requests, lets those in flight finish, closes Redis. Idempotent. */
  close(): Promise<void>;
}

export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const { config, logger } = options;
  // Tokens first: a config that cannot be served fails before anything connects.
  const tokens = await resolveApiTokens(config.api, {
    env: options.env,
    onWarning: (message) => logger.warn(message),
  });
  // Requests arrive together: their Redis commands of one loop turn share a socket write.
  const revoker = await openRevoker(config, { producerName: 'api', env: options.env, coalesceWrites: true });
  let app: FastifyInstance | undefined;
  try {
    if (revoker.redisWarning) logger.warn(revoker.redisWarning);
    const metrics = createRevokerMetrics({
      fleet: fleetSource(revoker),
      onFleetError: (error) =>
        logger.warn({ err: String(error) }, 'metrics: cannot read the fleet from Redis'),
    });
    app = await buildApiServer({ config, revoker, tokens, logger, metrics });
    await app.listen({ port: config.api.port, host: config.api.host });
  } catch (error) {
    await app?.close().catch(() => {});
    await revoker.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, tokens: config.api.tokens.map((t) => t.name) }, 'revoker serve: listening');
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    url,
    app: running,
    close() {
      closing ??= (async () => {
        try {
          await running.close();
        } finally {
          await revoker.close();
        }
      })();
      return closing;
    },
  };
}
