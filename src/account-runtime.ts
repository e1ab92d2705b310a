/**
 * Wiring: turns configured accounts plus their resolved secrets into what the worker needs — a
 * vendor account (credentials in memory, one keep-alive HTTPS pool) and its queue settings.
 * The only place config, secrets, the HTTP client and the queue meet.
 */

import type { AccountConfig, RevokerConfig } from './config.ts';
import type { WorkerAccountSettings } from './queue/worker-pool.ts';
import type { ResolvedCredentials } from './secrets.ts';
import { createReasonSpellingMemo } from './vendors/digicert/revocation-reason.ts';
import { createHttpClient } from './vendors/http-client.ts';
import type { VendorAccount } from './vendors/operation.ts';

export function buildVendorAccount(account: AccountConfig, secrets: ResolvedCredentials): VendorAccount {
  const transport = createHttpClient({
    baseUrl: account.baseUrl,
    connectTimeoutMs: account.timeouts.connectMs,
    headersTimeoutMs: account.timeouts.headersMs,
    bodyTimeoutMs: account.timeouts.bodyMs,
    // A connection per call in flight: more would sit idle, fewer would queue inside undici.
    maxConnections: account.concurrency,
    ...(account.caFile ? { caFile: account.caFile } : {}),
  });
  if (account.vendor === 'sectigo' && secrets.vendor === 'sectigo') {
    return {
      vendor: 'sectigo',
      transport,
      credentials: secrets.credentials,
      rehearsal: account.rehearsal,
      defaultRateLimitWaitMs: account.rateLimitWaitMs,
    };
  }
  if (account.vendor === 'digicert' && secrets.vendor === 'digicert') {
    return {
      vendor: 'digicert',
      transport,
      apiKey: secrets.apiKey,
      skipApproval: account.skipApproval,
      defaultRateLimitWaitMs: account.rateLimitWaitMs,
      // Learned by this process from the vendor's answers, for every job of the account.
      reasonSpelling: createReasonSpellingMemo(),
    };
  }
  throw new Error(`account vendor ${account.vendor} does not match its resolved credentials`);
}

export function buildWorkerAccounts(
  config: RevokerConfig,
  names: readonly string[],
  secrets: ReadonlyMap<string, ResolvedCredentials>,
): Map<string, WorkerAccountSettings> {
  const settings = new Map<string, WorkerAccountSettings>();
  for (const name of names) {
    const account = config.accounts[name];
    const resolved = secrets.get(name);
    if (!account || !resolved) throw new Error(`account ${name} is not configured`);
    settings.set(name, {
      account: buildVendorAccount(account, resolved),
      concurrency: account.concurrency,
      rateLimit: {
        max: account.rateLimit.max,
        durationMs: account.rateLimit.durationMs,
        marginMs: account.rateLimit.marginMs,
      },
      rateLimitMaxWaitMs: account.rateLimit.maxWaitMs,
      autoApprove: account.vendor === 'digicert' ? account.autoApprove : false,
      approvalPollIntervalMs: account.vendor === 'digicert' ? account.approvalPollIntervalMs : 60_000,
      defaultRateLimitWaitMs: account.rateLimitWaitMs,
    });
  }
  return settings;
}
