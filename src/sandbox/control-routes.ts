/**
 * The sandbox's own HTTP endpoints under `/_sandbox/`, so tests and benchmarks in other
 * processes can read and steer it (never counted, limited or faulted like vendor calls):
 *
 *   GET  /_sandbox/stats                          the stats (stats.ts)
 *   GET  /_sandbox/orders/{vendor}/{orderNumber}  one order's state, counters and requests
 *   GET  /_sandbox/faults                         current fault rates, latency and seed
 *   POST /_sandbox/faults                         change them: {"rates":{…},"latency":{…},"seed":n}
 *   POST /_sandbox/reset-stats                    zero the accounting (order states stay)
 *   GET  /_sandbox/variants                       the variants on, and every one available
 *   POST /_sandbox/variants                       switch to exactly these: {"variants":["…"]}
 */
import type { FaultSettings, FaultSettingsPatch } from './fault-controller.ts';
import { faultSettingsPatchSchema } from './fault-controller.ts';
import { type Action, emptyReply, jsonReply } from './http-reply.ts';
import { SANDBOX_VENDORS, type SandboxVendor } from './order-state.ts';
import type { OrderSnapshot } from './order-store.ts';
import type { SandboxStats } from './stats.ts';
import { type SandboxVariant, VARIANT_SPECS } from './variants.ts';

export const CONTROL_PREFIX = '/_sandbox/';

export interface SandboxControls {
  stats(): SandboxStats;
  order(vendor: SandboxVendor, orderNumber: string): OrderSnapshot | undefined;
  faults(): FaultSettings;
  setFaults(patch: FaultSettingsPatch): FaultSettings;
  resetStats(): void;
  variants(): SandboxVariant[];
  /** Replaces the variants in force; throws on an unknown name or two of one group. */
  setVariants(names: readonly string[]): SandboxVariant[];
}

export function handleControl(controls: SandboxControls, method: string, path: string, body: string): Action {
  const route = `${method} ${path}`;
  if (route === 'GET stats') return jsonReply(200, controls.stats());
  if (route === 'GET faults') return jsonReply(200, controls.faults());
  if (route === 'POST reset-stats') {
    controls.resetStats();
    return emptyReply(204);
  }
  if (route === 'GET variants') {
    return jsonReply(200, { variants: controls.variants(), available: VARIANT_SPECS });
  }
  if (route === 'POST variants') {
    let json: unknown;
    try {
      json = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return jsonReply(400, { error: 'body is not valid JSON' });
    }
    const names = (json as { variants?: unknown }).variants;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      return jsonReply(400, { error: 'expected {"variants": ["name", …]}' });
    }
    try {
      return jsonReply(200, { variants: controls.setVariants(names) });
    } catch (error) {
      return jsonReply(400, { error: (error as Error).message });
    }
  }
  if (route === 'POST faults') {
    let json: unknown;
    try {
      json = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return jsonReply(400, { error: 'body is not valid JSON' });
    }
    const parsed = faultSettingsPatchSchema.safeParse(json);
    if (!parsed.success) {
      return jsonReply(400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    }
    try {
      return jsonReply(200, controls.setFaults(parsed.data));
    } catch (error) {
      return jsonReply(400, { error: (error as Error).message });
    }
  }
  const order = /^orders\/([^/]+)\/([^/]+)$/.exec(path);
  if (method === 'GET' && order) {
    const vendor = order[1] as SandboxVendor;
    if (!SANDBOX_VENDORS.includes(vendor)) return jsonReply(404, { error: `unknown vendor ${order[1]}` });
    const snapshot = controls.order(vendor, decodeURIComponent(order[2] ?? ''));
    return snapshot ? jsonReply(200, snapshot) : jsonReply(404, { error: `no ${vendor} order ${order[2]}` });
  }
  return jsonReply(404, { error: `no control endpoint ${method} /_sandbox/${path}` });
}
