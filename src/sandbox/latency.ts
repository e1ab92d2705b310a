/**
 * Response latency of the fake vendors: a distribution, never a constant, because a client
 * tuned against a constant delay learns nothing about tails. Log-normal by median and p99
 * (how real API latencies look), or uniform between two bounds.
 */
import { z } from 'zod';
import type { Prng } from './prng.ts';

export const latencySpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z
    .object({ kind: z.literal('uniform'), minMs: z.number().min(0), maxMs: z.number().min(0) })
    .refine((s) => s.maxMs >= s.minMs, { message: 'maxMs must be at least minMs' }),
  z
    .object({
      kind: z.literal('lognormal'),
      medianMs: z.number().positive(),
      p99Ms: z.number().positive(),
      /** Upper cap, so one unlucky draw cannot stall a test (default 10 × p99). */
      maxMs: z.number().positive().optional(),
    })
    .refine((s) => s.p99Ms >= s.medianMs, { message: 'p99Ms must be at least medianMs' }),
]);
export type LatencySpec = z.infer<typeof latencySpecSchema>;

export const NO_LATENCY: LatencySpec = { kind: 'none' };

/** z such that P(Z < z) = 0.99 for a standard normal Z. */
const Z_99 = 2.326347874040841;

/** Draws one latency in milliseconds. */
export function sampleLatencyMs(spec: LatencySpec, prng: Prng): number {
  switch (spec.kind) {
    case 'none':
      return 0;
    case 'uniform':
      return spec.minMs + prng.next() * (spec.maxMs - spec.minMs);
    case 'lognormal': {
      const mu = Math.log(spec.medianMs);
      const sigma = (Math.log(spec.p99Ms) - mu) / Z_99;
      const value = Math.exp(mu + sigma * prng.normal());
      return Math.min(value, spec.maxMs ?? spec.p99Ms * 10);
    }
  }
}

/**
 * Parses the CLI form: `none`, `uniform:MIN:MAX`, `lognormal:MEDIAN:P99[:MAX]`
 * (all in milliseconds). Throws with a message naming the expected forms.
 */
export function parseLatencySpec(text: string): LatencySpec {
  const [kind, ...numbers] = text.trim().split(':');
  const values = numbers.map(Number);
  const usage = `invalid latency "${text}": use none, uniform:MIN:MAX or lognormal:MEDIAN:P99[:MAX] (ms)`;
  if (values.some((v) => !Number.isFinite(v))) throw new Error(usage);
  let candidate: unknown;
  if (kind === 'none' && values.length === 0) candidate = { kind };
  else if (kind === 'uniform' && values.length === 2)
    candidate = { kind, minMs: values[0], maxMs: values[1] };
  else if (kind === 'lognormal' && (values.length === 2 || values.length === 3))
    candidate = { kind, medianMs: values[0], p99Ms: values[1], ...(values[2] ? { maxMs: values[2] } : {}) };
  const parsed = latencySpecSchema.safeParse(candidate);
  if (!parsed.success) throw new Error(usage);
  return parsed.data;
}
