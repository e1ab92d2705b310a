/**
 * The Node.js version rule of bin/check-node.cjs (the first thing every entry point runs): the
 * minimum comes from package.json's engines, and the message names it and the ways to get it.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };

const check = createRequire(import.meta.url)('../../bin/check-node.cjs') as {
  ENGINES: string;
  isTooOld(version: string, engines: string): boolean;
  tooOldMessage(command: string, version: string, engines: string, execPath: string): string;
};

describe('check-node', () => {
  it("reads the minimum from package.json's engines", () => {
    expect(check.ENGINES).toBe(pkg.engines.node);
    expect(check.ENGINES).toBe('>=22.18.0');
  });

  it('compares major, minor and patch in turn', () => {
    expect(check.isTooOld('20.20.2', '>=22.18.0')).toBe(true);
    expect(check.isTooOld('22.17.9', '>=22.18.0')).toBe(true);
    expect(check.isTooOld('v10.19.0', '>=22.18.0')).toBe(true);
    expect(check.isTooOld('22.18.0', '>=22.18.0')).toBe(false);
    expect(check.isTooOld('22.18.1', '>=22.18.0')).toBe(false);
    expect(check.isTooOld('23.0.0', '>=22.18.0')).toBe(false);
    expect(check.isTooOld('24.21.0', '>=22.18.0')).toBe(false);
  });

  it('says which version it needs, which it found, and how to get one', () => {
    const message = check.tooOldMessage('revoker', '20.20.2', '>=22.18.0', '/usr/bin/node');
    expect(message).toContain(
      'revoker: needs Node.js 22.18.0 or newer (24 recommended); this is Node.js 20.20.2 (/usr/bin/node).',
    );
    expect(message).toContain('nvm install 24');
    expect(message).toContain('npm install --prefix ~/.node24 node@24');
  });

  it('refuses an engines field it cannot read rather than passing every version', () => {
    expect(() => check.isTooOld('24.0.0', '^22')).toThrow('cannot read a version from "^22"');
  });
});
