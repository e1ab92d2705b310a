/**
 * What a BullMQ job of an account queue holds: the job data of src/jobs/job-data.ts plus the
 * queue's own follow-up step (DigiCert approval), validated again in the worker (a queue is a
 * boundary too). Never a credential: the account is a name the worker resolves from its config.
 */
import { z } from 'zod';
import { jobDataSchema } from '../jobs/job-data.ts';

export const followUpSchema = z.object({
  /** DigiCert: approve the pending revoke request, or look at it again later. */
  step: z.enum(['approve', 'poll']),
  requestId: z.string().min(1),
});

export const queueJobDataSchema = jobDataSchema.extend({
  followUp: followUpSchema.optional(),
  /** Re-enqueued from the dead-letter queue: its earlier attempts are in its item record. */
  replayed: z.boolean().optional(),
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
