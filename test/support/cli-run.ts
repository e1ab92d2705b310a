/**
 * Runs the CLI in process, as `revoker …` would, and captures what it writes: for tests that
 * check exit codes and messages without spawning a process.
 */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';

/** A stream that keeps everything written to it. */
export function textSink(): { stream: PassThrough; text: () => string } {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

/** `revoker ARGS` with this environment; stdout and stderr together, in the order written. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; text: string }> {
  const out = textSink();
  const code = await main(args, { env, stdout: out.stream, stderr: out.stream });
  return { code, text: out.text() };
}
