/**
 * Makes PKCS#10 certificate requests for tests and the demo's replace jobs: a fresh key of the
 * asked type, the request in PEM, and the key's fingerprint (to seed a "compromised" key).
 */
// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type CsrKeyType = 'rsa-2048' | 'rsa-1024' | 'ec-p256' | 'ec-p384' | 'ec-p521';

export interface MadeCsr {
  pem: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex (see SandboxSeed.compromisedKeys). */
  spkiSha256: string;
}

export async function makeCsr(options: { keyType?: CsrKeyType; subject?: string } = {}): Promise<MadeCsr> {
  const keyType = options.keyType ?? 'ec-p256';
  const algorithm = algorithmFor(keyType);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: options.subject ?? 'CN=sandbox@example.com, E=sandbox@example.com',
    keys,
    signingAlgorithm: algorithm,
  });
  const spki = await webcrypto.subtle.exportKey('spki', keys.publicKey);
  return {
    pem: csr.toString('pem'),
    spkiSha256: createHash('sha256').update(new Uint8Array(spki)).digest('hex'),
  };
}

function algorithmFor(keyType: CsrKeyType): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  switch (keyType) {
    case 'rsa-2048':
    case 'rsa-1024':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: keyType === 'rsa-2048' ? 2048 : 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
    case 'ec-p256':
    case 'ec-p384':
    case 'ec-p521': {
      const curve = { 'ec-p256': 'P-256', 'ec-p384': 'P-384', 'ec-p521': 'P-521' }[keyType];
      return {
        name: 'ECDSA',
        namedCurve: curve,
        hash: keyType === 'ec-p256' ? 'SHA-256' : 'SHA-384',
      } as webcrypto.EcKeyGenParams;
    }
  }
}
