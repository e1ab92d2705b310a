/**
 * `GET /metrics`: Prometheus exposition of revoker's metrics (src/metrics/revoker-metrics.ts):
 * the fleet gauges read from Redis now, this process's counters, and the process metrics. Needs
 * the `read` scope (Prometheus sends it with `authorization: { credentials_file: … }`).
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RevokerMetrics } from '../../metrics/revoker-metrics.ts';
import { requireScope } from '../auth.ts';
import { BEARER, type RouteDeps } from '../route-deps.ts';
import { errorResponses } from '../schemas.ts';

export const metricsRoutes: FastifyPluginAsyncZod<RouteDeps & { metrics: RevokerMetrics }> = async (
  app,
  { tokens, metrics },
) => {
  app.get(
    '/metrics',
    {
      onRequest: requireScope(tokens, 'read'),
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'revoker_items_total, revoker_vendor_calls_total, revoker_vendor_call_duration_seconds, ' +
          'revoker_rate_limited_seconds_total, revoker_queue_jobs, revoker_account_halted, ' +
          'revoker_account_rate_limit_per_second, revoker_dead_letter_size, and process metrics. ' +
          'Needs the `read` scope.',
        security: BEARER,
        response: {
          200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
          ...errorResponses(401, 403),
        },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await metrics.scrape();
      // Text as it is: the zod serialiser is for JSON bodies.
      const plain: FastifyReply = reply;
      return plain.type(contentType).send(body);
    },
  );
};
