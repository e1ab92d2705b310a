/**
 * The stats a sandbox reports (`stats()` and `GET /_sandbox/stats`): the accounting counters
 * plus, per order that was called or changed, its state and how many successful revokes and
 * replacements it received, so a test can prove no order was revoked twice.
 */
import type { AccountingSnapshot, OrderCallStats } from './accounting.ts';
import type { OrderState, SandboxVendor } from './order-state.ts';
import type { OrderStore } from './order-store.ts';

export interface OrderStats extends OrderCallStats {
  vendor: SandboxVendor;
  account: string;
  orderNumber: string;
  state: OrderState;
  /** Revokes (or rejections) that took effect, since the sandbox started. */
  successfulRevokes: number;
  /** Replacement orders created from this order, since the sandbox started. */
  replacements: number;
}

export interface SandboxStats extends Omit<AccountingSnapshot, 'orderCalls'> {
  /** Keyed `vendor:orderNumber`; only orders called since the last reset or ever changed by a call. */
  orders: Record<string, OrderStats>;
}

export function buildStats(accounting: AccountingSnapshot, store: OrderStore): SandboxStats {
  const { orderCalls, ...rest } = accounting;
  const orders: Record<string, OrderStats> = {};
  for (const order of store.list()) {
    const key = `${order.vendor}:${order.orderNumber}`;
    const calls = orderCalls[key];
    if (!calls && order.successfulRevokes === 0 && order.replacedBy.length === 0) continue;
    orders[key] = {
      vendor: order.vendor,
      account: order.account,
      orderNumber: order.orderNumber,
      state: order.state,
      calls: calls?.calls ?? 0,
      codes: calls?.codes ?? {},
      successfulRevokes: order.successfulRevokes,
      replacements: order.replacedBy.length,
    };
  }
  return { ...rest, orders };
}
