/**
 * `POST /v1/items` (one input row as JSON, for event-driven pipelines) and `GET /v1/items/:jobId`.
 *
 * An item joins the API's batch of the day (`lib-api-YYYYMMDD`) through the producer's revoke() /
 * replace(), validated exactly as a row of `revoker submit`. Its natural job id (account,
 * operation, target) makes a repeat the same job. An `Idempotency-Key` also covers callers that
 * cannot repeat a body byte for byte: the key remembers the item (its normalised fields, so key
 * order, spacing and notes do not matter) and the answer, and a key reused for another item is
 * refused.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCodes, RevokerError } from '../../errors.ts';
import type { RowError, ValidItem } from '../../jobs/input-row.ts';
import { requireScope } from '../auth.ts';
import { apiError } from '../error-reply.ts';
import { BEARER, type RouteDeps } from '../route-deps.ts';
import {
  errorResponses,
  itemAcceptedSchema,
  itemRequestSchema,
  itemStatusSchema,
  jobIdParamsSchema,
} from '../schemas.ts';

const itemHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'expected 1 to 255 visible ASCII characters' })
    .optional()
    .describe('Makes a retried request the same request, for 1 day (api.idempotencyTtlSeconds)'),
});

export const itemRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { revoker, tokens, config }) => {
  const idempotency = revoker.idempotency(config.api.idempotencyTtlSeconds);

  app.post(
    '/v1/items',
    {
      onRequest: requireScope(tokens, 'submit'),
      preValidation: (request, _reply, done) => {
        // No body at all: say what to send, rather than "expected an object".
        if (request.headers['content-type'] === undefined) {
          done(
            apiError(
              ErrorCodes.API_ERR_UNSUPPORTED_MEDIA_TYPE,
              'no Content-Type: send the item as application/json; nothing was enqueued',
            ),
          );
          return;
        }
        done();
      },
      config: { accepts: ['application/json'], bodyIsRow: true },
      schema: {
        tags: ['items'],
        summary: 'Revoke or replace one certificate',
        description:
          'One input row as JSON. 202 with the job id, the batch of the day and the current outcome. ' +
          'The same item sent again is the same job; an Idempotency-Key makes a retry with a ' +
          'differently written body the same request too. Needs the `submit` scope.',
        security: BEARER,
        headers: itemHeadersSchema,
        body: itemRequestSchema,
        response: { 202: itemAcceptedSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const { account, operation, ...params } = request.body;
      const key = request.headers['idempotency-key'];
      let fingerprint: string | undefined;
      if (key !== undefined) {
        const checked = revoker.producer.validate(request.body);
        if (!checked.ok) throw invalidItem(checked.errors);
        fingerprint = itemFingerprint(checked.item);
        const claim = await idempotency.claim(key, fingerprint);
        if (claim.status === 'mismatch') {
          throw apiError(
            ErrorCodes.API_ERR_IDEMPOTENCY_KEY_REUSED,
            'Idempotency-Key: this key was used for a different item; use a new key for a new item (nothing was enqueued)',
          );
        }
        if (claim.status === 'in-flight') {
          throw apiError(
            ErrorCodes.API_ERR_IDEMPOTENCY_IN_FLIGHT,
            'Idempotency-Key: a request with this key is being handled now; retry in a moment',
          );
        }
        if (claim.status === 'done') {
          const item = await revoker.item(claim.answer.jobId);
          reply.header('idempotent-replayed', 'true');
          return reply.code(202).send({
            ...claim.answer,
            outcome: item?.outcome ?? 'in-progress',
            enqueued: false,
            rehearsal: checked.item.rehearsal,
          });
        }
      }
      try {
        const item = { account, operation, params };
        const result =
          operation === 'sectigo.replaceSMIME'
            ? await revoker.producer.replace(item, { source: `api:${request.caller?.name ?? ''}` })
            : await revoker.producer.revoke(item, { source: `api:${request.caller?.name ?? ''}` });
        const answer = { jobId: result.jobId, batchId: result.batchId };
        if (key !== undefined && fingerprint !== undefined)
          await idempotency.complete(key, fingerprint, answer);
        return reply.code(202).send({
          ...answer,
          outcome: result.outcome,
          enqueued: result.enqueued > 0 || result.retried > 0,
          // The item's own split (one account, one item): a rehearsal or not.
          rehearsal: result.split.some((part) => part.rehearsal > 0),
        });
      } catch (error) {
        // Nothing was enqueued: a corrected retry may use the key.
        if (key !== undefined && fingerprint !== undefined) await idempotency.release(key, fingerprint);
        throw error;
      }
    },
  );

  app.get(
    '/v1/items/:jobId',
    {
      onRequest: requireScope(tokens, 'read'),
      schema: {
        tags: ['items'],
        summary: 'One item by job id: its outcome and how it got there',
        description: 'Whatever batch it is in. Needs the `read` scope.',
        security: BEARER,
        params: jobIdParamsSchema,
        response: { 200: itemStatusSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const item = await revoker.item(request.params.jobId);
      if (item === undefined) {
        throw apiError(ErrorCodes.API_ERR_NOT_FOUND, `item ${request.params.jobId}: no such item`);
      }
      return item;
    },
  );
};

function invalidItem(errors: RowError[]): RevokerError {
  return new RevokerError(
    'INPUT_ERR_INVALID',
    `the item is invalid; nothing was enqueued:\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`,
    { details: { errors, invalid: 1, rows: 1 } },
  );
}

/** The item as validated: two bodies that say the same thing have one fingerprint. */
export function itemFingerprint(item: ValidItem): string {
  const params = Object.fromEntries(Object.entries(item.params).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256')
    .update(JSON.stringify([item.jobId, params, item.rehearsal]))
    .digest('hex');
}
