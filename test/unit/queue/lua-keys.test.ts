/**
 * Every Lua script of src/queue/commands/ names the keys it touches in KEYS[] and builds none
 * itself: Redis Cluster routes a script by the keys the client declares, and a key made inside
 * the script from a string may live in another slot (or on another node). The file name's count
 * (`<verb>-<keys>.lua`) is the number of keys the script uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../src/queue/commands/', import.meta.url);
const scripts = readdirSync(dir).filter((f) => f.endsWith('.lua'));
/** Lua without its comments (the headers describe KEYS in prose). */
const code = (file: string) =>
  readFileSync(new URL(file, dir), 'utf8')
    .replace(/--\[\[[\s\S]*?\]\]/g, '')
    .replace(/--[^\n]*/g, '');

describe('Lua scripts and their keys', () => {
  it('finds the scripts', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(3);
  });

  it.each(scripts)(
    '%s: every redis.call names a key from KEYS[], and uses exactly the declared keys',
    (file) => {
      const source = code(file);
      const calls = [...source.matchAll(/redis\.call\(\s*'([A-Za-z]+)'\s*,\s*([^,)]+)/g)];
      expect(calls.length).toBeGreaterThan(0);
      for (const [call, , firstArgument] of calls)
        expect(firstArgument?.trim(), call).toMatch(/^KEYS\[\d+\]$/);
      const declared = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
      const used = new Set([...source.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1])));
      expect([...used].sort()).toEqual(Array.from({ length: declared }, (_, i) => i + 1));
    },
  );
});
