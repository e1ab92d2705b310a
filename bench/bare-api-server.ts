/**
 * The baseline for (e), run as a child process: a bare fastify server whose `POST /v1/items`
 * only does `queue.add` of the job revoker would make for the item (same name, data, job id and
 * options), with no auth, validation, batch bookkeeping, logging or response schema.
 *
 *   REDIS_URL=… BENCH_PREFIX='{…}' BENCH_PORT=… node bench/bare-api-server.ts
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { accountJobOptions } from '../src/queue/job-options.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue('account-sectigo', {
  connection: redis,
  prefix: process.env.BENCH_PREFIX ?? '{bench-e}',
});
// The retry settings of bench/config.ts: the same job options revoker's producer sets.
const jobOptions = accountJobOptions();
const batchId = `lib-api-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;

interface Item {
  account: string;
  operation: string;
  orderNumber: string;
  revocationReason: string;
}

const app = Fastify();
app.get('/livez', async () => ({ status: 'ok' }));
app.post<{ Body: Item }>('/v1/items', async (request, reply) => {
  const { account, operation, orderNumber, revocationReason } = request.body;
  const jobId = `${account}~${operation}~orderNumber~${orderNumber}`;
  await queue.add(
    operation,
    {
      account,
      operation,
      params: { orderNumber, revocationReason, responseFormat: 1 },
      batchId,
      row: 1,
      rehearsal: false,
    },
    { ...jobOptions, jobId },
  );
  return reply.code(202).send({ jobId, batchId });
});
await app.listen({ port: Number(process.env.BENCH_PORT ?? 0), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => queue.close())
    .then(() => redis.quit())
    .finally(() => process.exit(0));
});
