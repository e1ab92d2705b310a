/**
 * DigiCert revoke requests: reading one (`GET request/{id}`) and approving one
 * (`PUT request/{id}/status`). A revoke without `skip_approval` creates a request that stays
 * `pending` until an administrator approves it; approving through the API finishes the
 * revocation at the cost of one more call against the account's rate limit.
 */

import { z } from 'zod';
import { RevokerError } from '../../errors.ts';
import type { DigicertAccount, ExecuteOptions } from '../operation.ts';
import {
  type DigicertRequestStatus,
  makeOutcome,
  type Outcome,
  outcomeFromUnreadableBody,
} from '../outcome.ts';
import { isOutcome, parseJson, scrubKey, sendDigicert } from './call.ts';
import { classifyDigicertError } from './errors.ts';

export const DIGICERT_REQUEST_STATUSES = [
  'submitted',
  'pending',
  'approved',
  'rejected',
] as const satisfies readonly DigicertRequestStatus[];

/**
 * The request object DigiCert returns from a revoke (201) and from `GET request/{id}`. Only the
 * fields we act on are checked; the rest (date, requester, comments) passes through unread.
 */
export const requestObjectSchema = z.object({
  id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
  status: z.enum(DIGICERT_REQUEST_STATUSES),
  type: z.string().optional(),
});

export type DigicertRequestObject = z.infer<typeof requestObjectSchema>;

/** The request object in a body, or `undefined` when the body is not one. */
export function parseRequestObject(body: string): DigicertRequestObject | undefined {
  const parsed = requestObjectSchema.safeParse(parseJson(body));
  return parsed.success ? parsed.data : undefined;
}

/** DigiCert does not publish a limit; ours keeps the record small, as for revoke comments. */
export const PROCESSOR_COMMENT_MAX_CHARS = 1024;

/** Reads a request's status: done with `learned.requestStatus`, or the error's Outcome. */
export async function getRequest(
  account: DigicertAccount,
  requestId: string,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  const id = checkRequestId(requestId);
  const result = await sendDigicert(account, { method: 'GET', path: `request/${id}` }, options);
  if (isOutcome(result)) return result;
  if (result.status !== 200) return classifyDigicertError(result, account);

  const request = parseRequestObject(result.body);
  if (request === undefined) {
    return outcomeFromUnreadableBody(
      'digicert',
      200,
      scrubKey(account, result.body),
      result.latencyMs,
      'not a request object',
    );
  }
  return makeOutcome({
    class: 'done',
    vendor: 'digicert',
    code: '200',
    message: `request ${request.id} is ${request.status}`,
    httpStatus: 200,
    learned: { requestId: request.id, requestStatus: request.status },
    latencyMs: result.latencyMs,
  });
}

/**
 * Approves a pending request: done with `requestStatus: 'approved'` on 200 or 204.
 * `comment` goes to DigiCert as `processor_comment`; an empty one is left out.
 */
export async function approveRequest(
  account: DigicertAccount,
  requestId: string,
  comment: string,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  const id = checkRequestId(requestId);
  const processorComment = comment.trim();
  if (processorComment.length > PROCESSOR_COMMENT_MAX_CHARS) {
    throw new RevokerError(
      'CA_ERR_PARAMS',
      `processor_comment must be at most ${PROCESSOR_COMMENT_MAX_CHARS} characters (got ${processorComment.length})`,
    );
  }
  const body: Record<string, unknown> = { status: 'approved' };
  if (processorComment !== '') body.processor_comment = processorComment;

  const result = await sendDigicert(account, { method: 'PUT', path: `request/${id}/status`, body }, options);
  if (isOutcome(result)) return result;
  if (result.status !== 200 && result.status !== 204) return classifyDigicertError(result, account);

  return makeOutcome({
    class: 'done',
    vendor: 'digicert',
    code: String(result.status),
    message: `request ${id} approved`,
    httpStatus: result.status,
    learned: { requestId: id, requestStatus: 'approved' },
    latencyMs: result.latencyMs,
  });
}

/**
 * A request id is DigiCert's integer id, as text. Anything else is a caller's bug (ids come from
 * our own records), so it throws instead of spending a call on a certain 404.
 */
function checkRequestId(requestId: string): string {
  if (!/^\d{1,18}$/.test(requestId)) {
    throw new RevokerError(
      'CA_ERR_PARAMS',
      `request id must be DigiCert's numeric id (got ${JSON.stringify(requestId)})`,
    );
  }
  return requestId;
}
