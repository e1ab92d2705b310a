/**
 * What a BullMQ job holds: the account's name, the operation, its parameters, and where the item
 * came from (batch and row). Never a credential: the worker resolves the account's credentials
 * from its own config, so nothing secret ever reaches Redis.
 *
 * The schema is the validation and `JobData` the type; `satisfies` keeps the two from drifting
 * (and test/unit/jobs/job-data.test.ts checks the inferred type at compile time).
 */

import { z } from 'zod';
import { accountNameSchema } from '../config.ts';
import { OPERATION_NAMES, type OperationName } from '../vendors/operation.ts';

export interface JobData {
  /** The account name from the config; the worker looks its credentials up. */
  account: string;
  operation: OperationName;
  /** The operation's parameters, validated and normalised by its schema. */
  params: Record<string, unknown>;
  /** The batch that submitted the item. */
  batchId: string;
  /** The item's row in that batch's input (the line number in a file; 1 for a single item). */
  row: number;
  /**
   * Decided at submit (the account's `rehearsal`, `submit --rehearsal`, or the row's `test=Y`):
   * the worker asks the vendor to validate only, whatever its own config says. Absent in jobs
   * enqueued before the flag existed; the job id's `~rehearsal` suffix then says.
   */
  rehearsal?: boolean | undefined;
}

/**
 * Parameter names that are credentials. Compared without case: Sectigo reads parameter names
 * case-insensitively, so `LOGINPASSWORD` is a password too.
 */
export const CREDENTIAL_PARAM_NAMES = [
  'loginName',
  'loginPassword',
  'saspSessionID',
  'apiKey',
  'x-dc-devkey',
] as const;

const credentialNames = new Set(CREDENTIAL_PARAM_NAMES.map((name) => name.toLowerCase()));

export function isCredentialParam(name: string): boolean {
  return credentialNames.has(name.toLowerCase());
}

export const jobDataSchema = z.object({
  account: accountNameSchema,
  operation: z.enum(OPERATION_NAMES),
  params: z.record(z.string(), z.unknown()).superRefine((params, ctx) => {
    for (const name of Object.keys(params)) {
      if (isCredentialParam(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'credentials never go into job data: the worker takes them from the account config',
        });
      }
    }
  }),
  batchId: z.string().min(1).max(100),
  row: z.int().nonnegative(),
  rehearsal: z.boolean().optional(),
}) satisfies z.ZodType<JobData>;

/** Validates job data read back from Redis (a queue is a boundary too). */
export function parseJobData(value: unknown): { ok: true; data: JobData } | { ok: false; error: string } {
  const result = jobDataSchema.safeParse(value);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, error: z.prettifyError(result.error) };
}
