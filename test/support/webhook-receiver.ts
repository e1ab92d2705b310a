/**
 * A real HTTP webhook receiver on loopback for integration tests: keeps every request (headers
 * and the raw body as received), answers what the test scripts (a status per request), and checks
 * Standard Webhooks signatures independently of src/webhooks (node:crypto only, the spec's
 * recipe), so a bug in our signer cannot hide behind the same bug in the check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
  /** Parsed body (JSON), for convenience. */
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Requests the receiver answered 2xx. */
  accepted(): ReceivedRequest[];
  close(): Promise<void>;
}

/** `answer(n)` gives the status of the n-th request (0-based); 204 by default. */
export async function startReceiver(
  answer: (index: number, request: { path: string; body: string }) => number = () => 204,
): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = answer(received.length, { path: req.url ?? '', body });
      let json: ReceivedRequest['json'];
      try {
        json = JSON.parse(body) as ReceivedRequest['json'];
      } catch {
        json = { type: '(not JSON)', timestamp: '', data: {} };
      }
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        status,
        json,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/revoker`,
    received,
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The key a secret stands for, per the spec: `whsec_` + base64, else (our rule) the UTF-8 bytes. */
function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * True when one of the `v1,` signatures of the request is the HMAC-SHA256 of
 * `{webhook-id}.{webhook-timestamp}.{body}` under the secret.
 */
export function verifiesWith(secret: string, request: Pick<ReceivedRequest, 'headers' | 'body'>): boolean {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signatures = request.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp)) return false;
  const expected = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${request.body}`).digest();
  return signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
