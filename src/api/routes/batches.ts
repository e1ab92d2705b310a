/**
 * `POST /v1/batches` (a whole batch as NDJSON or CSV, streamed into the producer: validated
 * exactly as `revoker submit` validates a file, all or nothing unless `skipInvalid=true`),
 * `GET /v1/batches/:id` and `GET /v1/batches/:id/report` (streamed, JSON or CSV).
 *
 * The body is never held whole: it flows from the socket through the row reader of
 * src/jobs/input-file.ts into the producer's staging list, and its size is counted on the way
 * (api.batchBodyLimitBytes), since fastify's own body limit only guards the bodies it buffers.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifySchemaCompiler } from 'fastify';
import {
  type FastifyPluginAsyncZod,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCodes } from '../../errors.ts';
import { type InputFormat, parseInputRows, REQUIRED_COLUMNS } from '../../jobs/input-file.ts';
import { writeReport } from '../../queue/report-format.ts';
import { requireScope } from '../auth.ts';
import { apiError, MAX_ROW_ERRORS } from '../error-reply.ts';
import { BEARER, type RouteDeps } from '../route-deps.ts';
import {
  batchAcceptedSchema,
  batchParamsSchema,
  batchQuerySchema,
  batchStatusSchema,
  errorResponses,
  reportQuerySchema,
  reportSchema,
} from '../schemas.ts';

/** Content-Types a batch may come as, and the input format each means. */
const BATCH_TYPES: Readonly<Record<string, InputFormat>> = {
  'application/x-ndjson': 'jsonl',
  'application/ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'text/csv': 'csv',
};

export const batchRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { revoker, tokens, config }) => {
  const limit = config.api.batchBodyLimitBytes;

  // Batches only: JSON is not a batch, and the body reaches the handler as the raw stream.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(Object.keys(BATCH_TYPES), (_request, payload, done) => done(null, payload));

    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/batches',
      {
        onRequest: requireScope(tokens, 'submit'),
        // The body is a stream the producer reads; only the query is checked here.
        validatorCompiler: bodyAsStream(),
        config: { accepts: Object.keys(BATCH_TYPES) },
        schema: {
          tags: ['batches'],
          summary: 'Submit a batch (NDJSON or CSV)',
          description:
            'Input rows as NDJSON (`application/x-ndjson`: one JSON object per line) or CSV (`text/csv`, ' +
            'a header line first), streamed and validated exactly like `revoker submit`: one invalid row ' +
            'and nothing is enqueued (422 with every row error), unless `skipInvalid=true`. Row numbers ' +
            'are line numbers of the body. Needs the `submit` scope.',
          security: BEARER,
          querystring: batchQuerySchema,
          consumes: Object.keys(BATCH_TYPES),
          body: z.string().describe('NDJSON or CSV input rows (README, "Input files")'),
          response: { 202: batchAcceptedSchema, ...errorResponses(400, 401, 403, 413, 415, 422, 503) },
        },
      },
      async (request, reply) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        const format = BATCH_TYPES[type] ?? 'jsonl';
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
        const query = request.query;
        const summary = await revoker.producer.submit(
          parseInputRows(
            counted(request.raw, limit),
            format,
            'body',
            format === 'csv' ? REQUIRED_COLUMNS : [],
          ),
          {
            skipInvalid: query.skipInvalid,
            rehearsal: query.rehearsal,
            ...(query.batchId ? { batchId: query.batchId } : {}),
            ...(query.expectRows !== undefined ? { expectRows: query.expectRows } : {}),
            source: `api:${request.caller?.name ?? ''}`,
            maxErrors: MAX_ROW_ERRORS,
          },
        );
        request.log.info(
          {
            batchId: summary.batchId,
            rows: summary.rows,
            enqueued: summary.enqueued,
            caller: request.caller?.name,
          },
          'batch submitted',
        );
        const { batchId, rows, valid, invalid, enqueued, alreadyFinished, retried, split, errors } = summary;
        return reply
          .code(202)
          .send({ batchId, rows, valid, invalid, enqueued, alreadyFinished, retried, split, errors });
      },
    );
  });

  app.get(
    '/v1/batches/:id',
    {
      onRequest: requireScope(tokens, 'read'),
      schema: {
        tags: ['batches'],
        summary: 'A batch: its state and counts per outcome',
        description: 'The counts always add up to the total. Needs the `read` scope.',
        security: BEARER,
        params: batchParamsSchema,
        response: { 200: batchStatusSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const id = request.params.id;
      const meta = await revoker.batches.meta(id);
      if (!meta) throw apiError(ErrorCodes.API_ERR_NOT_FOUND, `batch ${id}: no such batch`);
      const counts = await revoker.batches.counts(id);
      return {
        batchId: meta.id,
        state: meta.state,
        createdAt: new Date(meta.createdAt).toISOString(),
        source: meta.source,
        rows: meta.rows,
        valid: meta.valid,
        invalid: meta.invalid,
        counts,
        finished:
          meta.state === 'submitted' && counts['in-progress'] === 0 && counts['pending-approval'] === 0,
      };
    },
  );

  app.get(
    '/v1/batches/:id/report',
    {
      onRequest: requireScope(tokens, 'read'),
      schema: {
        tags: ['batches'],
        summary: "A batch's report: one entry per item (streamed)",
        description:
          '`format=json` (default): `{ batchId, counts, items }`; `format=csv`: one line per item with the ' +
          'same columns. Streamed chunk by chunk: a 200,000-item report is never held whole. Needs `read`.',
        security: BEARER,
        params: batchParamsSchema,
        querystring: reportQuerySchema,
        response: {
          200: {
            description: 'The report',
            content: {
              'application/json': { schema: reportSchema },
              'text/csv': { schema: z.string().describe('A header line, then one line per item') },
            },
          },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { format } = request.query;
      if (!(await revoker.batches.meta(id)))
        throw apiError(ErrorCodes.API_ERR_NOT_FOUND, `batch ${id}: no such batch`);
      const out = new PassThrough();
      writeReport(revoker.batches, id, format, {
        write: async (chunk) => {
          if (out.destroyed) throw new Error('the client went away');
          // Backpressure: wait for a slow reader, or for the stream's end if the client leaves.
          if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
        },
      }).then(
        () => out.end(),
        (error: unknown) => {
          if (!out.destroyed) request.log.error({ err: error, batchId: id }, 'report stream failed');
          out.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
      // A stream is sent as it is (never serialised): the schemas above only document it.
      const plain: FastifyReply = reply;
      return plain
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .send(out);
    },
  );
};

/**
 * A route's validator compiler that leaves the body alone (it is the stream the producer reads)
 * and checks every other part with the zod schemas, as the rest of the API does.
 */
function bodyAsStream<S>(): FastifySchemaCompiler<S> {
  return (route) =>
    route.httpPart === 'body'
      ? () => true
      : // fastify types a route-level compiler's schema as the route's whole schema object; it is
        // given one part's schema, a zod schema here.
        validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
}

function tooLarge(limit: number) {
  return apiError(
    ErrorCodes.API_ERR_BODY_TOO_LARGE,
    `the batch is larger than api.batchBodyLimitBytes (${limit} bytes): split it, or raise the limit; nothing was enqueued`,
  );
}

/** The body's chunks, refused (and nothing enqueued: the producer cleans up) past `limit` bytes. */
async function* counted(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > limit) throw tooLarge(limit);
    yield chunk;
  }
}
