/**
 * DigiCert's `revocation_reason`: public copies of the docs disagree on its spelling
 * (`key_compromise` or `keyCompromise`, vendor notes). Jobs carry the snake_case name; the
 * spelling sent is the one the account's DigiCert has taken, learned per process: snake_case
 * first, and after a refusal that names the field the other spelling, on the job's retry.
 * Both refused: the refusal is the job's own (a permanent answer).
 */

/** RFC 5280's reasons as DigiCert names them for TLS/SSL orders (snake_case). */
export const DIGICERT_REVOCATION_REASONS = [
  'key_compromise',
  'cessation_of_operation',
  'affiliation_changed',
  'superseded',
  'unspecified',
] as const;
export type DigicertRevocationReason = (typeof DIGICERT_REVOCATION_REASONS)[number];

/** The camelCase spelling of each. */
export const REASON_SPELLINGS: Readonly<Record<DigicertRevocationReason, string>> = {
  key_compromise: 'keyCompromise',
  cessation_of_operation: 'cessationOfOperation',
  affiliation_changed: 'affiliationChanged',
  superseded: 'superseded',
  unspecified: 'unspecified',
};

export type ReasonSpelling = 'snake' | 'camel';

/** What one process has learned of an account's spelling (shared by every job of the account). */
export interface ReasonSpellingMemo {
  spelling: ReasonSpelling;
  refused: Set<ReasonSpelling>;
}

export function createReasonSpellingMemo(): ReasonSpellingMemo {
  return { spelling: 'snake', refused: new Set() };
}

export function spellReason(reason: DigicertRevocationReason, spelling: ReasonSpelling): string {
  return spelling === 'snake' ? reason : REASON_SPELLINGS[reason];
}

/**
 * Notes that `spelling` was refused. True when the other spelling is still untried (send again
 * with it); false when both were refused (the reason itself is refused).
 */
export function learnRefusal(memo: ReasonSpellingMemo, spelling: ReasonSpelling): boolean {
  memo.refused.add(spelling);
  const other: ReasonSpelling = spelling === 'snake' ? 'camel' : 'snake';
  if (memo.refused.has(other)) return false;
  memo.spelling = other;
  return true;
}

/** Notes that `spelling` was taken: it stays the one sent. */
export function learnAccepted(memo: ReasonSpellingMemo, spelling: ReasonSpelling): void {
  memo.refused.delete(spelling);
  memo.spelling = spelling;
}
