/**
 * The Sectigo Partner API status codes: one table, shared by all four endpoints, that says for each
 * code what the vendor means by it and what the worker must do with it (its outcome class).
 *
 * Sources: the endpoint docs in vendor-docs/ and ../shared/vendor-notes.md. `sureness` says how we
 * know: `doc` (the vendor's docs) or `client` (seen in a public client). Codes the table does not
 * know are never a success: a new code must not crash the worker or be retried forever, so an
 * unknown code is permanent (the job goes to the dead-letter queue with the raw body for a person).
 */

import type { Learned, OutcomeClass } from '../outcome.ts';

export interface SectigoCodeEntry {
  readonly code: number;
  /** The vendor's documented message, used when an answer carries the code but no text. */
  readonly message: string;
  readonly class: OutcomeClass;
  readonly sureness: 'doc' | 'client';
  /** True when the call may have been carried out although the code is not a success. */
  readonly mayHaveTakenEffect?: boolean;
  readonly learned?: Learned;
}

export const SECTIGO_CODE_TABLE: readonly SectigoCodeEntry[] = [
  { code: 0, message: 'Successful', class: 'done', sureness: 'doc' },
  // -1, -2 and -17 describe our request, not the job: every other job would fail the same way.
  { code: -1, message: 'Request was not made over https!', class: 'halt', sureness: 'doc' },
  { code: -2, message: 'Unrecognised argument!', class: 'halt', sureness: 'doc' },
  // Permanent for the job; noticing that it repeats across jobs (our bug) is the queue layer's call.
  { code: -3, message: "The 'xxxx' argument is missing!", class: 'permanent', sureness: 'doc' },
  { code: -4, message: "The value of the 'xxxx' argument is invalid!", class: 'permanent', sureness: 'doc' },
  { code: -13, message: 'The CSR uses an unsupported key size!', class: 'permanent', sureness: 'client' },
  // The vendor does not know what happened either: it may have revoked before failing.
  {
    code: -14,
    message: 'An unknown error occurred!',
    class: 'transient',
    sureness: 'doc',
    mayHaveTakenEffect: true,
  },
  // No credit stops every order on the account until a person tops it up.
  { code: -15, message: 'Not enough credit!', class: 'halt', sureness: 'client' },
  // Wrong login, locked account, expired password, blocked IP: the account's fault, not the job's.
  {
    code: -16,
    message: 'Permission denied!',
    class: 'halt',
    sureness: 'doc',
    // Bad credentials, a locked account, a blocked IP — or no permission for this order's
    // context: the same code. The queue halts, and after a resume tells the two apart.
    learned: { mayConcernOnlyThisTarget: true },
  },
  { code: -17, message: 'Request used GET rather than POST!', class: 'halt', sureness: 'doc' },
  {
    code: -20,
    message: 'The certificate request has already been rejected!',
    class: 'permanent',
    sureness: 'doc',
    learned: { alreadyRejected: true },
  },
  // Permanent here; the queue turns it into a confirmed success when an earlier attempt may have
  // reached the vendor (the ambiguity rule in DESIGN.md), which is why `learned` says so.
  {
    code: -21,
    message: 'The certificate has already been revoked!',
    class: 'permanent',
    sureness: 'doc',
    learned: { alreadyRevoked: true },
  },
  // v1.00's code for "being issued", still returned when revocationReason is omitted.
  { code: -23, message: 'The certificate is currently being issued!', class: 'transient', sureness: 'doc' },
  { code: -26, message: 'The certificate is currently being issued!', class: 'transient', sureness: 'doc' },
  {
    code: -35,
    message: 'The certificate has expired and cannot be revoked!',
    class: 'permanent',
    sureness: 'doc',
  },
  {
    code: -40,
    message: 'The CSR key is believed to be compromised!',
    class: 'permanent',
    sureness: 'client',
  },
  // The vendor publishes no limit and no wait: the account pauses for its configured default.
  {
    code: -42,
    message: 'Call limit reached, please try again later',
    class: 'rate-limited',
    sureness: 'doc',
  },
  { code: -43, message: 'Certificate is not in a revocable state.', class: 'permanent', sureness: 'doc' },
];

const BY_CODE: ReadonlyMap<number, SectigoCodeEntry> = new Map(
  SECTIGO_CODE_TABLE.map((entry) => [entry.code, entry]),
);

export interface SectigoCodeClassification {
  readonly code: number;
  readonly class: OutcomeClass;
  /** False for a code the table does not list. */
  readonly known: boolean;
  /** The documented message, or a description of the unknown code. */
  readonly message: string;
  readonly mayHaveTakenEffect: boolean;
  readonly learned: Learned;
  /** rate-limited only: how long the account waits (the vendor never says, so this is our default). */
  readonly retryAfterMs?: number;
}

export interface ClassifyOptions {
  /** The account's wait after a "call limit reached" (SectigoAccount.defaultRateLimitWaitMs). */
  rateLimitWaitMs?: number;
}

/** What a Sectigo status code means for the job. Unknown codes (negative or positive) are permanent. */
export function classifySectigoCode(code: number, options: ClassifyOptions = {}): SectigoCodeClassification {
  const entry = BY_CODE.get(code);
  if (entry === undefined) {
    // Only 0 means success; a positive code is as undocumented as a new negative one.
    return {
      code,
      class: 'permanent',
      known: false,
      message: `undocumented Sectigo status code ${code}`,
      mayHaveTakenEffect: false,
      learned: {},
    };
  }
  const waits = entry.class === 'rate-limited' && options.rateLimitWaitMs !== undefined;
  return {
    code,
    class: entry.class,
    known: true,
    message: entry.message,
    mayHaveTakenEffect: entry.mayHaveTakenEffect ?? false,
    learned: { ...entry.learned },
    ...(waits ? { retryAfterMs: options.rateLimitWaitMs } : {}),
  };
}
