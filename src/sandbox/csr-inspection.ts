/**
 * Reads a PKCS#10 certificate request the way AutoReplaceSMIME must: with or without PEM
 * armour, signature checked, and the public key's type, size and fingerprint extracted so the
 * endpoint can refuse unsupported sizes (-13) and known-compromised keys (-40).
 */
// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { createHash, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface CsrInfo {
  subject: string;
  /** `rsa`, `ec`, `ed25519`… as Node names key types. */
  keyType: string;
  /** RSA modulus length in bits. */
  modulusLength?: number;
  /** EC curve (`prime256v1`, `secp384r1`…). */
  namedCurve?: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex. */
  spkiSha256: string;
}

const PEM =
  /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/;

/** The request's details, or undefined when it is not a readable, correctly signed PKCS#10 request. */
export async function inspectCsr(text: string): Promise<CsrInfo | undefined> {
  const armoured = PEM.exec(text);
  const base64 = (armoured ? (armoured[1] ?? '') : text).replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+=*$/.test(base64)) return undefined;
  try {
    const der = Buffer.from(base64, 'base64');
    const csr = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
    if (!(await csr.verify())) return undefined;
    const spki = Buffer.from(csr.publicKey.rawData);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails ?? {};
    const info: CsrInfo = {
      subject: csr.subject,
      keyType: key.asymmetricKeyType ?? 'unknown',
      spkiSha256: createHash('sha256').update(spki).digest('hex'),
    };
    if (details.modulusLength !== undefined) info.modulusLength = details.modulusLength;
    if (details.namedCurve !== undefined) info.namedCurve = details.namedCurve;
    return info;
  } catch {
    return undefined;
  }
}

const SUPPORTED_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1']);

/** S/MIME keys Sectigo issues for: RSA 2048–8192 bits, EC P-256 or P-384. */
export function isSupportedKey(info: CsrInfo): boolean {
  if (info.keyType === 'rsa') return (info.modulusLength ?? 0) >= 2048 && (info.modulusLength ?? 0) <= 8192;
  if (info.keyType === 'ec') return SUPPORTED_CURVES.has(info.namedCurve ?? '');
  return false;
}
