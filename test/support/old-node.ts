/**
 * Finds a Node.js older than package.json's engines allow on this machine (Debian's
 * /usr/bin/node is 20 on the CI machines), for the tests of the version message. Undefined when
 * there is none: those tests are then reported as skipped, never passed.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const { ENGINES, isTooOld } = createRequire(import.meta.url)('../../bin/check-node.cjs') as {
  ENGINES: string;
  isTooOld(version: string, engines: string): boolean;
};

export interface OldNode {
  path: string;
  version: string;
}

export function findOldNode(): OldNode | undefined {
  const candidates = new Set(['/usr/bin/node', '/usr/local/bin/node']);
  try {
    for (const path of execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n')) {
      if (path.trim()) candidates.add(path.trim());
    }
  } catch {
    // `which -a` finds none: the fixed paths above remain.
  }
  for (const path of candidates) {
    try {
      const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (isTooOld(version, ENGINES)) return { path, version };
    } catch {
      // Not there, or not runnable.
    }
  }
  return undefined;
}
