/**
 * The dead-letter queue over HTTP: `GET /v1/dead-letter` (a page at a time),
 * `POST /v1/dead-letter/:jobId/replay` and `POST /v1/dead-letter/replay` (every entry, or one
 * account's), with the same claims as `revoker dlq replay`: two replays at once replay an entry once.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorCodes } from '../../errors.ts';
import type { DeadLetterEntry, ReplayResult } from '../../queue/dead-letter.ts';
import { requireScope } from '../auth.ts';
import { apiError } from '../error-reply.ts';
import { BEARER, type RouteDeps } from '../route-deps.ts';
import {
  deadLetterPageSchema,
  deadLetterQuerySchema,
  errorResponses,
  jobIdParamsSchema,
  replayAllRequestSchema,
  replayAllResultSchema,
  replayResultSchema,
} from '../schemas.ts';

const NO_SUCH_ENTRY = 'no such dead-letter entry';

export const deadLetterRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { revoker, tokens }) => {
  app.get(
    '/v1/dead-letter',
    {
      onRequest: requireScope(tokens, 'read'),
      schema: {
        tags: ['dead-letter'],
        summary: 'Dead-letter entries, a page at a time (oldest first)',
        description:
          'Each entry holds the job, every attempt (ISO times, codes, messages) and the final answer. ' +
          'Needs the `read` scope.',
        security: BEARER,
        querystring: deadLetterQuerySchema,
        response: { 200: deadLetterPageSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { account, offset, limit } = request.query;
      const [entries, total] = await Promise.all([
        revoker.deadLetter.list({ ...(account ? { account } : {}), start: offset, end: offset + limit - 1 }),
        revoker.deadLetter.count(),
      ]);
      return {
        total,
        offset,
        limit,
        entries: entries.map(readable),
        ...(entries.length === limit ? { nextOffset: offset + limit } : {}),
      };
    },
  );

  app.post(
    '/v1/dead-letter/:jobId/replay',
    {
      onRequest: requireScope(tokens, 'admin'),
      schema: {
        tags: ['dead-letter'],
        summary: 'Replay one entry: its job runs again with fresh attempts',
        description:
          'The entry leaves the dead-letter queue once its job is back in its queue; its attempt history ' +
          'stays on record. Needs the `admin` scope.',
        security: BEARER,
        params: jobIdParamsSchema,
        response: { 200: replayResultSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const { jobId } = request.params;
      const result = await revoker.deadLetter.replay([jobId]);
      if (result.failed.some((f) => f.reason === NO_SUCH_ENTRY)) {
        throw apiError(ErrorCodes.API_ERR_NOT_FOUND, `dead-letter entry ${jobId}: ${NO_SUCH_ENTRY}`);
      }
      request.log.info({ jobId, caller: request.caller?.name, ...counts(result) }, 'dead-letter replay');
      return result;
    },
  );

  app.post(
    '/v1/dead-letter/replay',
    {
      onRequest: requireScope(tokens, 'admin'),
      config: { accepts: ['application/json'] },
      schema: {
        tags: ['dead-letter'],
        summary: "Replay every entry, or one account's",
        description:
          'Body (optional): `{ "account": "NAME" }`. Entries are read a page at a time and each is ' +
          'claimed first. Needs the `admin` scope.',
        security: BEARER,
        body: replayAllRequestSchema,
        response: { 200: replayAllResultSchema, ...errorResponses(400, 401, 403, 415, 422, 503) },
      },
    },
    async (request) => {
      const account = request.body?.account;
      const total = { replayed: 0, skipped: 0, failed: [] as ReplayResult['failed'] };
      for await (const page of revoker.deadLetter.ids(account ? { account } : {})) {
        const result = await revoker.deadLetter.replay(page, { fromListing: true });
        total.replayed += result.replayed.length;
        total.skipped += result.skipped.length;
        total.failed.push(...result.failed);
      }
      request.log.info(
        { account, caller: request.caller?.name, replayed: total.replayed, failed: total.failed.length },
        'dead-letter replay of every entry',
      );
      return total;
    },
  );
};

/** An entry with ISO times, as `revoker dlq show` prints it. */
function readable(entry: DeadLetterEntry) {
  return {
    ...entry,
    deadLetteredAt: new Date(entry.deadLetteredAt).toISOString(),
    attempts: entry.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
  };
}

function counts(result: ReplayResult) {
  return { replayed: result.replayed.length, skipped: result.skipped.length, failed: result.failed.length };
}
