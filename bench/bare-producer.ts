/**
 * The baseline for the producer: plain BullMQ `addBulk` of the jobs revoker would make (same
 * names, data, job ids and options), 1,000 at a time, with no validation and no bookkeeping.
 */
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type BareJob, QUEUE_NAME } from './orders.ts';

export async function bareAddBulk(options: {
  redis: Redis;
  prefix: string;
  jobs: Iterable<BareJob>;
  jobOptions: JobsOptions;
  chunkSize?: number;
}): Promise<number> {
  const chunkSize = options.chunkSize ?? 1000;
  const queue = new Queue(QUEUE_NAME, { connection: options.redis, prefix: options.prefix });
  let added = 0;
  try {
    let chunk: { name: string; data: BareJob['data']; opts: JobsOptions }[] = [];
    for (const job of options.jobs) {
      chunk.push({ name: job.name, data: job.data, opts: { ...options.jobOptions, jobId: job.jobId } });
      if (chunk.length >= chunkSize) {
        await queue.addBulk(chunk);
        added += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0) {
      await queue.addBulk(chunk);
      added += chunk.length;
    }
  } finally {
    await queue.close();
  }
  return added;
}
