/**
 * What DigiCert's two revoke endpoints share (`PUT order/certificate/{order_id}/revoke` and
 * `PUT certificate/{certificate_id or serial}/revoke`): the body's fields and how they are
 * checked, how the body is built, and how the answer is read.
 *
 * Without `skip_approval` DigiCert answers 201 with a revoke request that stays `pending` until an
 * administrator approves it (request.ts can approve it through the API). With `skip_approval`
 * (admin keys only) the revoke is final at once and DigiCert answers 204, or 201 with no body,
 * and stores no comment: our own record is then the only record of the reason. A yes we cannot
 * read is never a revoke by itself: the outcome says `unconfirmed` and the queue reads first.
 */
import { z } from 'zod';
import { ErrorCodes } from '../../errors.ts';
import type { DigicertAccount, ExecuteOptions } from '../operation.ts';
import { excerpt, makeOutcome, type Outcome } from '../outcome.ts';
import { isEmptyBody, isOutcome, scrubKey, sendDigicert } from './call.ts';
import { classifyDigicertError, parseDigicertErrors, refusesRevocationReason } from './errors.ts';
import { parseRequestObject } from './request.ts';
import {
  DIGICERT_REVOCATION_REASONS,
  type DigicertRevocationReason,
  learnAccepted,
  learnRefusal,
  type ReasonSpelling,
  spellReason,
} from './revocation-reason.ts';

/**
 * DigiCert publishes no limit. 1024 matches Sectigo's revocationReason, keeps every job record
 * and log line bounded, and stops a CSV column gone wrong (a whole file in one cell) at intake.
 */
export const COMMENTS_MAX_CHARS = 1024;

/** A DigiCert id in a path (`order_id`, `certificate_id`): digits only (CSV gives text), a positive safe integer. */
export function positiveIdField(name: string) {
  return z
    .union([z.number(), z.string()], { error: `${name} must be a positive integer` })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? String(value) : value.trim();
      // No sign, no decimals, no exponent: then compared as a number.
      const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(n) || n <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a positive integer (got ${JSON.stringify(value)})`,
        });
        return z.NEVER;
      }
      return n;
    });
}

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false, y: true, n: false };

const skipApproval = z
  .union([z.boolean(), z.string()], { error: 'skip_approval must be true or false' })
  .transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const parsed = BOOLEAN_TEXT[value.trim().toLowerCase()];
    if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `skip_approval must be true, false, Y or N (got ${JSON.stringify(value)})`,
      });
      return z.NEVER;
    }
    return parsed;
  });

/** The body fields of both revoke endpoints, under DigiCert's names. */
export const revokeBodyFields = {
  // Optional: without one the call says who asked (the batch), since every form of the docs
  // takes a comment and the older ones require it.
  comments: z
    .string({ error: 'comments must be text saying why the certificate is revoked' })
    .trim()
    .min(1, { error: 'comments must not be empty' })
    .max(COMMENTS_MAX_CHARS, { error: `comments must be at most ${COMMENTS_MAX_CHARS} characters` })
    .optional(),
  revocation_reason: z
    .enum(DIGICERT_REVOCATION_REASONS, {
      error: `revocation_reason must be one of ${DIGICERT_REVOCATION_REASONS.join(', ')}`,
    })
    .optional(),
  skip_approval: skipApproval.optional(),
};

/** Refuses unknown fields, naming them (a typo must not fall back to a default). */
export const unknownFieldsMessage = {
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : undefined,
};

export interface RevokeFields {
  comments?: string | undefined;
  revocation_reason?: DigicertRevocationReason | undefined;
  skip_approval?: boolean | undefined;
}

export interface RevokeBody {
  comments: string;
  revocation_reason?: string;
  skip_approval?: true;
}

/** The comment sent when the job gives none: who asked, so CertCentral's request says. */
export function defaultComments(reference: string | undefined): string {
  return `revoked by revoker${reference ? ` (${reference})` : ''}`.slice(0, COMMENTS_MAX_CHARS);
}

/**
 * The JSON body. `comments` is always sent (the form every version of the docs takes), the job's
 * or a default naming who asked. `skip_approval` comes from the job when it says, else from the
 * account, and is sent only when true (DigiCert's default is false, and the samples leave it out).
 */
export function buildRevokeBody(
  fields: RevokeFields,
  account: Pick<DigicertAccount, 'skipApproval'>,
  options: { reference?: string; reasonSpelling?: ReasonSpelling } = {},
): RevokeBody {
  const body: RevokeBody = { comments: fields.comments ?? defaultComments(options.reference) };
  if (fields.revocation_reason !== undefined) {
    body.revocation_reason = spellReason(fields.revocation_reason, options.reasonSpelling ?? 'snake');
  }
  if (fields.skip_approval ?? account.skipApproval) body.skip_approval = true;
  return body;
}

/** Parameters that failed their schema again in the worker: permanent, without a call. */
export function invalidParams(error: z.ZodError): Outcome {
  return makeOutcome({
    class: 'permanent',
    vendor: 'digicert',
    code: ErrorCodes.CA_ERR_PARAMS,
    message: `invalid parameters: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    latencyMs: 0,
  });
}

