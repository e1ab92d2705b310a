/**
 * The worker's small HTTP endpoint (`revoker worker --metrics-port`): `GET /metrics` for
 * Prometheus and `GET /healthz` for a container's HEALTHCHECK. Plain node:http: a worker needs two
 * routes, not a web framework.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RevokerMetrics } from './revoker-metrics.ts';

export interface Health {
  ok: boolean;
  /** Why not, when not. */
  reason?: string;
}

export interface MetricsServerOptions {
  metrics: RevokerMetrics;
  health: () => Promise<Health>;
  port: number;
  /** @defaultValue 127.0.0.1 */
  host?: string;
}

export interface MetricsServer {
  /** `http://host:port`, with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(405, 'application/json', JSON.stringify({ error: 'only GET' }));
      return;
    }
    if (path === '/metrics') {
      options.metrics.scrape().then(
        ({ contentType, body }) => answer(200, contentType, body),
        (error: unknown) => answer(500, 'text/plain', `metrics failed: ${String(error)}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      options.health().then(
        (health) =>
          answer(
            health.ok ? 200 : 503,
            'application/json',
            JSON.stringify(health.ok ? { status: 'ok' } : { status: 'unhealthy', reason: health.reason }),
          ),
        (error: unknown) =>
          answer(503, 'application/json', JSON.stringify({ status: 'unhealthy', reason: String(error) })),
      );
      return;
    }
    answer(404, 'application/json', JSON.stringify({ error: 'not found: GET /metrics or /healthz' }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
