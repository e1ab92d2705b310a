import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coerceError, ErrorCodes, isRevokerError, RevokerError } from '../../src/errors.ts';

describe('error catalogue', () => {
  it('documents every code in docs/errors.md, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)`\s*\|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCodes).sort());
  });

  it('recognises revoker errors by name when the prototype is lost', () => {
    const original = new RevokerError('CONFIG_ERR_INVALID', 'bad');
    const copy = Object.assign(new Error('bad'), { name: 'RevokerError', code: 'CONFIG_ERR_INVALID' });
    expect(isRevokerError(original, 'CONFIG_ERR_INVALID')).toBe(true);
    expect(isRevokerError(copy, 'CONFIG_ERR_INVALID')).toBe(true);
    expect(isRevokerError(new Error('x'))).toBe(false);
  });

  it('turns anything thrown into an Error', () => {
    expect(coerceError('boom').message).toBe('boom');
    expect(coerceError({ a: 1 }).message).toContain('{"a":1}');
  });
});
