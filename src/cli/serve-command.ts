/**
 * `revoker serve [--port 8080] [--host 127.0.0.1]`: the HTTP API (src/api/) until SIGTERM /
 * SIGINT. The first signal stops taking requests and lets those in flight finish; a second exits
 * at once.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startApi } from '../api/start-api.ts';
import { loadConfig } from '../config.ts';
import { bufferedStdout, createLogger } from '../logger.ts';
import { EXIT } from './exit-codes.ts';
import type { CommandEnv } from './shared-options.ts';

export interface ServeFlags {
  config?: string;
  port?: number;
  host?: string;
  logLevel?: string;
}

export function serveCommand(io: CommandEnv, setExit: (code: number) => void): Command {
  return new Command('serve')
    .description(
      'serve the HTTP API: items, batches, reports, dead-letter, accounts, metrics, queue dashboard',
    )
    .option('--config <path>', 'configuration file (default: $REVOKER_CONFIG or ./revoker.config.json)')
    .option('--port <port>', 'port to listen on (default: api.port, 8080)', (v) => {
      if (!/^\d{1,5}$/.test(v) || Number(v) > 65_535)
        throw new InvalidArgumentError('expected a port number');
      return Number(v);
    })
    .option('--host <host>', 'address to bind (default: api.host, 127.0.0.1)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .action(async (flags: ServeFlags) => {
      setExit(await runServe(flags, io));
    });
}

export async function runServe(flags: ServeFlags, io: CommandEnv): Promise<number> {
  const config = await loadConfig({
    ...(flags.config ? { path: flags.config } : {}),
    env: io.env,
    overrides: { api: { port: flags.port, host: flags.host } },
  });
  // A line per request: written in chunks, not a write each (logger.ts bufferedStdout).
  const logger = createLogger({
    name: 'api',
    level: (flags.logLevel ?? 'info') as 'info',
    destination: bufferedStdout(),
  });
  const api = await startApi({ config, env: io.env, logger });
  io.stdout.write(`revoker serve: listening on ${api.url} (API reference: ${api.url}/docs)\n`);
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      logger.info({ signal }, 'stopping: no new requests; finishing those in flight');
      // A watchdog in case closing hangs (a client that never finishes, a Redis that never answers).
      setTimeout(() => process.exit(1), 30_000).unref();
      api.close().then(
        () => {
          logger.info('revoker serve stopped');
          resolve(EXIT.ok);
        },
        (error: unknown) => {
          logger.error({ err: String(error) }, 'revoker serve stopped with errors');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