/**
 * Sends a revoke of `what` (`order 42`, `certificate 7`) to `path` and reads the answer: a request
 * (pending, approved, rejected), a revoke at once after skip_approval, a yes we cannot read
 * (`unconfirmed`), or an error through the one classification table.
 */
export async function sendRevoke(
  account: DigicertAccount,
  path: string,
  what: string,
  fields: RevokeFields,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  const spelling = account.reasonSpelling?.spelling ?? 'snake';
  const body = buildRevokeBody(fields, account, {
    ...(options.reference !== undefined ? { reference: options.reference } : {}),
    reasonSpelling: spelling,
  });
  const result = await sendDigicert(account, { method: 'PUT', path, body: { ...body } }, options);
  if (isOutcome(result)) return result;

  const { status, latencyMs } = result;
  if (status < 200 || status >= 300) {
    const outcome = classifyDigicertError(result, account);
    return body.revocation_reason === undefined ? outcome : respell(account, spelling, result.body, outcome);
  }
  if (account.reasonSpelling && body.revocation_reason !== undefined) {
    learnAccepted(account.reasonSpelling, spelling);
  }

  // skip_approval revokes at once; DigiCert documents 204 (or 201) with no body for it.
  if (isEmptyBody(result.body) && (status === 204 || status === 201) && body.skip_approval === true) {
    return makeOutcome({
      class: 'done',
      vendor: 'digicert',
      code: String(status),
      message: `${what} revoked (no approval request)`,
      httpStatus: status,
      latencyMs,
    });
  }
  const request = status === 201 ? parseRequestObject(result.body) : undefined;
  if (request === undefined) {
    // A yes we cannot read (an empty or odd 201, another 2xx): neither proof of a revoke nor a
    // reason to ask a second time. The queue reads before it records anything.
    return makeOutcome({
      class: 'done',
      vendor: 'digicert',
      code: String(status),
      message: `${what}: DigiCert answered HTTP ${status} without a revoke request we can read`,
      httpStatus: status,
      learned: { unconfirmed: true },
      ...(isEmptyBody(result.body) ? {} : { rawExcerpt: excerpt(scrubKey(account, result.body)) }),
      latencyMs,
    });
  }
  return makeOutcome({
    class: 'done',
    vendor: 'digicert',
    code: String(status),
    message: `${what}: revoke request ${request.id} is ${request.status}`,
    httpStatus: status,
    learned: { requestId: request.id, requestStatus: request.status },
    latencyMs,
  });
}

/**
 * A refusal naming `revocation_reason` while the other spelling is untried: the call did
 * nothing, so it is sent again (a retry, its own rate-limit slot) with the other spelling.
 */
function respell(
  account: DigicertAccount,
  spelling: ReasonSpelling,
  body: string,
  outcome: Outcome,
): Outcome {
  const memo = account.reasonSpelling;
  const errors = parseDigicertErrors(body) ?? [];
  if (!memo || outcome.class !== 'permanent' || !errors.some(refusesRevocationReason)) return outcome;
  if (!learnRefusal(memo, spelling)) return outcome;
  return makeOutcome({
    ...outcome,
    class: 'transient',
    message: `${outcome.message}: sending revocation_reason in ${memo.spelling === 'camel' ? 'camelCase' : 'snake_case'} next`,
    mayHaveTakenEffect: false,
  });
}
