/**
 * What a BullMQ job of an account queue holds, validated again in the worker (a queue is a
 * boundary too). Never a credential: the account is a name the worker resolves from its config.
 */
import { z } from 'zod';
import { OPERATION_NAMES } from '../vendors/operation.ts';

export const followUpSchema = z.object({
  /** DigiCert: approve the pending revoke request, or look at it again later. */
  step: z.enum(['approve', 'poll']),
  requestId: z.string().min(1),
});

export const queueJobDataSchema = z.object({
  account: z.string().min(1),
  operation: z.enum(OPERATION_NAMES),
  params: z.record(z.string(), z.unknown()),
  /** The batch that first submitted the item. */
  batchId: z.string().min(1),
  /** The item's row in that batch's input. */
  row: z.number().int().nonnegative(),
  followUp: followUpSchema.optional(),
});

export type QueueJobData = z.infer<typeof queueJobDataSchema>;

export function parseQueueJobData(
  data: unknown,
): { ok: true; data: QueueJobData } | { ok: false; error: string } {
  const result = queueJobDataSchema.safeParse(data);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, error: z.prettifyError(result.error) };
}
