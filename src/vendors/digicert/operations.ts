/**
 * The DigiCert operations revoker runs, for the registry (src/vendors/registry.ts).
 */
import { revokeCertificateOperation } from './revoke-certificate.ts';
import { revokeOrderOperation } from './revoke-order.ts';

export const digicertOperations = [revokeOrderOperation, revokeCertificateOperation] as const;
