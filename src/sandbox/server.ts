/**
 * Starts the vendor sandbox: one HTTPS server on loopback, with a certificate made at start
 * and its CA written to a file, that answers as Sectigo's Partner API (`/products/!…`) and
 * DigiCert's CertCentral Services API (`/services/v2/…`), plus its own control endpoints
 * (`/_sandbox/…`). An optional plain-HTTP listener answers Sectigo calls with -1.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultAccounts, type SandboxAccounts } from './accounts.ts';
import { createContext } from './context.ts';
import { CONTROL_PREFIX, handleControl, type SandboxControls } from './control-routes.ts';
import { DIGICERT_PREFIX, handleDigicert } from './digicert/router.ts';
import { createFaultController } from './fault-controller.ts';
import type { FaultRates } from './faults.ts';
import type { Action } from './http-reply.ts';
import type { LatencySpec } from './latency.ts';
import type { OrderStore } from './order-store.ts';
import type { RateLimit } from './rate-limiter.ts';
import { frontPage } from './sectigo/front-page.ts';
import { handleSectigo, matchSectigoEndpoint } from './sectigo/router.ts';
import { loadSeedFile, parseSeed, type SandboxSeed, type SandboxSeedInput } from './seed.ts';
import { generateSeed } from './seed-generator.ts';
import { buildStats, type SandboxStats } from './stats.ts';
import { createLoopbackTls } from './tls-certificate.ts';
import { checkVariants, type SandboxVariant } from './variants.ts';

export { SANDBOX_VARIANTS, type SandboxVariant } from './variants.ts';

export interface SandboxOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * More host names its certificate is valid for, besides localhost, 127.0.0.1, ::1 and `host`:
   * the names clients elsewhere reach it by (a container reaching the host, a compose service).
   */
  tlsNames?: readonly string[];
  /** HTTPS port; 0 (the default) picks a free one. */
  port?: number;
  /** Also listen for plain HTTP on this port (0: a free one); Sectigo calls there answer -1. */
  httpPort?: number;
  /** Where to write the CA certificate (PEM). Default: a temporary file, removed on close. */
  caFile?: string;
  /** Accounts and orders. Wins over `seedFile` and `orders`. */
  seedData?: SandboxSeedInput;
  /** A JSON seed file (seed.ts). Wins over `orders`. */
  seedFile?: string;
  /** Generate this many orders (seed-generator.ts) when no seed data is given. Default 0. */
  orders?: number;
  /** Seeds the generated orders, the fault and latency draws, and replacement numbers. Default 1. */
  seed?: number;
  /** Replaces every account's rate limits. */
  rateLimits?: RateLimit[];
  latency?: LatencySpec;
  faultRates?: FaultRates;
  /**
   * Vendor behaviours the docs leave open, each one the real vendor might show (variants.ts):
   * at most one of each group; changeable at run time (`POST /_sandbox/variants`).
   */
  variants?: readonly SandboxVariant[];
  /** The clock for rate limits and accounting (ms). Default Date.now. */
  now?: () => number;
  /** Called with errors the sandbox itself throws (a bug: the request got a 500). Default console.error. */
  onError?: (error: unknown) => void;
}

