/**
 * The logger: pino, with every field that can hold a credential redacted (`[redacted]`) at any
 * depth a log call is likely to use (the value, a request, a request's headers, an account).
 * Secrets are kept out of log calls in the first place; this is the net under that rule, and
 * test/unit/logger.test.ts proves it holds.
 */

import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { RevokerError } from './errors.ts';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

/** Field names whose value is a secret wherever they appear. */
export const SECRET_FIELD_NAMES = [
  'loginPassword',
  'saspSessionID',
  'apiKey',
  'x-dc-devkey',
  'X-DC-DEVKEY',
  'authorization',
  'Authorization',
  // A board session cookie is as good as the token that opened it.
  'cookie',
  'set-cookie',
] as const;

// pino's wildcards match one level each: list the depths log calls reach (`{ req: { headers } }`
// is depth 2; a nested account record depth 3).
const MAX_DEPTH = 3;

/** The redaction paths handed to pino. */
export const REDACT_PATHS: readonly string[] = Object.freeze([
  ...SECRET_FIELD_NAMES.flatMap((name) => atDepths(key(name))),
  ...atDepths('credentials.*'),
]);

export interface LoggerOptions {
  /** @defaultValue `info` */
  level?: LogLevel;
  /** Where lines go (tests pass a stream that collects them). @defaultValue standard output */
  destination?: DestinationStream;
  /** Added to every line as `name` (the process role: `worker`, `cli`, `api`). */
  name?: string;
}

/** Creates the process's logger; an unknown level throws CONFIG_ERR_INVALID naming `level`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `level: expected one of ${LOG_LEVELS.join(', ')}, got "${level}"`,
    );
  }
  const settings = {
    level,
    ...(options.name === undefined ? {} : { name: options.name }),
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // ISO times: the log is part of the audit trail, read by people as well as by machines.
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** Lines held before a write, and how long at most (see bufferedStdout). */
export const LOG_BUFFER = Object.freeze({ bytes: 4096, flushMs: 250 });

/**
 * Standard output written in chunks rather than a write per line: lines wait until LOG_BUFFER.bytes
 * gather or LOG_BUFFER.flushMs pass, and are flushed at exit (pino registers it). For a process
 * that logs a line per request (`revoker serve`): there the write per line cost more CPU than the
 * line (bench e). The price: a hard kill (SIGKILL, out of memory) loses the last 250 ms of lines.
 */
export function bufferedStdout(): DestinationStream {
  return pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_BUFFER.bytes,
    periodicFlush: LOG_BUFFER.flushMs,
  });
}

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `["${name}"]`;
}

function atDepths(path: string): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const prefix = '*.'.repeat(depth);
    // A bracketed key follows a wildcard directly: `*["x-dc-devkey"]`, not `*.["x-dc-devkey"]`.
    paths.push(path.startsWith('[') ? `${prefix.replace(/\.$/, '')}${path}` : `${prefix}${path}`);
  }
  return paths;
}
