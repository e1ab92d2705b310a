/**
 * The fake DigiCert CertCentral Services API under `/services/v2/`. Steps every route shares:
 *
 *   arrival (count, draw latency and fault, rate limit) → wait the latency →
 *   401 no or unknown X-DC-DEVKEY · 429 over the key's limit · injected fault →
 *   404 unknown route · 405 wrong method · 415 a body not declared JSON · the route's checks and lookup →
 *   the order's seeded fault → the operation.
 */
import { arrive } from '../arrival.ts';
import type { SandboxContext } from '../context.ts';
import { type FaultKind, garbageAction, serverErrorAction } from '../faults.ts';
import { type Action, emptyReply, jsonReply } from '../http-reply.ts';
import { DIGICERT_ERRORS, type DigicertError, errorAction } from './errors.ts';
import { listRequestsRoute } from './request-list.ts';
import { getRequestRoute, updateRequestStatusRoute } from './request-status.ts';
import { revokeCertificateRoute } from './revoke-certificate.ts';
import { getOrderRoute, revokeOrderRoute } from './revoke-order.ts';
import { type DigicertResult, type DigicertRoute, isError } from './route.ts';

export const DIGICERT_PREFIX = '/services/v2/';

const ROUTES: readonly DigicertRoute[] = [
  revokeOrderRoute,
  revokeCertificateRoute,
  getOrderRoute,
  getRequestRoute,
  listRequestsRoute,
  updateRequestStatusRoute,
];

export interface DigicertHttpRequest {
  method: string;
  /** The path after `/services/v2/`. */
  path: string;
  apiKey: string | undefined;
  body: string;
  contentType: string | undefined;
  query: URLSearchParams;
}

export async function handleDigicert(ctx: SandboxContext, request: DigicertHttpRequest): Promise<Action> {
  const account = request.apiKey === undefined ? undefined : ctx.digicertByKey(request.apiKey);
  const arrival = arrive(ctx, 'digicert', account, { limited: true });
  const accountName = account?.name;

  const fail = (error: DigicertError, orderNumber?: string, headers: Record<string, string> = {}): Action => {
    ctx.accounting.answer('digicert', accountName, `${error.status} ${error.code}`, orderNumber);
    return errorAction(error, headers);
  };
  const fault = (kind: FaultKind, orderNumber?: string): Action => {
    if (kind === 'unknownError') return fail(DIGICERT_ERRORS.internal, orderNumber);
    if (kind === 'emptySuccess') {
      ctx.accounting.answer('digicert', accountName, 'fault:emptySuccess:201', orderNumber);
      return emptyReply(201);
    }
    const action: Action =
      kind === 'serverError'
        ? serverErrorAction(ctx.faults.prng)
        : kind === 'garbage'
          ? garbageAction(ctx.faults.prng, 'application/json')
          : kind === 'hang'
            ? { kind: 'hang' }
            : { kind: 'reset' };
    const label = action.kind === 'reply' ? `fault:${kind}:${action.reply.status}` : `fault:${kind}`;
    ctx.accounting.answer('digicert', accountName, label, orderNumber);
    return action;
  };

  await ctx.sleep(arrival.latencyMs);
  if (request.apiKey === undefined || request.apiKey === '') return fail(DIGICERT_ERRORS.missingApiKey);
  if (!account) return fail(DIGICERT_ERRORS.invalidApiKey);
  if (!arrival.admission.admitted) {
    const headers = retryAfterHeader(account.retryAfter, arrival.admission.retryAfterMs);
    return fail(DIGICERT_ERRORS.rateLimited, undefined, headers);
  }
  if (arrival.fault && arrival.fault !== 'resetAfterEffect') return fault(arrival.fault);

  const matching = ROUTES.map((route) => ({ route, match: route.pattern.exec(request.path) })).filter(
    (m) => m.match !== null,
  );
  if (matching.length === 0) return fail(DIGICERT_ERRORS.routeNotFound);
  const found = matching.find((m) => m.route.method === request.method);
  if (!found) return fail(DIGICERT_ERRORS.methodNotAllowed);
  // Every sample declares its JSON body; the docs show no other way to send one.
  if (found.route.method === 'PUT' && !/^application\/json\b/i.test(request.contentType ?? '')) {
    return fail(DIGICERT_ERRORS.unsupportedMediaType);
  }

  const prepared = found.route.prepare({
    ctx,
    account,
    id: found.match?.[1] ?? '',
    body: request.body,
    query: request.query,
  });
  if (isError(prepared)) return fail(prepared);
  const orderNumber = prepared.order?.orderNumber ?? prepared.orderNumber;
  const seeded = prepared.order?.faults.shift();
  const orderFault = seeded === 'pass' ? undefined : seeded;
  await ctx.sleep(prepared.order?.latencyMs ?? 0);
  if (orderFault && orderFault !== 'resetAfterEffect') return fault(orderFault, orderNumber);

  const result: DigicertResult = prepared.execute();
  if (orderFault === 'resetAfterEffect' || arrival.fault === 'resetAfterEffect') {
    // The operation took effect; the client never hears of it.
    ctx.accounting.answer('digicert', accountName, 'fault:resetAfterEffect', orderNumber);
    return { kind: 'reset' };
  }
  if (result.kind === 'error') return fail(result.error, orderNumber);
  ctx.accounting.answer('digicert', accountName, String(result.status), orderNumber);
  return result.body === undefined ? emptyReply(result.status) : jsonReply(result.status, result.body);
}

function retryAfterHeader(
  setting: number | 'window' | undefined,
  retryAfterMs: number,
): Record<string, string> {
  if (setting === undefined) return {};
  const seconds = setting === 'window' ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : setting;
  return { 'retry-after': String(seconds) };
}
