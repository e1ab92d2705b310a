/**
 * The revoker library: what producers (pipelines, services) import.
 *
 * ```ts
 * import { createProducer } from 'cert-revoker';
 * const producer = await createProducer({ configPath: 'revoker.config.json' });
 * await producer.revoke({ account: 'acme', operation: 'sectigo.revokeSSL', params: { orderNumber: '1234567', revocationReason: 'key compromise' } });
 * await producer.close();
 * ```
 */
import { type Env, loadConfig, type RevokerConfig } from './config.ts';
import { openRevoker } from './open-revoker.ts';
import type { BatchReader } from './queue/batch-report.ts';
import type { Producer } from './queue/producer.ts';

export interface CreateProducerOptions {
  /** An already loaded config; else `configPath` / REVOKER_CONFIG / ./revoker.config.json is read. */
  config?: RevokerConfig;
  configPath?: string;
  /** @defaultValue process.env */
  env?: Env;
  /**
   * Single items (`revoke()`, `replace()`) join one batch per day per name: `lib-<name>-<YYYYMMDD>`.
   * @defaultValue 'library'
   */
  name?: string;
}

export interface LibraryProducer extends Producer {
  /** Batch status and reports. */
  readonly batches: BatchReader;
}

/**
 * A producer with its own Redis connection; close() releases it. Resolves no vendor secret (only
 * a Redis password the config references).
 */
export async function createProducer(options: CreateProducerOptions = {}): Promise<LibraryProducer> {
  const env = options.env ?? process.env;
  const config =
    options.config ??
    (await loadConfig({ ...(options.configPath ? { path: options.configPath } : {}), env }));
  const revoker = await openRevoker(config, { env, ...(options.name ? { producerName: options.name } : {}) });
  return {
    validate: (item, validateOptions) => revoker.producer.validate(item, validateOptions),
    submit: (rows, submitOptions) => revoker.producer.submit(rows, submitOptions),
    revoke: (item, o) => revoker.producer.revoke(item, o),
    replace: (item, o) => revoker.producer.replace(item, o),
    batches: revoker.batches,
    close: () => revoker.close(),
  };
}

export { loadConfig, parseConfig, type RevokerConfig } from './config.ts';
export { ErrorCodes, isRevokerError, RevokerError } from './errors.ts';
export { openRevoker, type Revoker } from './open-revoker.ts';
export type { OutcomeCounts, ReportItem } from './queue/batch-report.ts';
export type { ItemOutcome } from './queue/item-record.ts';
export type { InputRow, SubmitOptions, SubmitSummary } from './queue/producer.ts';
export { runWorker } from './run-worker.ts';
export { startSandbox } from './sandbox/server.ts';
export { OPERATION_NAMES, type OperationName } from './vendors/operation.ts';
