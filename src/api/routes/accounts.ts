/**
 * `GET /v1/accounts` (every account as `revoker account status` shows it) and
 * `POST /v1/accounts/:name/resume` (clear a halt after the fix, as `revoker account resume`).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorCodes } from '../../errors.ts';
import type { AccountStatus } from '../../open-revoker.ts';
import { requireScope } from '../auth.ts';
import { apiError } from '../error-reply.ts';
import { BEARER, type RouteDeps } from '../route-deps.ts';
import { accountParamsSchema, accountStatusSchema, accountsSchema, errorResponses } from '../schemas.ts';

export const accountRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { revoker, tokens }) => {
  app.get(
    '/v1/accounts',
    {
      onRequest: requireScope(tokens, 'read'),
      schema: {
        tags: ['accounts'],
        summary: 'Every account: running, paused or halted (and why), jobs, workers, rate limit',
        description:
          'Configured accounts, and any queue in Redis whose account is not configured. Needs `read`.',
        security: BEARER,
        response: { 200: accountsSchema, ...errorResponses(401, 403, 503) },
      },
    },
    async () => ({ accounts: (await revoker.accountStatus()).map(readable) }),
  );

  app.post(
    '/v1/accounts/:name/resume',
    {
      onRequest: requireScope(tokens, 'admin'),
      schema: {
        tags: ['accounts'],
        summary: 'Resume a halted account (after fixing the cause)',
        description: 'Its kept jobs run again. Needs the `admin` scope.',
        security: BEARER,
        params: accountParamsSchema,
        response: { 200: accountStatusSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { name } = request.params;
      if (!(await revoker.accountNames()).includes(name)) {
        throw apiError(ErrorCodes.API_ERR_NOT_FOUND, `account ${name}: not configured and has no queue`);
      }
      const before = await revoker.account(name).haltRecord();
      await revoker.account(name).resume();
      request.log.info(
        { account: name, caller: request.caller?.name, wasHalted: before?.reason ?? null },
        `account ${name} resumed`,
      );
      const status = (await revoker.accountStatus()).find((s) => s.account === name);
      if (!status) throw apiError(ErrorCodes.API_ERR_NOT_FOUND, `account ${name}: not found after resume`);
      return readable(status);
    },
  );
};

/** ISO times instead of epoch milliseconds. */
function readable(status: AccountStatus) {
  const { halt, rateLimitWaitUntil, ...rest } = status;
  return {
    ...rest,
    ...(halt ? { halt: { ...halt, at: new Date(halt.at).toISOString() } } : {}),
    ...(rateLimitWaitUntil ? { rateLimitWaitUntil: new Date(rateLimitWaitUntil).toISOString() } : {}),
  };
}
