/**
 * The dashboard's small parts: sessions (opaque, expiring, bounded), the login page (escaped),
 * and the rewrite that keeps Bull Board's page on local assets.
 */
import { describe, expect, it } from 'vitest';
import type { ApiCaller } from '../../../src/api/api-tokens.ts';
import { localAssetsOnly } from '../../../src/api/board/board.ts';
import { loginPage } from '../../../src/api/board/login-page.ts';
import { createSessionStore } from '../../../src/api/board/sessions.ts';

const caller: ApiCaller = { name: 'ops', scopes: new Set(['read']) };

describe('board sessions', () => {
  it('open an opaque id, find its caller until it expires, and close on logout', () => {
    let now = 1_000;
    const sessions = createSessionStore({ ttlMs: 100, now: () => now });
    const id = sessions.open(caller);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.open(caller)).not.toBe(id);
    expect(sessions.find(id)).toBe(caller);
    expect(sessions.find('made-up')).toBeUndefined();
    expect(sessions.find(undefined)).toBeUndefined();
    now += 100;
    expect(sessions.find(id)).toBeUndefined();
    const other = sessions.open(caller);
    sessions.close(other);
    expect(sessions.find(other)).toBeUndefined();
  });

  it('keep at most `max` sessions, dropping the oldest', () => {
    const sessions = createSessionStore({ max: 2 });
    const [a, b, c] = [sessions.open(caller), sessions.open(caller), sessions.open(caller)];
    expect(sessions.find(a)).toBeUndefined();
    expect(sessions.find(b)).toBe(caller);
    expect(sessions.find(c)).toBe(caller);
  });
});

describe('the login page', () => {
  it('escapes what it shows', () => {
    const html = loginPage({ next: '/admin/queues"><script>x</script>', problem: '<b>no</b>' });
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('<b>no</b>');
    expect(html).toContain('&#60;b&#62;no&#60;/b&#62;');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe("Bull Board's page", () => {
  it('loses its external stylesheet links and keeps its own', () => {
    const page =
      '<link rel="alternate icon" href="static/favicon-32x32.png">\n' +
      '<link href="https://fonts.googleapis.com/css2?family=IBM+Plex+Sans&display=swap" rel="stylesheet">\n' +
      '<link href="//cdn.example/x.css" rel="stylesheet">\n' +
      '<link href="static/css/main.css" rel="stylesheet">';
    expect(localAssetsOnly(page)).toBe(
      '<link rel="alternate icon" href="static/favicon-32x32.png">\n\n\n<link href="static/css/main.css" rel="stylesheet">',
    );
  });
});
