/**
 * The load of (e): `clients` concurrent clients, each sending one request after another over its
 * own keep-alive connection (an undici Pool of that many connections), until `requests` have
 * been sent. Reports requests per second over the whole run and latency percentiles.
 */
import { Pool } from 'undici';
import { perSecond, round } from './log.ts';

export interface LoadResult {
  requests: number;
  ms: number;
  requestsPerSec: number;
  /** Answers other than the expected status (none expected). */
  unexpected: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface LoadOptions {
  url: string;
  requests: number;
  clients: number;
  /** The nth request's body (JSON). */
  body(n: number): unknown;
  headers?: Record<string, string>;
  expectStatus: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.clients, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let unexpected = 0;
  const client = async () => {
    for (let n = next++; n < options.requests; n = next++) {
      const sent = performance.now();
      const response = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(options.body(n)),
      });
      await response.body.dump();
      latencies.push(performance.now() - sent);
      if (response.statusCode !== options.expectStatus) unexpected++;
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    await pool.close();
  }
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0, 2);
  return {
    requests: options.requests,
    ms: Math.round(ms),
    requestsPerSec: perSecond(options.requests, ms),
    unexpected,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
  };
}
