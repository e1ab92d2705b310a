/**
 * Exit codes of every revoker command, for scripts:
 * 0 success · 1 some items dead-lettered (or a command failed) · 2 invalid input or config ·
 * 3 an account the batch needs is halted.
 */
import { isRevokerError } from '../errors.ts';

export const EXIT = { ok: 0, deadLettered: 1, invalid: 2, halted: 3 } as const;

/** Prints an error a person can act on and returns the exit code it deserves. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (isRevokerError(error)) {
    stderr.write(`revoker: ${error.message}\n`);
    return error.code.startsWith('CONFIG_ERR') || error.code === 'INPUT_ERR_INVALID' ? EXIT.invalid : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`revoker: ${message}\n`);
  return 1;
}