export interface Sandbox {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` of the plain listener, when asked for. */
  readonly httpUrl: string | undefined;
  readonly httpPort: number | undefined;
  /** `https://127.0.0.1:PORT/products/`: append `!AutoRevokeSSL` and friends. */
  readonly sectigoBaseUrl: string;
  /** `https://127.0.0.1:PORT/services/v2`: append `/order/certificate/{id}/revoke` and friends. */
  readonly digicertBaseUrl: string;
  /** The CA certificate file clients trust (`caFile`, NODE_EXTRA_CA_CERTS). */
  readonly caFile: string;
  readonly caPem: string;
  /** The accounts in force (credentials and limits). */
  readonly accounts: SandboxAccounts;
  /** The seed the sandbox started from (orders as seeded, before any call). */
  readonly seedData: SandboxSeed;
  /** The live order store: read or change orders in process. */
  readonly state: OrderStore;
  /** The same operations as the control endpoints, in process. */
  readonly controls: SandboxControls;
  stats(): SandboxStats;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const prngSeed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error('sandbox error:', error));
  const seed = await resolveSeed(options, prngSeed);
  const accounts = structuredClone(seed.accounts ?? defaultAccounts());
  if (options.rateLimits) {
    for (const account of [...accounts.sectigo, ...accounts.digicert])
      account.rateLimits = [...options.rateLimits];
  }

  const closing = new AbortController();
  const sleep = async (ms: number): Promise<void> => {
    if (!(ms > 0) || closing.signal.aborted) return;
    await delay(ms, undefined, { signal: closing.signal }).catch(() => undefined);
  };
  const faults = createFaultController({
    rates: options.faultRates ?? {},
    latency: options.latency,
    seed: prngSeed,
  });
  const ctx = createContext({
    seed,
    accounts,
    faults,
    prngSeed,
    now,
    sleep,
    variants: checkVariants(options.variants ?? []),
  });

  const controls: SandboxControls = {
    stats: () => buildStats(ctx.accounting.snapshot(), ctx.store),
    order: (vendor, orderNumber) => {
      const order = ctx.store.find(vendor, orderNumber);
      return order && ctx.store.snapshot(order);
    },
    faults: () => faults.settings(),
    setFaults: (patch) => faults.update(patch),
    resetStats: () => ctx.accounting.reset(),
    variants: () => [...ctx.variants] as SandboxVariant[],
    setVariants: (names) => {
      const checked = checkVariants(names);
      ctx.variants.clear();
      for (const name of checked) ctx.variants.add(name);
      return checked;
    },
  };

  const tls = await createLoopbackTls([
    ...new Set(['localhost', ...(isIpLiteral(host) ? [] : [host]), ...(options.tlsNames ?? [])]),
  ]);
  const { caFile, removeCaFile } = await writeCaFile(options.caFile, tls.caPem);

  const hanging = new Set<ServerResponse>();
  const handler = (secure: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, secure).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`sandbox internal error: ${(error as Error).message}\n`);
      }
    });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
      res.end('request body too large\n');
      return;
    }
    const method = req.method ?? 'GET';
    let action: Action;
    const sectigo = matchSectigoEndpoint(url.pathname);
    // A proxy in front of the API answers before the API sees anything (a variant).
    const front = url.pathname.startsWith('/products') ? frontPage(ctx.variants, httpsUrl) : undefined;
    if (front) {
      action = front;
    } else if (sectigo) {
      action = await handleSectigo(ctx, sectigo, {
        method,
        query: url.searchParams,
        body,
        contentType: req.headers['content-type'],
        secure,
      });
    } else if (secure && url.pathname.startsWith(CONTROL_PREFIX)) {
      action = handleControl(controls, method, url.pathname.slice(CONTROL_PREFIX.length), body);
    } else if (url.pathname.startsWith(DIGICERT_PREFIX) && secure) {
      const key = req.headers['x-dc-devkey'];
      action = await handleDigicert(ctx, {
        method,
        path: url.pathname.slice(DIGICERT_PREFIX.length),
        apiKey: Array.isArray(key) ? key[0] : key,
        body,
        contentType: req.headers['content-type'],
        query: url.searchParams,
      });
    } else if (url.pathname.startsWith(DIGICERT_PREFIX)) {
      // As www.digicert.com does: plain HTTP is sent to HTTPS.
      action = {
        kind: 'reply',
        reply: { status: 301, headers: { location: `${httpsUrl}${url.pathname}${url.search}` }, body: '' },
      };
    } else {
      action = {
        kind: 'reply',
        reply: {
          status: 404,
          headers: { 'content-type': 'text/html' },
          body: '<html><body><h1>404 Not Found</h1></body></html>\n',
        },
      };
    }
    perform(action, req, res);
  };

  const perform = (action: Action, req: IncomingMessage, res: ServerResponse): void => {
    if (res.destroyed || closing.signal.aborted) {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    const { status, headers, body } = action.reply;
    const noBody = status === 204 || status === 304;
    res.writeHead(
      status,
      noBody ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    );
    res.end(noBody ? undefined : body);
  };

  const https = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handler(true));
  let plain: Server | undefined;
  let port: number;
  let httpPort: number | undefined;
  try {
    port = await listen(https, options.port ?? 0, host);
    if (options.httpPort !== undefined) {
      plain = createHttpServer(handler(false));
      httpPort = await listen(plain, options.httpPort, host);
    }
  } catch (error) {
    // A port in use must not leave a listener or a temporary CA file behind.
    if (https.listening) await stop(https);
    await removeCaFile();
    throw error;
  }
  const urlHost = urlHostOf(host);
  const httpsUrl = `https://${urlHost}:${port}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      for (const res of hanging) res.destroy();
      await Promise.all([stop(https), plain ? stop(plain) : Promise.resolve()]);
      await removeCaFile();
    })();
    return closed;
  };

  return {
    url: httpsUrl,
    host,
    port,
    httpUrl: httpPort === undefined ? undefined : `http://${urlHost}:${httpPort}`,
    httpPort,
    sectigoBaseUrl: `${httpsUrl}/products/`,
    digicertBaseUrl: `${httpsUrl}/services/v2`,
    caFile,
    caPem: tls.caPem,
    accounts,
    seedData: seed,
    state: ctx.store,
    controls,
    stats: controls.stats,
    close,
  };
}

async function resolveSeed(options: SandboxOptions, prngSeed: number): Promise<SandboxSeed> {
  if (options.seedData !== undefined) return parseSeed(options.seedData, 'seedData');
  if (options.seedFile !== undefined) return loadSeedFile(options.seedFile);
  return generateSeed({ orders: options.orders ?? 0, seed: prngSeed });
}

async function writeCaFile(
  path: string | undefined,
  caPem: string,
): Promise<{ caFile: string; removeCaFile: () => Promise<void> }> {
  if (path !== undefined) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, caPem);
    return { caFile: path, removeCaFile: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'revoker-sandbox-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, caPem);
  return { caFile, removeCaFile: () => rm(dir, { recursive: true, force: true }) };
}

/** The body as text, or undefined when it exceeds `maxBytes`. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** The host as it goes in a URL: wildcard binds are reached through loopback, IPv6 in brackets. */
function urlHostOf(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
