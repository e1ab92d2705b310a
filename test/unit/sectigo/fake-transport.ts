/**
 * An in-memory Transport for the Sectigo unit tests: answers with scripted results, one per call,
 * and records every request. No sockets.
 */

import type { SectigoAccount, SectigoCredentials } from '../../../src/vendors/operation.ts';
import type {
  Transport,
  TransportFault,
  TransportRequest,
  TransportResponse,
  TransportResult,
} from '../../../src/vendors/transport.ts';

export interface FakeTransport extends Transport {
  readonly requests: TransportRequest[];
  /** The form of the n-th request, decoded. */
  form(index?: number): URLSearchParams;
}

export function fakeTransport(...script: TransportResult[]): FakeTransport {
  const requests: TransportRequest[] = [];
  return {
    baseUrl: new URL('https://secure.trust-provider.test/products/'),
    requests,
    async send(request) {
      requests.push(request);
      const next = script.shift();
      if (next === undefined)
        throw new Error(`fake transport: no scripted answer for call ${requests.length}`);
      return next;
    },
    async close() {},
    form(index = 0) {
      const request = requests[index];
      if (request === undefined) throw new Error(`fake transport: no request ${index}`);
      return new URLSearchParams(request.body ?? '');
    },
  };
}

export function answer(
  body: string,
  options: { status?: number; headers?: Record<string, string>; latencyMs?: number } = {},
): TransportResponse {
  return {
    kind: 'response',
    status: options.status ?? 200,
    headers: options.headers ?? {},
    body,
    latencyMs: options.latencyMs ?? 12,
  };
}

export function fault(overrides: Partial<TransportFault> = {}): TransportFault {
  return {
    kind: 'fault',
    code: 'CA_ERR_TIMEOUT',
    message: 'headers timeout',
    mayHaveReachedVendor: true,
    latencyMs: 30_000,
    ...overrides,
  };
}

export const PASSWORD = 'S3cr3t pa$$&word';
export const LOGIN: SectigoCredentials = { loginName: 'reseller-api', loginPassword: PASSWORD };
export const SASP: SectigoCredentials = { saspSessionID: 'SASP0123456789AB' };

export function sectigoAccount(
  transport: Transport,
  overrides: Partial<Omit<SectigoAccount, 'transport' | 'vendor'>> = {},
): SectigoAccount {
  return {
    vendor: 'sectigo',
    transport,
    credentials: LOGIN,
    rehearsal: false,
    defaultRateLimitWaitMs: 60_000,
    ...overrides,
  };
}

/** An account for pure form-building tests: its transport must never be called. */
export function formAccount(
  overrides: Partial<Omit<SectigoAccount, 'transport' | 'vendor'>> = {},
): SectigoAccount {
  return sectigoAccount(fakeTransport(), overrides);
}
