/**
 * The HTTP API's request and response bodies as zod schemas: fastify validates requests and
 * serialises answers with them (fastify-type-provider-zod), and @fastify/swagger turns the same
 * schemas into /openapi.json. Where a body is something the queue layer already defines (a report
 * item, outcome counts, a row error, job data), the schema is tied to that type with `satisfies`,
 * so the two cannot drift; rows themselves are validated by the producer, as `revoker submit`
 * validates them, never here.
 */
import { z } from 'zod';
import type { RowError } from '../jobs/input-row.ts';
import type { OutcomeCounts, ReportItem } from '../queue/batch-report.ts';
import { ITEM_OUTCOMES } from '../queue/item-record.ts';
import type { ItemStatus } from '../queue/item-status.ts';
import type { AccountSplit } from '../queue/producer.ts';
import { queueJobDataSchema } from '../queue/queue-job.ts';
import { OPERATION_NAMES } from '../vendors/operation.ts';
import { OUTCOME_CLASSES } from '../vendors/outcome.ts';

const isoTime = () => z.string().describe('ISO 8601 time (UTC)');

// ---------------------------------------------------------------------------------------------
// Errors

export const rowErrorSchema = z
  .object({
    row: z.int().optional().describe('The row (line of the body; 1 for a single item)'),
    field: z.string().describe('The field or column, as the request names it'),
    message: z.string(),
  })
  .meta({ id: 'RowError' }) satisfies z.ZodType<RowError | Omit<RowError, 'row'>>;

export const errorBodySchema = z
  .object({
    statusCode: z.int(),
    code: z.string().describe('A stable code of docs/errors.md: branch on it, never on the message'),
    error: z.string().describe('The HTTP status text'),
    message: z.string().describe('What went wrong and what to do, naming the field or row'),
    requestId: z.string().describe('Names the request in the server log'),
    details: z
      .object({
        errors: z.array(rowErrorSchema).optional().describe('Every row error (up to 10,000)'),
        rows: z.int().optional(),
        invalid: z.int().optional(),
      })
      .optional(),
  })
  .meta({ id: 'Error', description: 'Every error answer of the API has this shape.' });
export type ErrorBody = z.output<typeof errorBodySchema>;

/** The error answers a route documents (the shape is the same for every status). */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    S,
    typeof errorBodySchema
  >;
}

// ---------------------------------------------------------------------------------------------
// Items

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: 'expected text, a number, true/false or null: a row holds no nested values',
});

export const itemRequestSchema = z
  .object({
    account: z.string({ error: 'required: the name of an account in the config file' }),
    operation: z.enum(OPERATION_NAMES, {
      error: (issue) =>
        issue.input === undefined
          ? `required: one of ${OPERATION_NAMES.join(', ')}`
          : `unknown operation ${JSON.stringify(issue.input)}: expected one of ${OPERATION_NAMES.join(', ')}`,
    }),
  })
  .catchall(cellSchema)
  .meta({
    id: 'ItemRequest',
    description:
      "One input row as JSON: `account`, `operation`, then the operation's parameters under the vendor's " +
      'names (README, "Input files"): sectigo.revokeSSL takes one of orderNumber | certificateID | ' +
      'serialNumber, plus revocationReason, codeReason, test; digicert.revokeOrder takes order_id (or ' +
      'orderNumber) and comments (or revocationReason); … Validated exactly as `revoker submit` validates a row.',
    examples: [
      {
        account: 'acme',
        operation: 'sectigo.revokeSSL',
        serialNumber: '0A1B2C3D4E5F',
        revocationReason: 'key compromise',
      },
    ],
  });

export const itemAcceptedSchema = z
  .object({
    jobId: z.string().describe('The natural job id (account, operation, target): a repeat is the same job'),
    batchId: z.string().describe('The batch of the day the item joined (`lib-api-YYYYMMDD`)'),
    outcome: z.enum(ITEM_OUTCOMES).describe('`in-progress` for new work, else the outcome on record'),
    enqueued: z.boolean().describe('A job was added now (false: the item ran or runs already)'),
    rehearsal: z.boolean(),
  })
  .meta({ id: 'ItemAccepted' });

