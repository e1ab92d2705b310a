/**
 * The Sectigo operations revoker can run, for the registry (src/vendors/registry.ts).
 */

import { replaceSmimeOperation } from './replace-smime.ts';
import { revokeCertificateOperation } from './revoke-certificate.ts';
import { revokePacOperation } from './revoke-pac.ts';
import { revokeSslOperation } from './revoke-ssl.ts';

export const sectigoOperations = [
  revokeSslOperation,
  revokeCertificateOperation,
  revokePacOperation,
  replaceSmimeOperation,
] as const;
