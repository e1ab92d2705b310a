/**
 * The vendor sandbox's public surface: start one, generate or load its seed data, read its
 * stats, make CSRs for replace jobs. Everything else in src/sandbox/ is internal.
 */

export type { AccountStats, WindowStats } from './accounting.ts';
export {
  DEMO_DIGICERT_ACCOUNT,
  DEMO_DIGICERT_USER_ACCOUNT,
  DEMO_SECTIGO_ACCOUNT,
  type DigicertAccount,
  DOC_SAMPLE_SECTIGO_ACCOUNTS,
  defaultAccounts,
  type SandboxAccounts,
  type SectigoAccount,
} from './accounts.ts';
export type { SandboxControls } from './control-routes.ts';
export type { FaultSettings, FaultSettingsPatch } from './fault-controller.ts';
export { FAULT_KINDS, type FaultKind, type FaultRates, parseFaultRates } from './faults.ts';
export { type LatencySpec, parseLatencySpec } from './latency.ts';
export { type CsrKeyType, type MadeCsr, makeCsr } from './make-csr.ts';
export { ORDER_STATES, type OrderState, type SandboxVendor } from './order-state.ts';
export type { OrderSnapshot, OrderStore } from './order-store.ts';
export { parseRateLimits, type RateLimit } from './rate-limiter.ts';
export {
  loadSeedFile,
  parseSeed,
  type SandboxSeed,
  type SandboxSeedInput,
  type SeedOrder,
  type SeedOrderInput,
} from './seed.ts';
export {
  DEFAULT_STATE_MIX,
  DOC_SAMPLE_ORDERS,
  type GenerateSeedOptions,
  generateSeed,
} from './seed-generator.ts';
export { type Sandbox, type SandboxOptions, startSandbox } from './server.ts';
export type { OrderStats, SandboxStats } from './stats.ts';
export {
  checkVariants,
  SANDBOX_VARIANTS,
  type SandboxVariant,
  VARIANT_SPECS,
} from './variants.ts';
