/**
 * The CLI drops BullMQ's negative-timeout warning (src/cli/process-warnings.ts) and nothing else:
 * run in a real Node process, where the warning printer is Node's own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const module = fileURLToPath(new URL('../../src/cli/process-warnings.ts', import.meta.url));

function stderrOf(script: string): string {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return run.stderr;
}

describe('process warnings', () => {
  const body = `setTimeout(() => {}, -2); process.emitWarning('still printed', 'DeprecationWarning');`;

  it('Node prints both warnings without the filter (the control)', () => {
    const stderr = stderrOf(body);
    expect(stderr).toContain('TimeoutNegativeWarning');
    expect(stderr).toContain('still printed');
  });

  it('drops only the negative-timeout warning with it', () => {
    const stderr = stderrOf(
      `import { quietBullmqTimeoutWarnings } from ${JSON.stringify(module)}; quietBullmqTimeoutWarnings(); ${body}`,
    );
    expect(stderr).not.toContain('TimeoutNegativeWarning');
    expect(stderr).toContain('DeprecationWarning: still printed');
  });
});
