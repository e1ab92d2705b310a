/** What every scenario gets from the runner: the Redis in use and a connection for its own reads. */

import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createLogger, type Logger } from '../src/logger.ts';

export interface BenchContext {
  redisUrl: string;
  /** The bench's own connection (memory, counts, cleanup). */
  redis: Redis;
}

/** A worker logger at `warn` writing to standard error (standard output is the result's). */
export function benchLogger(): Logger {
  return createLogger({ name: 'bench-worker', level: 'warn', destination: pino.destination(2) });
}
