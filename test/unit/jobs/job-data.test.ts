import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  isCredentialParam,
  type JobData,
  type jobDataSchema,
  parseJobData,
} from '../../../src/jobs/job-data.ts';

const valid: JobData = {
  account: 'acme',
  operation: 'sectigo.revokeSSL',
  params: { orderNumber: '1234567', codeReason: 1 },
  batchId: 'b-20250101T000000-abcd1234',
  row: 2,
};

describe('jobDataSchema', () => {
  it('infers exactly the JobData type (compile-time drift check)', () => {
    expectTypeOf<z.infer<typeof jobDataSchema>>().toEqualTypeOf<JobData>();
  });

  it('accepts job data as the producer writes it, after a trip through JSON', () => {
    expect(parseJobData(JSON.parse(JSON.stringify(valid)))).toEqual({ ok: true, data: valid });
  });

  it('rejects a credential among the params, in any letter case', () => {
    for (const name of ['loginPassword', 'LOGINPASSWORD', 'apiKey', 'saspSessionID', 'loginName']) {
      const result = parseJobData({ ...valid, params: { orderNumber: '1', [name]: 'x' } });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toContain('credentials never go into job data');
    }
  });

  it('rejects an unknown operation, a bad account name, a negative row, a missing batch', () => {
    expect(parseJobData({ ...valid, operation: 'sectigo.nope' }).ok).toBe(false);
    expect(parseJobData({ ...valid, account: 'a:b' }).ok).toBe(false);
    expect(parseJobData({ ...valid, row: -1 }).ok).toBe(false);
    expect(parseJobData({ ...valid, row: 1.5 }).ok).toBe(false);
    const { batchId: _, ...noBatch } = valid;
    expect(parseJobData(noBatch).ok).toBe(false);
  });
});

describe('isCredentialParam', () => {
  it('knows the credential names and nothing else', () => {
    expect(isCredentialParam('x-dc-devkey')).toBe(true);
    expect(isCredentialParam('orderNumber')).toBe(false);
  });
});
