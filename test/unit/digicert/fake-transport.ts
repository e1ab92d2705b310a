/**
 * An in-memory Transport for adapter tests: answers each send() with the next scripted result
 * and records every request. No sockets.
 */
import type { DigicertAccount } from '../../../src/vendors/operation.ts';
import type {
  Transport,
  TransportFault,
  TransportRequest,
  TransportResponse,
  TransportResult,
} from '../../../src/vendors/transport.ts';

export const API_KEY = 'DCKEY-0123456789ABCDEFGHIJ';

export interface FakeTransport extends Transport {
  readonly requests: TransportRequest[];
}

export function fakeTransport(...script: TransportResult[]): FakeTransport {
  const requests: TransportRequest[] = [];
  return {
    baseUrl: new URL('https://digicert.test/services/v2'),
    requests,
    async send(request) {
      requests.push(request);
      const next = script.shift();
      if (next === undefined) throw new Error(`unscripted request ${request.method} ${request.path}`);
      return next;
    },
    async close() {},
  };
}

export function response(
  status: number,
  body: unknown = '',
  headers: Record<string, string> = {},
): TransportResponse {
  return {
    kind: 'response',
    status,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    latencyMs: 12,
  };
}

export function fault(code: TransportFault['code'], mayHaveReachedVendor: boolean): TransportFault {
  return { kind: 'fault', code, message: `${code} happened`, mayHaveReachedVendor, latencyMs: 7 };
}

export function account(transport: Transport, overrides: Partial<DigicertAccount> = {}): DigicertAccount {
  return {
    vendor: 'digicert',
    transport,
    apiKey: API_KEY,
    skipApproval: false,
    defaultRateLimitWaitMs: 5_000,
    ...overrides,
  };
}

export function errorsBody(
  code: string,
  message = 'something',
): { errors: { code: string; message: string }[] } {
  return { errors: [{ code, message }] };
}
