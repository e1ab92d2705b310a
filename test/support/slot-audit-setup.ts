/**
 * Vitest setup for the integration tier: every test file runs under the slot audit
 * (slot-audit.ts), and fails at its end if anything it sent to Redis, as one script, transaction,
 * pipeline or multi-key command, named keys of more than one Redis Cluster slot.
 */
import { afterAll, expect } from 'vitest';
import { installSlotAudit } from './slot-audit.ts';

export const slotAudit = installSlotAudit();

afterAll(() => {
  expect(
    slotAudit.violations(),
    'commands whose keys span Redis Cluster slots (CROSSSLOT on a cluster)',
  ).toEqual([]);
});
