/**
 * Real PKCS#10 requests and a real certificate for the Sectigo unit tests, made in memory with
 * @peculiar/x509 (no files, no network).
 */
// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CsrFixtures {
  /** A CSR as PEM with its armour. */
  csrPem: string;
  /** The same CSR as bare base64 on one line. */
  csrBase64: string;
  /** A self-signed certificate: valid PEM and DER, but not a CSR. */
  certificatePem: string;
  certificateBase64: string;
}

export async function makeCsrFixtures(): Promise<CsrFixtures> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=alice@example.com',
    keys,
    signingAlgorithm: ALGORITHM,
  });
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=alice@example.com',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: ALGORITHM,
    keys,
  });
  return {
    csrPem: csr.toString('pem'),
    csrBase64: csr.toString('base64'),
    certificatePem: certificate.toString('pem'),
    certificateBase64: certificate.toString('base64'),
  };
}
