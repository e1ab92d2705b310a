/**
 * The `csr` parameter of AutoReplaceSMIME: a PKCS#10 certificate signing request, as PEM with its
 * armour or as bare base64, really parsed (with @peculiar/x509) rather than trusted. A certificate,
 * a private key or random base64 is rejected before it reaches the vendor, with a message naming
 * `csr`. The value sent is the request re-armoured as canonical PEM, so the same CSR always makes
 * the same job data however it was pasted.
 *
 * The signature is not verified (that needs an async check zod's sync parse cannot run); the CA
 * verifies it anyway, and a structurally valid request is what protects us from sending garbage.
 */

// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describeValue, type FieldCheck, requiredField, SECTIGO_LIMITS } from './params.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const FIELD = 'csr';
const ARMOUR = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
// "NEW CERTIFICATE REQUEST" is the label older Microsoft tools write; the content is the same.
const CSR_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function checkCsr(value: unknown): FieldCheck<string> {
  if (typeof value !== 'string') {
    return { ok: false, message: `${FIELD} must be a PEM or base64 string, got ${describeValue(value)}` };
  }
  if (value.length > SECTIGO_LIMITS.csr) {
    return {
      ok: false,
      message: `${FIELD} must be at most ${SECTIGO_LIMITS.csr} characters, got ${value.length}`,
    };
  }
  let base64 = value.trim();
  const armour = ARMOUR.exec(base64);
  if (armour) {
    const label = armour[1] ?? '';
    if (!CSR_LABELS.has(label)) {
      return { ok: false, message: `${FIELD} is a PEM ${label}, not a CERTIFICATE REQUEST (PKCS#10)` };
    }
    base64 = armour[2] ?? '';
  } else if (base64.includes('-----')) {
    return { ok: false, message: `${FIELD} has broken PEM armour (BEGIN and END lines must match)` };
  }
  base64 = base64.replace(/\s+/g, '');
  if (!BASE64.test(base64)) return { ok: false, message: `${FIELD} is not base64 or PEM` };

  const der = Buffer.from(base64, 'base64');
  if (!isOneDerSequence(der)) {
    return { ok: false, message: `${FIELD} is not a PKCS#10 certificate request (not one DER structure)` };
  }
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
  } catch {
    return { ok: false, message: `${FIELD} is not a PKCS#10 certificate request` };
  }
  const pem = request.toString('pem');
  if (pem.length > SECTIGO_LIMITS.csr) {
    return { ok: false, message: `${FIELD} must be at most ${SECTIGO_LIMITS.csr} characters as PEM` };
  }
  return { ok: true, value: pem };
}

/**
 * True when the bytes are exactly one DER SEQUENCE: the parser accepts trailing bytes after the
 * request, and a CSR with something glued to its end is not what the user meant to send.
 */
function isOneDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1] ?? 0;
  if (first < 0x80) return der.length === 2 + first;
  const lengthBytes = first & 0x7f;
  // Four length bytes already allow 4 GiB; anything longer is not a CSR we would send.
  if (lengthBytes === 0 || lengthBytes > 4 || der.length < 2 + lengthBytes) return false;
  let length = 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + (der[2 + i] ?? 0);
  return der.length === 2 + lengthBytes + length;
}

export const csrField = requiredField(FIELD, checkCsr);
