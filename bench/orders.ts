/**
 * What the bench revokes: sandbox orders that are all issued (every revoke answers 0, so every
 * job is one call and one success), and input rows / job data naming them the way revoker does.
 */
import { paramSetId } from '../src/queue/compact-job-data.ts';
import { DEMO_SECTIGO_ACCOUNT } from '../src/sandbox/accounts.ts';
import type { SandboxSeed } from '../src/sandbox/seed.ts';
import { generateSeed } from '../src/sandbox/seed-generator.ts';

/** The account name in the bench configs (the queue is `account-sectigo`). */
export const ACCOUNT = 'sectigo';
export const OPERATION = 'sectigo.revokeSSL';
export const QUEUE_NAME = `account-${ACCOUNT}`;
export const REASON = 'bench: key compromise';
/** The sandbox login that owns the generated orders, and its password. */
export const LOGIN_NAME = DEMO_SECTIGO_ACCOUNT.loginName;
export const LOGIN_PASSWORD = DEMO_SECTIGO_ACCOUNT.loginPassword;

/** `count` orders, all issued, owned by the demo login; the same for the same `seed`. */
export function benchSeed(count: number, seed = 7): SandboxSeed {
  return generateSeed({
    orders: count,
    seed,
    sectigoShare: 1,
    docSamples: false,
    mix: { 'being-issued': 0, pending: 0, revoked: 0, rejected: 0, 'not-revocable': 0, expired: 0 },
  });
}

/** Order numbers no sandbox knows (for the producer scenario, where nothing is called). */
export function* syntheticOrderNumbers(count: number, from = 10_000_000): Generator<string> {
  for (let i = 0; i < count; i++) yield String(from + i);
}

/** An input row as a CSV reader yields it (row 1 is the header). */
export interface BenchRow {
  rowNumber: number;
  raw: Record<string, unknown>;
}

export function* revokeRows(orderNumbers: Iterable<string>): Generator<BenchRow> {
  let rowNumber = 1;
  for (const orderNumber of orderNumbers) {
    rowNumber++;
    yield {
      rowNumber,
      raw: { account: ACCOUNT, operation: OPERATION, orderNumber, revocationReason: REASON },
    };
  }
}

/**
 * The job revoker makes from such a row (src/jobs/job-id.ts, src/queue/producer.ts), built
 * directly: compact data (src/queue/compact-job-data.ts) naming the batch's one parameter set.
 */
export interface BareJob {
  name: string;
  data: { b: string; r: number; p: string };
  jobId: string;
}

/** The parameter set of every bench row (what revoker's schema makes of REASON). */
export const BENCH_PARAM_SET = paramSetId(JSON.stringify({ revocationReason: REASON, responseFormat: 1 }));

export function* bareJobs(orderNumbers: Iterable<string>, batchId: string): Generator<BareJob> {
  let row = 1;
  for (const orderNumber of orderNumbers) {
    row++;
    yield {
      name: OPERATION,
      data: { b: batchId, r: row, p: BENCH_PARAM_SET },
      // Order numbers here have no leading zeros, so this is revoker's canonical id.
      jobId: `${ACCOUNT}~${OPERATION}~orderNumber~${orderNumber}`,
    };
  }
}
