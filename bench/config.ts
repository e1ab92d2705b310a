/**
 * A revoker configuration for one bench scenario: one Sectigo account pointing at the bench
 * sandbox (its CA trusted through caFile), under the scenario's own Redis prefix. The password is
 * referenced through an environment variable, as in a deployment; `benchEnv()` supplies it.
 */
import { writeFileSync } from 'node:fs';
import { parseConfig, type RevokerConfig } from '../src/config.ts';
import { ACCOUNT, LOGIN_NAME, LOGIN_PASSWORD } from './orders.ts';

export const PASSWORD_ENV = 'BENCH_SECTIGO_PASSWORD';

export interface BenchConfigOptions {
  redisUrl: string;
  prefix: string;
  /** The sandbox's `…/products/`; any https URL when nothing is called. */
  sectigoBaseUrl: string;
  caFile?: string;
  rateLimit: { max: number; durationMs: number };
  concurrency: number;
  /** How long the queue waits after a -42. */
  rateLimitWaitMs?: number;
}

/** The config file's content (JSON-ready). */
export function benchConfigInput(options: BenchConfigOptions): Record<string, unknown> {
  return {
    redis: { url: options.redisUrl, prefix: options.prefix },
    accounts: {
      [ACCOUNT]: {
        vendor: 'sectigo',
        baseUrl: options.sectigoBaseUrl,
        ...(options.caFile ? { caFile: options.caFile } : {}),
        credentials: { loginName: LOGIN_NAME, loginPassword: { env: PASSWORD_ENV } },
        rateLimit: options.rateLimit,
        concurrency: options.concurrency,
        rateLimitWaitMs: options.rateLimitWaitMs ?? 1000,
      },
    },
    retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000 },
  };
}

export function benchConfig(options: BenchConfigOptions): RevokerConfig {
  return parseConfig(benchConfigInput(options), {}, { source: 'bench' });
}

/** Writes the config to `path` (for `revoker worker --config`). */
export function writeBenchConfig(path: string, options: BenchConfigOptions): void {
  writeFileSync(path, `${JSON.stringify(benchConfigInput(options), null, 2)}\n`);
}

export function benchEnv(): Record<string, string> {
  return { [PASSWORD_ENV]: LOGIN_PASSWORD };
}
