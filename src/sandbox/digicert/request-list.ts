/**
 * Fake `GET /services/v2/request`: the account's requests, newest first, with
 * `filters[status]` and `filters[type]` and paging by `offset` / `limit` (at most 1000, default
 * 100), answered as `{ requests: [...], page: { total, limit, offset } }` with each request's
 * `order.id`. The routes are documented, the exact shape is a guess (vendor notes); it is how a
 * client finds the pending revoke request of an order whose revoke answer it lost.
 */
import type { SandboxContext } from '../context.ts';
import type { RevokeRequestRecord } from '../order-store.ts';
import { invalidField } from './errors.ts';
import { revokeRequestBody } from './revoke-order.ts';
import type { DigicertRoute } from './route.ts';

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

/** A request about one certificate names it (id and serial; the shape is a guess). */
export function certificateOf(request: RevokeRequestRecord, ctx: SandboxContext): Record<string, unknown> {
  if (request.certificateId === undefined) return {};
  const certificate = ctx.store
    .find('digicert', request.orderNumber)
    ?.certificates.find((c) => c.id === request.certificateId);
  return {
    certificate: {
      id: Number(request.certificateId),
      ...(certificate ? { serial_number: certificate.serialNumber.toUpperCase() } : {}),
    },
  };
}

export const listRequestsRoute: DigicertRoute = {
  method: 'GET',
  pattern: /^request$/,
  prepare({ ctx, account, query }) {
    const status = query.get('filters[status]') ?? undefined;
    const type = query.get('filters[type]') ?? undefined;
    const limitText = query.get('limit') ?? String(DEFAULT_LIMIT);
    const offsetText = query.get('offset') ?? '0';
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_LIMIT) {
      return invalidField('limit');
    }
    if (!/^\d{1,9}$/.test(offsetText)) return invalidField('offset');
    const limit = Number(limitText);
    const offset = Number(offsetText);
    return {
      execute() {
        const matching = ctx.store
          .requestsOf(account.name)
          .filter(
            (r) => (status === undefined || r.status === status) && (type === undefined || type === 'revoke'),
          )
          .sort((a, b) => b.id - a.id);
        return {
          kind: 'ok',
          status: 200,
          body: {
            requests: matching.slice(offset, offset + limit).map((r) => ({
              ...revokeRequestBody(r),
              order: { id: Number(r.orderNumber) },
              ...certificateOf(r, ctx),
            })),
            page: { total: matching.length, limit, offset },
          },
        };
      },
    };
  },
};
