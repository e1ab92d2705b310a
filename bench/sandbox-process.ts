/**
 * The child-process side of the bench sandbox (see sandbox-child.ts): starts the vendor sandbox
 * with `benchSeed(orders)` and the given rate limits, then answers the parent over IPC.
 * A separate process so the sandbox's HTTPS work does not share the event loop of what is
 * measured. Arrival times of vendor requests are recorded from Node's `http.server.request.start`
 * diagnostics channel, which the sandbox code does not know about.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { LatencySpec } from '../src/sandbox/latency.ts';
import { startSandbox } from '../src/sandbox/server.ts';
import { benchSeed } from './orders.ts';

export interface SandboxProcessOptions {
  orders: number;
  rateLimits: { max: number; durationMs: number }[];
  seed?: number;
  /** Added to every vendor answer (src/sandbox/latency.ts); none by default. */
  latency?: LatencySpec;
}

export type SandboxRequest =
  | { id: number; type: 'stats' }
  | { id: number; type: 'reset' }
  | { id: number; type: 'arrivals' }
  | { id: number; type: 'latency'; latency: LatencySpec }
  | { id: number; type: 'close' };

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxProcessOptions;
const seed = benchSeed(options.orders, options.seed);
const sandbox = await startSandbox({
  seedData: seed,
  rateLimits: options.rateLimits,
  ...(options.latency ? { latency: options.latency } : {}),
  onError: () => {},
});

let arrivals: number[] = [];
subscribe('http.server.request.start', (message) => {
  const request = (message as { request: IncomingMessage }).request;
  if (request.url?.startsWith('/products')) arrivals.push(performance.timeOrigin + performance.now());
});

const reply = (id: number, body: unknown) => process.send?.({ id, body });

process.on('message', (message: SandboxRequest) => {
  switch (message.type) {
    case 'stats': {
      const { orders, ...stats } = sandbox.stats();
      let revokedOnce = 0;
      let revokedMoreThanOnce = 0;
      for (const order of Object.values(orders)) {
        if (order.successfulRevokes === 1) revokedOnce++;
        if (order.successfulRevokes > 1) revokedMoreThanOnce++;
      }
      reply(message.id, { ...stats, revokedOnce, revokedMoreThanOnce });
      break;
    }
    case 'reset':
      sandbox.controls.resetStats();
      arrivals = [];
      reply(message.id, null);
      break;
    case 'arrivals':
      reply(message.id, arrivals);
      break;
    case 'latency':
      sandbox.controls.setFaults({ latency: message.latency });
      reply(message.id, null);
      break;
    case 'close':
      void sandbox.close().then(() => {
        reply(message.id, null);
        process.disconnect();
      });
      break;
  }
});
// The parent went away: leave nothing listening.
process.on('disconnect', () => {
  void sandbox.close().then(() => process.exit(0));
});

process.send?.({
  ready: {
    url: sandbox.url,
    sectigoBaseUrl: sandbox.sectigoBaseUrl,
    caFile: sandbox.caFile,
    caPem: sandbox.caPem,
    orderNumbers: seed.orders.map((o) => o.orderNumber),
  },
});
