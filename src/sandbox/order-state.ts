/**
 * The life of one order in the sandbox and what a revoke does to it:
 *
 *   issued        --revoke-->  revoked
 *   pending       --revoke-->  rejected   (Sectigo: "not issued" is rejected; DigiCert refuses)
 *   being-issued  --N calls--> issued     (each call meanwhile answers "being issued")
 *   revoked, rejected, not-revocable, expired: final; a revoke is refused with its own code.
 *
 * A rehearsal (`test=Y`) answers exactly as the real call would and changes nothing, not even
 * the being-issued countdown.
 */
import type { FaultKind } from './faults.ts';

export const SANDBOX_VENDORS = ['sectigo', 'digicert'] as const;
export type SandboxVendor = (typeof SANDBOX_VENDORS)[number];

export const ORDER_STATES = [
  'issued',
  'pending',
  'being-issued',
  'revoked',
  'rejected',
  'not-revocable',
  'expired',
  /** `!autoRevokeCertificate` with `includeInCRL=N`: marked replaced, not revoked, not on the CRL. */
  'marked-replaced',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export interface OrderRecord {
  readonly vendor: SandboxVendor;
  /** Sectigo login name or DigiCert account name: orders are only visible to their account. */
  readonly account: string;
  readonly orderNumber: string;
  readonly certificateID: string | undefined;
  /** Lower-case hexadecimal without separators or leading zeros. */
  readonly serialNumber: string | undefined;
  readonly product: string | undefined;
  state: OrderState;
  /** being-issued: how many more calls answer "being issued" before the order is issued. */
  issuingCallsLeft: number;
  /** Faults the next calls on this order meet, first one first (seeded; `pass`: none for that call). */
  faults: (FaultKind | 'pass')[];
  /** Extra latency of every call on this order. */
  latencyMs: number;
  /** Calls that took this order to revoked or rejected (never reset): more than 1 is a bug. */
  successfulRevokes: number;
  /** Replacement orders created from this one. */
  replacedBy: string[];
  /** The order this one replaced (AutoReplaceSMIME). */
  replaces: string | undefined;
  /** When the state last changed by a call (ISO 8601), absent for the seeded state. */
  changedAt: string | undefined;
  /** DigiCert: the certificates on the order (empty when the seed names none). */
  certificates: CertificateRecord[];
}

/** One certificate of a DigiCert order (the order's own, a duplicate, a reissue). */
export interface CertificateRecord {
  readonly id: string;
  /** Normalised like the order's (normaliseSerial). */
  readonly serialNumber: string;
  state: 'issued' | 'revoked';
  /** A reissue of this certificate is pending: DigiCert refuses to revoke it meanwhile. */
  reissuePending: boolean;
  /** Calls that revoked this certificate: more than 1 is a bug. */
  successfulRevokes: number;
}

export type RevokeVerdict =
  | 'revoked'
  | 'marked-replaced'
  | 'rejected'
  | 'already-revoked'
  | 'already-rejected'
  | 'being-issued'
  | 'not-issued'
  | 'not-revocable'
  | 'expired';

export interface RevokeOptions {
  /** Rehearsal: answer as if done, change nothing. */
  test: boolean;
  /** What a revoke does to an order that is not issued yet: Sectigo rejects it, DigiCert refuses. */
  unissued: 'reject' | 'refuse';
  /** `includeInCRL=N`: mark the certificate replaced instead of revoking it. */
  markOnly?: boolean;
  now: Date;
}

/** Applies a revoke to `order` (unless a rehearsal) and says what happened. */
export function applyRevoke(order: OrderRecord, options: RevokeOptions): RevokeVerdict {
  switch (order.state) {
    case 'issued':
      if (options.markOnly) {
        if (!options.test) transition(order, 'marked-replaced', options.now, false);
        return 'marked-replaced';
      }
      if (!options.test) transition(order, 'revoked', options.now, true);
      return 'revoked';
    case 'marked-replaced':
      // Marking again changes nothing; a later revoke (includeInCRL=Y) revokes it (vendor docs).
      if (options.markOnly) return 'marked-replaced';
      if (!options.test) transition(order, 'revoked', options.now, true);
      return 'revoked';
    case 'pending':
      if (options.unissued === 'refuse') return 'not-issued';
      if (!options.test) transition(order, 'rejected', options.now, true);
      return 'rejected';
    case 'being-issued':
      if (!options.test) advanceIssuing(order);
      return 'being-issued';
    case 'revoked':
      return 'already-revoked';
    case 'rejected':
      return 'already-rejected';
    case 'not-revocable':
      return 'not-revocable';
    case 'expired':
      return 'expired';
  }
}

/** One call on a being-issued order: the countdown moves, and at zero the order is issued. */
export function advanceIssuing(order: OrderRecord): void {
  if (order.state !== 'being-issued') return;
  order.issuingCallsLeft = Math.max(0, order.issuingCallsLeft - 1);
  if (order.issuingCallsLeft === 0) order.state = 'issued';
}

function transition(order: OrderRecord, state: OrderState, now: Date, countsAsRevoke: boolean): void {
  order.state = state;
  order.changedAt = now.toISOString();
  if (countsAsRevoke) order.successfulRevokes++;
  // Revoking an order revokes every certificate on it (DigiCert: duplicates and reissues too).
  if (state === 'revoked') for (const certificate of order.certificates) revokeCertificate(certificate);
}

/**
 * Revokes an issued order as a side effect of another operation (replace with REVOKEOLDORDER=Y,
 * an approved DigiCert order revoke): every certificate on it with it.
 */
export function revokeIssued(order: OrderRecord, now: Date): boolean {
  if (order.state !== 'issued') return false;
  transition(order, 'revoked', now, true);
  return true;
}

/** Revokes one certificate of an order; the order itself stays as it is (DigiCert's docs). */
export function revokeCertificate(certificate: CertificateRecord): boolean {
  if (certificate.state !== 'issued') return false;
  certificate.state = 'revoked';
  certificate.successfulRevokes++;
  return true;
}

/** Serial numbers compare as numbers: case, colons and leading zeros do not matter. */
export function normaliseSerial(serial: string): string {
  const hex = serial.replace(/:/g, '').toLowerCase().replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}
