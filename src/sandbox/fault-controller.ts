/**
 * The sandbox's run-time fault and latency settings, and the per-request draw. Everything is
 * drawn synchronously when a request arrives, from one seeded PRNG, so the same seed and the
 * same arrival order give the same faults and latencies.
 */
import { z } from 'zod';
import { drawFault, type FaultKind, type FaultRates, faultRatesSchema } from './faults.ts';
import { type LatencySpec, latencySpecSchema, NO_LATENCY, sampleLatencyMs } from './latency.ts';
import { createPrng, type Prng } from './prng.ts';

export interface FaultSettings {
  rates: FaultRates;
  latency: LatencySpec;
  seed: number;
}

/** The body of `POST /_sandbox/faults`: rates merge into the current ones; a seed restarts the PRNG. */
export const faultSettingsPatchSchema = z.strictObject({
  rates: faultRatesSchema.optional(),
  latency: latencySpecSchema.optional(),
  seed: z.number().int().optional(),
});
export type FaultSettingsPatch = z.infer<typeof faultSettingsPatchSchema>;

export interface ArrivalDraw {
  latencyMs: number;
  fault: FaultKind | undefined;
}

export interface FaultController {
  settings(): FaultSettings;
  update(patch: FaultSettingsPatch): FaultSettings;
  /** Latency and fault for one arriving vendor request. */
  drawArrival(): ArrivalDraw;
  /** For choices made while rendering a fault (which 5xx, which garbage). */
  readonly prng: Prng;
}

export function createFaultController(initial: Partial<FaultSettings> = {}): FaultController {
  let settings: FaultSettings = {
    rates: { ...initial.rates },
    latency: initial.latency ?? NO_LATENCY,
    seed: initial.seed ?? 1,
  };
  let prng = createPrng(settings.seed);
  return {
    settings: () => structuredClone(settings),
    update(patch) {
      const rates = { ...settings.rates, ...patch.rates };
      const checked = faultRatesSchema.safeParse(rates);
      if (!checked.success) throw new Error('fault rates must add up to at most 1');
      settings = { rates, latency: patch.latency ?? settings.latency, seed: patch.seed ?? settings.seed };
      if (patch.seed !== undefined) prng = createPrng(patch.seed);
      return structuredClone(settings);
    },
    drawArrival() {
      return { latencyMs: sampleLatencyMs(settings.latency, prng), fault: drawFault(settings.rates, prng) };
    },
    get prng() {
      return prng;
    },
  };
}
