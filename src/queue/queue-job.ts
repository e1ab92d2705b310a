/**
 * What a BullMQ job of an account queue holds: the job data of src/jobs/job-data.ts plus the
 * queue's own follow-up step (DigiCert approval), validated again in the worker (a queue is a
 * boundary too). Never a credential: the account is a name the worker resolves from its config.
 */
import { z } from 'zod';
import { jobDataSchema } from '../jobs/job-data.ts';

export const followUpSchema = z.object({
  /**
   * DigiCert: approve the pending revoke request, or look at it again later; `verify`: read the
   * order before recording or re-sending an uncertain revoke; `send`: the revoke again, verified.
   */
  step: z.enum(['approve', 'poll', 'verify', 'send']),
  requestId: z.string().min(1).optional(),
  /** verify: what an order that is not revoked means (send again, or an unconfirmed yes). */
  ifNotRevoked: z.enum(['send', 'unconfirmed']).optional(),
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
