/**
 * What a BullMQ job of an account queue holds: the job data of src/jobs/job-data.ts plus the
 * queue's own follow-up step (DigiCert approval), validated again in the worker (a queue is a
 * boundary too). Never a credential: the account is a name the worker resolves from its config.
 */
import { z } from 'zod';
import { jobDataSchema } from '../jobs/job-data.ts';

export const followUpSchema = z.object({
  /**
   * `approve` the pending revoke request, or `poll` (look at it again later); `verify`: read the
   * target before recording or re-sending an uncertain revoke; `find`: look for a pending revoke
   * request for it (one page of the list); `send`: the revoke again, verified; `call`: the
   * operation again after a deferral.
   */
  step: z.enum(['approve', 'poll', 'verify', 'find', 'send', 'call']),
  requestId: z.string().min(1).optional(),
  /** verify, find: what a target neither revoked nor with a pending request means (send again, or tell a person). */
  ifNotRevoked: z.enum(['send', 'unconfirmed']).optional(),
  /** find: where in the pending request list to read on. */
  offset: z.int().nonnegative().optional(),
  /** How often the job was deferred after a resume (decide.ts SUSPECT_MAX_DEFERRALS). */
  deferrals: z.int().nonnegative().optional(),
});

export const queueJobDataSchema = jobDataSchema.extend({
  followUp: followUpSchema.optional(),
  /** Re-enqueued from the dead-letter queue: its earlier attempts are in its item record. */
  replayed: z.boolean().optional(),
  /** Transient answers retried so far (the processor retries; BullMQ's attempts are not used). */
  retries: z.int().nonnegative().optional(),
  /** The transient answer retried last (`code: message`), for dashboards (BullMQ's failedReason was). */
  retryReason: z.string().optional(),
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
