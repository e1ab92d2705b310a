import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coerceError, ErrorCodes, isRevokerError, RevokerError } from '../../src/errors.ts';

describe('error catalogue', () => {
  it('documents every code in docs/errors.md, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Za-z0-9_<>-]+)`\s*\|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCodes).sort());
  });

  it('catalogues every code the queue and the vendor adapters can write to a record, and nothing unused', () => {
    const catalogued = new Set<string>(Object.values(ErrorCodes));
    const sources = ['src/queue', 'src/vendors', 'src/vendors/sectigo', 'src/vendors/digicert'].flatMap(
      (dir) =>
        readdirSync(new URL(`../../${dir}`, import.meta.url))
          .filter((f) => f.endsWith('.ts'))
          .map((f) => readFileSync(new URL(`../../${dir}/${f}`, import.meta.url), 'utf8')),
    );
    const text = sources.join('\n');
    // Codes of our own: `code: 'ABC_DEF'`, `code: 'http-429'`, `code: \`http-${status}\``, named constants.
    const written = new Set<string>();
    for (const m of text.matchAll(/code: '([A-Z][A-Z_]+|http-\d+)'/g)) written.add(m[1] as string);
    if (/code: `http-\$\{status\}`/.test(text)) written.add('http-<status>');
    for (const m of text.matchAll(/new RevokerError\(\s*'([A-Z_]+)'/g)) written.add(m[1] as string);
    // Our own codes, written through the catalogue itself (`ErrorCodes.REPLACE_UNCERTAIN`).
    for (const m of text.matchAll(/ErrorCodes\.([A-Z][A-Z_0-9]+)/g)) {
      written.add(ErrorCodes[m[1] as keyof typeof ErrorCodes]);
    }
    for (const name of [
      'REPLACE_UNCERTAIN',
      'WORKER_LOST',
      'REHEARSAL_NOT_SENT',
      'BULLMQ_FAILED',
      'rate-limit-exhausted',
    ]) {
      expect(text, `${name} is written somewhere`).toContain(name);
      written.add(name);
    }
    for (const code of written) expect(catalogued.has(code), `${code} is in src/errors.ts`).toBe(true);
    // Every catalogued code is produced by something (errors thrown elsewhere, e.g. the CLI, count).
    const elsewhere = [
      'src/cli',
      'src',
      'src/webhooks',
      'src/schedules',
      'src/api',
      'src/api/routes',
      'src/api/board',
    ]
      .flatMap((dir) =>
        readdirSync(new URL(`../../${dir}`, import.meta.url))
          .filter((f) => f.endsWith('.ts') && !(dir === 'src' && f === 'errors.ts'))
          .map((f) => readFileSync(new URL(`../../${dir}/${f}`, import.meta.url), 'utf8')),
      )
      .join('\n');
    // The API answers with codes through the catalogue (`ErrorCodes.API_ERR_NOT_FOUND`).
    for (const m of elsewhere.matchAll(/ErrorCodes\.([A-Z][A-Z_0-9]+)/g)) {
      written.add(ErrorCodes[m[1] as keyof typeof ErrorCodes]);
    }
    for (const code of catalogued) {
      const produced = written.has(code) || text.includes(`'${code}'`) || elsewhere.includes(`'${code}'`);
      expect(produced, `${code} is produced somewhere`).toBe(true);
    }
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
