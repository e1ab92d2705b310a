/**
 * What happens the moment a vendor request arrives, before any waiting: it is counted for its
 * account, its latency and fault are drawn, and the account's rate limit admits or refuses it.
 * All of it is synchronous, so arrival order alone decides the outcome of a seeded run.
 */
import type { SandboxContext } from './context.ts';
import type { FaultKind } from './faults.ts';
import type { SandboxVendor } from './order-state.ts';
import type { Admission, RateLimit } from './rate-limiter.ts';

export interface Arrival {
  latencyMs: number;
  fault: FaultKind | undefined;
  admission: Admission;
}

export interface ArrivingAccount {
  name: string;
  rateLimits: readonly RateLimit[];
}

export function arrive(
  ctx: SandboxContext,
  vendor: SandboxVendor,
  account: ArrivingAccount | undefined,
  options: { limited: boolean },
): Arrival {
  ctx.accounting.arrival(vendor, account?.name, account?.rateLimits ?? []);
  const draw = ctx.faults.drawArrival();
  let admission: Admission = { admitted: true };
  if (account && options.limited) {
    admission = ctx.limiterOf(vendor, account.name)?.tryAdmit(ctx.now()) ?? admission;
    if (!admission.admitted) ctx.accounting.overLimit(vendor, account.name);
  }
  return { ...draw, admission };
}
