/**
 * The HTTP API of `revoker serve`, built and not yet listening: fastify 5 with the project's pino
 * logger, zod schemas for every body (fastify-type-provider-zod), the OpenAPI document and its
 * reference page, the /v1 routes, health and metrics, and the queue dashboard. Everything it
 * does with queues goes through the revoker handle (src/open-revoker.ts): this layer knows HTTP.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifySchemaCompiler } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RevokerConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RevokerMetrics } from '../metrics/revoker-metrics.ts';
import type { Revoker } from '../open-revoker.ts';
import type { TokenBook } from './api-tokens.ts';
import { refuseTokenInUrl } from './auth.ts';
import { registerBoard } from './board/board.ts';
import { createSessionStore, type SessionStore } from './board/sessions.ts';
import { installErrorReplies } from './error-reply.ts';
import { apiLogger, OneLinePerRequest } from './request-log.ts';
import { accountRoutes } from './routes/accounts.ts';
import { batchRoutes } from './routes/batches.ts';
import { deadLetterRoutes } from './routes/dead-letter.ts';
import { registerDocs } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { itemRoutes } from './routes/items.ts';
import { metricsRoutes } from './routes/metrics.ts';

export interface ApiServerDeps {
  config: RevokerConfig;
  revoker: Revoker;
  tokens: TokenBook;
  logger: Logger;
  metrics: RevokerMetrics;
  /** @defaultValue sessions in this process's memory */
  sessions?: SessionStore;
}

/**
 * zod's validator, except for headers: once the schema accepts them the request keeps its own
 * headers object. Given a validated copy, fastify's request.headers merges copy and original into
 * a new object on every read (the request log reads nine headers). Header schemas only check
 * strings, they change none, so nothing is lost.
 */
const keepCheckedHeaders: FastifySchemaCompiler<Parameters<typeof validatorCompiler>[0]['schema']> = (
  route,
) => {
  const validate = validatorCompiler(route);
  if (route.httpPart !== 'headers') return validate;
  return (data) => {
    const result = validate(data) as { error?: Error };
    return result.error === undefined ? true : result;
  };
};

/** A caller's own request id is kept when it is a plain token (it may be logged); else ours. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export async function buildApiServer(deps: ApiServerDeps): Promise<FastifyInstance> {
  const { config, revoker, tokens } = deps;
  // The project's logger, with a request serializer that keeps tokens out of the log.
  const loggerInstance: FastifyBaseLogger = apiLogger(deps.logger, tokens);
  const app = Fastify({
    loggerInstance,
    bodyLimit: config.api.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    // A request must arrive whole within this: long enough for a batch of api.batchBodyLimitBytes
    // on a slow link, short enough that a client that stalls does not hold a socket for ever.
    requestTimeout: 600_000,
    logController: new OneLinePerRequest(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(keepCheckedHeaders);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('caller', null);
  installErrorReplies(app);
  app.addHook('onRequest', refuseTokenInUrl(tokens));
  // A callback hook: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  await registerDocs(app);
  const routeDeps = { revoker, tokens, config };
  await app.register(healthRoutes, routeDeps);
  await app.register(metricsRoutes, { ...routeDeps, metrics: deps.metrics });
  await app.register(itemRoutes, routeDeps);
  await app.register(batchRoutes, routeDeps);
  await app.register(deadLetterRoutes, routeDeps);
  await app.register(accountRoutes, routeDeps);
  await registerBoard(app, {
    revoker,
    tokens,
    sessions: deps.sessions ?? createSessionStore(),
    accounts: await revoker.accountNames(),
  });
  await app.ready();
  return app;
}