export const itemStatusSchema = z
  .object({
    jobId: z.string(),
    account: z.string(),
    operation: z.string(),
    target: z.string().describe('`field=value`, e.g. `serialNumber=0A1B2C`'),
    outcome: z.enum(ITEM_OUTCOMES),
    retrying: z.boolean(),
    code: z.string(),
    message: z.string(),
    attempts: z.int(),
    finishedAt: z.string().describe('ISO 8601 when final, else empty'),
    newOrderNumber: z.string(),
    requestId: z.string(),
    confirmed: z.boolean(),
    rehearsal: z.boolean(),
  })
  .meta({ id: 'Item' }) satisfies z.ZodType<ItemStatus>;

export const jobIdParamsSchema = z.object({ jobId: z.string().min(1).max(400) });

// ---------------------------------------------------------------------------------------------
// Batches

export const outcomeCountsSchema = z
  .object({
    total: z.int(),
    retrying: z.int(),
    revoked: z.int(),
    'marked-replaced': z.int(),
    replaced: z.int(),
    rehearsed: z.int(),
    'pending-approval': z.int(),
    'dead-lettered': z.int(),
    'skipped-invalid': z.int(),
    'in-progress': z.int(),
  })
  .meta({ id: 'OutcomeCounts' }) satisfies z.ZodType<OutcomeCounts>;

const accountSplitSchema = z.object({
  account: z.string(),
  real: z.int(),
  rehearsal: z.int(),
}) satisfies z.ZodType<AccountSplit>;

const boolParam = () =>
  z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .optional()
    .transform((v) => v === 'true');

export const batchQuerySchema = z.object({
  skipInvalid: boolParam().describe(
    'Enqueue the valid rows and record the invalid ones as skipped-invalid (default: all or nothing)',
  ),
  rehearsal: boolParam().describe('Rehearse the whole batch'),
  batchId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'letters, digits, . _ -; at most 100' })
    .optional()
    .describe('The batch id (default: generated)'),
  expectRows: z
    .string()
    .regex(/^\d{1,9}$/, { error: 'expected a whole number of rows' })
    .optional()
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .describe('The body must have exactly this many data rows (catches a truncated upload)'),
});

export const batchAcceptedSchema = z
  .object({
    batchId: z.string(),
    rows: z.int(),
    valid: z.int(),
    invalid: z.int(),
    enqueued: z.int(),
    alreadyFinished: z.int().describe('Items finished earlier (another batch): no new vendor call'),
    retried: z.int(),
    split: z.array(accountSplitSchema).describe('Valid items per account, real and rehearsal'),
    errors: z.array(rowErrorSchema).describe('With skipInvalid: the skipped rows (the first 1,000)'),
  })
  .meta({ id: 'BatchAccepted' });

export const batchParamsSchema = z.object({ id: z.string().min(1).max(100) });

export const batchStatusSchema = z
  .object({
    batchId: z.string(),
    state: z.enum(['staging', 'enqueuing', 'submitted']),
    createdAt: isoTime(),
    source: z.string(),
    rows: z.int(),
    valid: z.int(),
    invalid: z.int(),
    counts: outcomeCountsSchema,
    finished: z.boolean().describe('Every item final (none in progress or waiting for an approval)'),
  })
  .meta({ id: 'Batch' });

export const reportQuerySchema = z.object({
  format: z
    .enum(['json', 'csv'], { error: 'expected json or csv' })
    .default('json')
    .describe('json: `{ batchId, counts, items }`; csv: one row per item'),
});

export const reportItemSchema = z
  .object({
    row: z.int(),
    jobId: z.string(),
    account: z.string(),
    operation: z.string(),
    target: z.string(),
    outcome: z.enum(ITEM_OUTCOMES),
    code: z.string(),
    message: z.string(),
    attempts: z.int(),
    finishedAt: z.string(),
    newOrderNumber: z.string(),
    requestId: z.string(),
    confirmed: z.boolean(),
    rehearsal: z.boolean(),
  })
  .meta({ id: 'ReportItem' }) satisfies z.ZodType<ReportItem>;

