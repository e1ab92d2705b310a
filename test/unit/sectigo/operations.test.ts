import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES, type OperationSpec } from '../../../src/vendors/operation.ts';
import { sectigoOperations } from '../../../src/vendors/sectigo/operations.ts';

describe('sectigoOperations', () => {
  it('lists the four Sectigo operations under their names and kinds', () => {
    expect(sectigoOperations.map((op) => [op.name, op.vendor, op.kind])).toEqual([
      ['sectigo.revokeSSL', 'sectigo', 'revoke'],
      ['sectigo.revokeCertificate', 'sectigo', 'revoke'],
      ['sectigo.revokePAC', 'sectigo', 'revoke'],
      ['sectigo.replaceSMIME', 'sectigo', 'replace'],
    ]);
    for (const op of sectigoOperations) expect(OPERATION_NAMES).toContain(op.name);
  });

  it('fits the registry as plain OperationSpecs', () => {
    // Compile-time check as much as a run-time one: the registry widens them this way.
    const widened: readonly OperationSpec[] = sectigoOperations as readonly OperationSpec[];
    for (const op of widened) {
      expect(typeof op.params.safeParse).toBe('function');
      expect(op.params.safeParse({}).success).toBe(false);
    }
  });
});
