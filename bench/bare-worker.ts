/**
 * The baseline for the worker: a plain BullMQ Worker whose processor POSTs the same
 * `!AutoRevokeSSL` form revoker sends (loginName, loginPassword, orderNumber, revocationReason,
 * responseFormat=1) through an undici Pool that trusts the sandbox CA, and nothing else: no
 * validation, no result record, no outcome classification, no logging.
 */
import { Worker } from 'bullmq';
import { Pool } from 'undici';
import { progress } from './log.ts';
import { LOGIN_NAME, LOGIN_PASSWORD, QUEUE_NAME, REASON } from './orders.ts';
import { connectRedis } from './redis.ts';

export const REVOKE_SSL_PATH = '/products/!AutoRevokeSSL';

/** An undici Pool to the sandbox that trusts its CA (and only it: nothing else is called). */
export function sandboxPool(url: string, caPem: string, connections: number): Pool {
  return new Pool(url, { connections, allowH2: false, connect: { rejectUnauthorized: true, ca: [caPem] } });
}

export function revokeForm(orderNumber: string, revocationReason: string): string {
  const form = new URLSearchParams();
  form.append('loginName', LOGIN_NAME);
  form.append('loginPassword', LOGIN_PASSWORD);
  form.append('orderNumber', orderNumber);
  form.append('revocationReason', revocationReason);
  form.append('responseFormat', '1');
  return form.toString();
}

/** POSTs one revoke; returns the response body. */
export async function postRevoke(pool: Pool, orderNumber: string, reason: string): Promise<string> {
  const response = await pool.request({
    path: REVOKE_SSL_PATH,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: revokeForm(orderNumber, reason),
  });
  return response.body.text();
}

export interface BareWorkerRun {
  elapsedMs: number;
  /** From the moment 10% of the jobs were done to the end (connections open, code warm). */
  steadyMs: number;
  steadyJobs: number;
  completed: number;
  failed: number;
  /** Answers other than errorCode=0. */
  notZero: number;
}

/** Runs a bare worker on the prefix's queue until `expected` jobs have finished, then closes it. */
export async function runBareWorker(options: {
  redisUrl: string;
  prefix: string;
  sandboxUrl: string;
  caPem: string;
  concurrency: number;
  expected: number;
  timeoutMs: number;
}): Promise<BareWorkerRun> {
  const pool = sandboxPool(options.sandboxUrl, options.caPem, options.concurrency);
  const connection = connectRedis(options.redisUrl);
  let completed = 0;
  let failed = 0;
  let notZero = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started = performance.now();
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      // The job is compact (orders.ts bareJobs): the order number is the id's last part.
      const id = job.id ?? '';
      const body = await postRevoke(pool, id.slice(id.lastIndexOf('~') + 1), REASON);
      if (!body.startsWith('errorCode=0')) notZero++;
    },
    { connection, prefix: options.prefix, concurrency: options.concurrency },
  );
  const tenth = Math.ceil(options.expected / 10);
  let tenthAt = 0;
  const check = () => {
    if (completed + failed === tenth) tenthAt = performance.now();
    if (completed + failed >= options.expected) finish();
  };
  worker.on('completed', () => {
    completed++;
    check();
  });
  worker.on('failed', () => {
    failed++;
    check();
  });
  const timer = setTimeout(finish, options.timeoutMs);
  await done;
  const ended = performance.now();
  const elapsedMs = ended - started;
  clearTimeout(timer);
  await worker.close();
  await pool.close();
  await connection.quit();
  return {
    elapsedMs,
    steadyMs: ended - tenthAt,
    steadyJobs: completed + failed - tenth,
    completed,
    failed,
    notZero,
  };
}

/** Warms the sandbox (TLS, JIT) with direct POSTs, so the first measured run does not pay for it. */
export async function warmSandbox(
  sandbox: { url: string; caPem: string },
  orders: readonly string[],
  concurrency: number,
  scenario: string,
): Promise<void> {
  progress(`${scenario}: warm-up, ${orders.length.toLocaleString('en')} direct POSTs`);
  const pool = sandboxPool(sandbox.url, sandbox.caPem, concurrency);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < orders.length) await postRevoke(pool, orders[next++] ?? '', REASON);
    }),
  );
  await pool.close();
}