export const reportSchema = z
  .object({ batchId: z.string(), counts: outcomeCountsSchema, items: z.array(reportItemSchema) })
  .meta({ id: 'Report' });

// ---------------------------------------------------------------------------------------------
// Dead letter

export const deadLetterQuerySchema = z.object({
  account: z.string().optional().describe('Only this account'),
  offset: z
    .string()
    .regex(/^\d{1,9}$/, { error: 'expected a whole number' })
    .default('0')
    .transform(Number),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, { error: 'expected a whole number from 1 to 1000' })
    .default('100')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, { error: 'expected a whole number from 1 to 1000' }),
});

const attemptSchema = z.object({
  at: isoTime(),
  code: z.string(),
  class: z.enum(OUTCOME_CLASSES),
  message: z.string(),
  latencyMs: z.number(),
  mayHaveTakenEffect: z.boolean(),
});

export const deadLetterEntrySchema = z
  .object({
    jobId: z.string(),
    account: z.string(),
    queue: z.string(),
    reason: z.string(),
    deadLetteredAt: isoTime(),
    data: queueJobDataSchema.describe('The job as it was: account, operation, parameters, batch, row'),
    attempts: z.array(attemptSchema),
    final: z
      .object({
        class: z.string(),
        code: z.string(),
        message: z.string(),
        httpStatus: z.int().optional(),
        rawExcerpt: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'DeadLetterEntry' });

export const deadLetterPageSchema = z
  .object({
    total: z.int().describe('Entries in the dead-letter queue (all accounts)'),
    offset: z.int(),
    limit: z.int(),
    entries: z.array(deadLetterEntrySchema),
    nextOffset: z.int().optional().describe('Where the next page starts; absent on the last page'),
  })
  .meta({ id: 'DeadLetterPage' });

export const replayResultSchema = z
  .object({
    replayed: z.array(z.string()),
    skipped: z.array(z.string()).describe('Replayed or purged by another request meanwhile'),
    failed: z.array(z.object({ jobId: z.string(), reason: z.string() })),
  })
  .meta({ id: 'ReplayResult' });

export const replayAllRequestSchema = z
  .object({ account: z.string().optional().describe('Only this account (default: every entry)') })
  .strict()
  .optional();

export const replayAllResultSchema = z
  .object({ replayed: z.int(), skipped: z.int(), failed: replayResultSchema.shape.failed })
  .meta({ id: 'ReplayAllResult' });

// ---------------------------------------------------------------------------------------------
// Accounts

export const accountParamsSchema = z.object({ name: z.string().min(1).max(64) });

export const accountStatusSchema = z
  .object({
    account: z.string(),
    vendor: z.string().describe('`sectigo`, `digicert`, or `(not configured)`'),
    configured: z.boolean().describe('false: jobs wait in Redis for an account this config does not have'),
    state: z.enum(['running', 'paused', 'halted']),
    halt: z.object({ reason: z.string(), code: z.string(), jobId: z.string(), at: isoTime() }).optional(),
    counts: z.object({
      waiting: z.int(),
      active: z.int(),
      delayed: z.int(),
      completed: z.int(),
      failed: z.int(),
    }),
    rateLimit: z.object({ max: z.int(), durationMs: z.int() }).describe('What the whole fleet obeys'),
    rateLimitWaitUntil: isoTime().optional().describe("Waiting for the vendor's rate limit until then"),
    workers: z.int().describe('Worker processes connected to the queue now'),
  })
  .meta({ id: 'Account' });

export const accountsSchema = z.object({ accounts: z.array(accountStatusSchema) }).meta({ id: 'Accounts' });

// ---------------------------------------------------------------------------------------------
// Health

export const livenessSchema = z.object({ status: z.literal('ok') });
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  redis: z.string().describe('`ok`, or why not'),
  config: z.literal('loaded'),
});
