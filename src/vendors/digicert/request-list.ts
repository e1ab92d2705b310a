/**
 * DigiCert `GET /request?filters[status]=pending&filters[type]=revoke`: the pending revoke
 * requests of the key's account, a page at a time. It is how an uncertain revoke finds the
 * request its lost answer would have named, so that request is followed instead of a second
 * one filed (vendor notes: the routes are documented, the list's exact shape is a guess).
 *
 * One page per call, so every call takes a rate-limit slot of its own: the answer says the
 * request found for the order (`learned.requestId`), or where the next page starts
 * (`learned.nextOffset`), or neither (no pending revoke request for the order).
 */
import { z } from 'zod';
import type { DigicertAccount, ExecuteOptions } from '../operation.ts';
import { makeOutcome, type Outcome, outcomeFromUnreadableBody } from '../outcome.ts';
import { isOutcome, parseJson, scrubKey, sendDigicert } from './call.ts';
import { classifyDigicertError } from './errors.ts';

/** The most DigiCert lists per page (its documented maximum for list endpoints). */
export const REQUEST_PAGE_SIZE = 1000;

const listSchema = z.object({
  requests: z.array(
    z.object({
      id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
      status: z.string(),
      type: z.string().optional(),
      order: z.object({ id: z.union([z.number(), z.string()]).transform(String) }).optional(),
      certificate: z
        .object({
          id: z.union([z.number(), z.string()]).transform(String).optional(),
          serial_number: z.string().optional(),
        })
        .optional(),
    }),
  ),
  page: z.object({ total: z.number().int().nonnegative() }).optional(),
});

/**
 * What a pending request must be about to count: the whole order (a request naming no
 * certificate), or one certificate by id or serial number (the list's `certificate` field is a
 * guess, vendor notes).
 */
export type PendingRequestTarget = { orderId: string } | { certificateId: string } | { serialNumber: string };

type ListedRequest = z.output<typeof listSchema>['requests'][number];

/** Serials compare as numbers: case, colons and leading zeros do not matter. */
const serialKey = (serial: string) =>
  serial
    .replaceAll(':', '')
    .toUpperCase()
    .replace(/^0+(?=.)/, '');

function isFor(request: ListedRequest, target: PendingRequestTarget): boolean {
  if ('orderId' in target) return request.order?.id === target.orderId && request.certificate === undefined;
  if ('certificateId' in target) return request.certificate?.id === target.certificateId;
  const serial = request.certificate?.serial_number;
  return serial !== undefined && serialKey(serial) === serialKey(target.serialNumber);
}

function describe(target: PendingRequestTarget): string {
  if ('orderId' in target) return `order ${target.orderId}`;
  if ('certificateId' in target) return `certificate ${target.certificateId}`;
  return `certificate with serial ${target.serialNumber}`;
}

export async function findPendingRevokeRequest(
  account: DigicertAccount,
  target: PendingRequestTarget,
  offset: number,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  const query = new URLSearchParams({
    'filters[status]': 'pending',
    'filters[type]': 'revoke',
    limit: String(REQUEST_PAGE_SIZE),
    offset: String(offset),
  });
  const result = await sendDigicert(account, { method: 'GET', path: `request?${query}` }, options);
  if (isOutcome(result)) return result;
  if (result.status !== 200) return classifyDigicertError(result, account);
  const parsed = listSchema.safeParse(parseJson(result.body));
  if (!parsed.success) {
    return outcomeFromUnreadableBody(
      'digicert',
      200,
      scrubKey(account, result.body),
      result.latencyMs,
      'not a request list',
    );
  }
  const { requests, page } = parsed.data;
  const found = requests.find(
    (r) => isFor(r, target) && r.status === 'pending' && (r.type ?? 'revoke') === 'revoke',
  );
  const seen = offset + requests.length;
  // More pages while the page was full and the total (when given) says there is more.
  const more = requests.length >= REQUEST_PAGE_SIZE && (page === undefined || seen < page.total);
  return makeOutcome({
    class: 'done',
    vendor: 'digicert',
    code: '200',
    message: found
      ? `${describe(target)} has pending revoke request ${found.id}`
      : `no pending revoke request for ${describe(target)} among ${seen} read`,
    httpStatus: 200,
    learned: found ? { requestId: found.id, requestStatus: 'pending' } : more ? { nextOffset: seen } : {},
    latencyMs: result.latencyMs,
  });
}
