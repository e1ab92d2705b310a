/**
 * The HTTP client against a real HTTPS server on 127.0.0.1, port 0, scripted per test: success,
 * refused, reset, timeouts, untrusted and trusted certificates, abort, body cap, path joins.
 * No Redis is used here (the tier's global setup starts one anyway).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRevokerError } from '../../src/errors.ts';
import { createLoopbackTls, type LoopbackTls } from '../../src/sandbox/tls-certificate.ts';
import { createHttpClient, type HttpClientOptions } from '../../src/vendors/http-client.ts';
import type {
  Transport,
  TransportFault,
  TransportResponse,
  TransportResult,
} from '../../src/vendors/transport.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let tls: LoopbackTls;
let dir: string;
let caFile: string;
const servers: Server[] = [];
const clients: Transport[] = [];

beforeAll(async () => {
  tls = await createLoopbackTls();
  dir = await mkdtemp(join(tmpdir(), 'revoker-http-client-'));
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, tls.caPem);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** Starts a server whose n-th request is answered by the n-th handler (the last one repeats). */
async function serve(...handlers: Handler[]): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
      handler?.(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `https://127.0.0.1:${port}`, seen };
}

function client(options: HttpClientOptions): Transport {
  const created = createHttpClient(options);
  clients.push(created);
  return created;
}

