/**
 * `GET /livez` (the process answers) and `GET /readyz` (Redis answers and the config is loaded:
 * the server only starts once it is), for load balancers and container health checks. Public:
 * they say nothing a caller could use.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../route-deps.ts';
import { livenessSchema, readinessSchema } from '../schemas.ts';

/** A Redis slower than this to answer a PING is not ready to take work. */
const READY_TIMEOUT_MS = 2_000;

export const healthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { revoker }) => {
  app.get(
    '/livez',
    {
      schema: {
        tags: ['health'],
        summary: 'The process answers',
        response: { 200: livenessSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Ready for work: Redis answers, the config is loaded',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          revoker.redis.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer in ${READY_TIMEOUT_MS} ms`)),
              READY_TIMEOUT_MS,
            );
          }),
        ]);
        return { status: 'ready' as const, redis: 'ok', config: 'loaded' as const };
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return reply.code(503).send({
          status: 'not-ready' as const,
          redis: `does not answer: ${why}`,
          config: 'loaded' as const,
        });
      } finally {
        clearTimeout(timer);
      }
    },
  );
};
