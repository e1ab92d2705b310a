/**
 * The entry points of a checkout on a Node.js older than package.json allows: the `revoker`
 * command (bin/revoker.cjs) and the npm scripts say which version they need and how to get it,
 * and exit 2 with no stack trace. Run with a real older Node.js (the machine's own); the
 * installed package's command is covered in package-install.test.ts.
 */
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findOldNode } from '../support/old-node.ts';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const oldNode = findOldNode();

async function failure(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return run(file, args, { cwd: REPO_ROOT, env }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

function expectVersionMessage(result: { code: number; stderr: string }, command: string) {
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(
    `${command}: needs Node.js 22.18.0 or newer (24 recommended); this is Node.js ${oldNode?.version} (${oldNode?.path})`,
  );
  expect(result.stderr).toContain('nvm install 24');
  expect(result.stderr).toContain('npm install --prefix ~/.node24 node@24');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
}

describe.skipIf(!oldNode)(`on an older Node.js (${oldNode?.version ?? 'none on this machine'})`, () => {
  it('bin/revoker.cjs (the revoker command) says what it needs and exits 2', async () => {
    expectVersionMessage(await failure(oldNode?.path ?? '', ['bin/revoker.cjs', 'demo']), 'revoker');
  });

  it('npm run demo and npm test say what they need and exit 2', async () => {
    // That Node.js first on PATH, as for a user whose default node is too old.
    const env = { ...process.env, PATH: `${dirname(oldNode?.path ?? '')}:${process.env.PATH ?? ''}` };
    const demo = await failure('npm', ['run', '--silent', 'demo'], env);
    expectVersionMessage(demo, 'revoker');
    const test = await failure('npm', ['test', '--silent'], env);
    expectVersionMessage(test, 'npm test');
  });
});