function asResponse(result: TransportResult): TransportResponse {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(result)}`);
  return result;
}

function asFault(result: TransportResult): TransportFault {
  if (result.kind !== 'fault') throw new Error(`expected a fault, got HTTP ${result.status}`);
  return result;
}

const ok: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Vendor-Thing': 'a' });
  res.end('0\n');
};
const never: Handler = () => {};

describe('createHttpClient over real HTTPS', () => {
  it('returns status, body and lower-cased headers, through a CA trusted by caFile', async () => {
    const { origin, seen } = await serve(ok);
    const http = client({ baseUrl: `${origin}/products/`, caFile });
    const result = asResponse(
      await http.send({
        method: 'POST',
        path: '!AutoRevokeSSL',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-DC-DEVKEY': 'k' },
        body: 'a=1',
      }),
    );
    expect(result).toMatchObject({ kind: 'response', status: 200, body: '0\n' });
    expect(result.headers['x-vendor-thing']).toBe('a');
    expect(result.headers['content-type']).toBe('text/plain');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/products/!AutoRevokeSSL', body: 'a=1' });
    expect(seen[0]?.headers['x-dc-devkey']).toBe('k');
    expect(seen[0]?.headers['user-agent']).toBe('revoker');
  });

  it.each([
    ['/services/v2', 'order/certificate/5/revoke', '/services/v2/order/certificate/5/revoke'],
    ['/services/v2/', 'order/certificate/5/revoke', '/services/v2/order/certificate/5/revoke'],
    ['/products/', '!AutoRevokeSSL', '/products/!AutoRevokeSSL'],
    ['/products', '!AutoRevokeSSL', '/products/!AutoRevokeSSL'],
  ])('joins base %s and path %s', async (basePath, path, expected) => {
    const { origin, seen } = await serve(ok);
    const http = client({ baseUrl: `${origin}${basePath}`, caFile, userAgent: 'revoker-test/1' });
    asResponse(await http.send({ method: 'PUT', path, headers: {} }));
    expect(seen[0]?.url).toBe(expected);
    expect(seen[0]?.headers['user-agent']).toBe('revoker-test/1');
  });

  it('reuses one keep-alive connection across calls', async () => {
    const { origin } = await serve(ok);
    const ports = new Set<number>();
    servers[0]?.on('secureConnection', (socket) => ports.add(socket.remotePort ?? 0));
    const http = client({ baseUrl: origin, caFile, maxConnections: 1 });
    for (let i = 0; i < 3; i++) asResponse(await http.send({ method: 'GET', path: 'x', headers: {} }));
    expect(ports.size).toBe(1);
  });

  it('connection refused → CA_ERR_CONNECT, nothing sent', async () => {
    const { origin } = await serve(ok);
    // Free the port: nothing listens there any more.
    const server = servers.pop();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const http = client({ baseUrl: origin, caFile });
    const fault = asFault(await http.send({ method: 'GET', path: 'x', headers: {} }));
    expect(fault).toMatchObject({ code: 'CA_ERR_CONNECT', mayHaveReachedVendor: false });
    expect(fault.message).toContain('ECONNREFUSED');
  });

  it('socket destroyed after the request was read → CA_ERR_RESET, may have reached the vendor', async () => {
    const { origin, seen } = await serve((req) => req.socket.destroy());
    const http = client({ baseUrl: origin, caFile });
    const fault = asFault(
      await http.send({
        method: 'PUT',
        path: 'x',
        headers: { 'x-dc-devkey': 'SECRET-KEY-123' },
        body: '{"a":1}',
      }),
    );
    expect(seen).toHaveLength(1);
    expect(fault).toMatchObject({ code: 'CA_ERR_RESET', mayHaveReachedVendor: true });
    expect(fault.message).not.toContain('SECRET-KEY-123');
  });

  it('no answer within headersTimeoutMs → CA_ERR_TIMEOUT, may have reached the vendor', async () => {
    const { origin } = await serve(never);
    const http = client({ baseUrl: origin, caFile, headersTimeoutMs: 200 });
    const started = Date.now();
    const fault = asFault(await http.send({ method: 'GET', path: 'x', headers: {} }));
    expect(fault).toMatchObject({ code: 'CA_ERR_TIMEOUT', mayHaveReachedVendor: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a body that stalls past bodyTimeoutMs → CA_ERR_TIMEOUT', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const http = client({ baseUrl: origin, caFile, bodyTimeoutMs: 200 });
    const fault = asFault(await http.send({ method: 'GET', path: 'x', headers: {} }));
    expect(fault).toMatchObject({ code: 'CA_ERR_TIMEOUT', mayHaveReachedVendor: true });
  });

  it('an untrusted certificate (no caFile) → CA_ERR_TLS, nothing sent', async () => {
    const { origin, seen } = await serve(ok);
    const http = client({ baseUrl: origin });
    const fault = asFault(await http.send({ method: 'GET', path: 'x', headers: {} }));
    expect(fault).toMatchObject({ code: 'CA_ERR_TLS', mayHaveReachedVendor: false });
    expect(seen).toHaveLength(0);
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 does not switch verification off', async () => {
    const { origin } = await serve(ok);
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const http = client({ baseUrl: origin });
      const fault = asFault(await http.send({ method: 'GET', path: 'x', headers: {} }));
      expect(fault.code).toBe('CA_ERR_TLS');
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it('an AbortSignal fired mid-call → CA_ERR_ABORTED, promptly', async () => {
    const { origin } = await serve(never);
    const http = client({ baseUrl: origin, caFile, headersTimeoutMs: 30_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const fault = asFault(
      await http.send({ method: 'GET', path: 'x', headers: {}, signal: controller.signal }),
    );
    expect(fault).toMatchObject({ code: 'CA_ERR_ABORTED', mayHaveReachedVendor: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a signal aborted before the call → CA_ERR_ABORTED, nothing sent', async () => {
    const { origin, seen } = await serve(ok);
    const http = client({ baseUrl: origin, caFile });
    const fault = asFault(
      await http.send({ method: 'GET', path: 'x', headers: {}, signal: AbortSignal.abort() }),
    );
    expect(fault).toMatchObject({ code: 'CA_ERR_ABORTED', mayHaveReachedVendor: false });
    expect(seen).toHaveLength(0);
  });

  it('stops reading a body at maxResponseBytes', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(3 * 1024 * 1024));
    });
    const http = client({ baseUrl: origin, caFile, maxResponseBytes: 1024 });
    const result = asResponse(await http.send({ method: 'GET', path: 'x', headers: {} }));
    expect(result.body).toHaveLength(1024);
  });

  it('answers the n-th attempt with the n-th script entry (500, reset, then 200)', async () => {
    const { origin } = await serve(
      (_req, res) => {
        res.writeHead(500);
        res.end('oops');
      },
      (req) => req.socket.destroy(),
      ok,
    );
    const http = client({ baseUrl: origin, caFile });
    const send = () => http.send({ method: 'GET', path: 'x', headers: {} });
    expect(asResponse(await send()).status).toBe(500);
    expect(asFault(await send()).code).toBe('CA_ERR_RESET');
    expect(asResponse(await send()).status).toBe(200);
  });

  it('refuses an http:// base URL at creation', () => {
    expect(() => createHttpClient({ baseUrl: 'http://127.0.0.1:1/' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_ERR_INVALID' }),
    );
    try {
      createHttpClient({ baseUrl: 'http://127.0.0.1:1/' });
    } catch (error) {
      expect(isRevokerError(error, 'CONFIG_ERR_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/baseUrl/);
    }
  });

  it('close() is idempotent', async () => {
    const { origin } = await serve(ok);
    const http = createHttpClient({ baseUrl: origin, caFile });
    asResponse(await http.send({ method: 'GET', path: 'x', headers: {} }));
    const first = http.close();
    expect(http.close()).toBe(first);
    await first;
  });
});
