/**
 * `revoker serve`'s log is written in chunks (logger.ts bufferedStdout): a process that ends, by
 * process.exit() or by running out of work, still writes every line it logged, in order.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../../src/logger.ts', import.meta.url));

function run(ending: string): string[] {
  const script = [
    `import { bufferedStdout, createLogger } from ${JSON.stringify(LOGGER)};`,
    `const logger = createLogger({ name: 'api', destination: bufferedStdout() });`,
    'for (let i = 1; i <= 50; i++) logger.info({ i }, "line");',
    ending,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return child.stdout
    .trim()
    .split('\n')
    .map((line) => String((JSON.parse(line) as { i: number }).i));
}

const all = Array.from({ length: 50 }, (_, i) => String(i + 1));

describe('the chunked log at exit', () => {
  it('writes every line when the process calls process.exit()', () => {
    expect(run('process.exit(0);')).toEqual(all);
  });

  it('writes every line when the process runs out of work', () => {
    expect(run('')).toEqual(all);
  });
});
