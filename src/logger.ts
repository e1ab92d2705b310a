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
    timestamp: isoTimeOncePerMillisecond(),
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** Lines held before a write, and how long at most (see bufferedStdout). */
export const LOG_BUFFER = Object.freeze({ bytes: 4096, flushMs: 250 });

/**
 * Standard output written in chunks rather than a write per line: lines wait until LOG_BUFFER.bytes
 * gather or LOG_BUFFER.flushMs pass, and are flushed at exit (chunkedLines). For a process
 * that logs a line per request (`revoker serve`): there the write per line cost more CPU than the
 * line (bench e). The price: a hard kill (SIGKILL, out of memory) loses the last 250 ms of lines.
 */
export function bufferedStdout(): DestinationStream {
  // Written synchronously, as pino's own standard output is, a chunk at a time: an asynchronous
  // write still in flight at exit would land after the lines flushed at exit (out of order).
  return chunkedLines(pino.destination({ dest: 1, sync: true }));
}

interface Flushable extends DestinationStream {
  flushSync(): void;
}

/**
 * Lines gathered into chunks before they reach `stream` (sonic-boom, which writes them). Not
 * sonic-boom's own `minLength`: it measures the whole pending text (Buffer.byteLength, up to 16 KiB)
 * on every line, a fifth of a request line's cost here. Flushed at exit.
 */
export function chunkedLines(
  stream: Flushable,
  bytes: number = LOG_BUFFER.bytes,
  flushMs: number = LOG_BUFFER.flushMs,
): DestinationStream {
  let lines: string[] = [];
  // Characters, not bytes: a threshold, and the same for the ASCII lines the log holds.
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const chunk = lines.join('');
    lines = [];
    size = 0;
    stream.write(chunk);
  };
  // Ahead of pino's own handlers for the stream, which end it on beforeExit.
  process.prependOnceListener('beforeExit', flush);
  process.prependOnceListener('exit', () => {
    flush();
    stream.flushSync();
  });
  return {
    write(line: string) {
      lines.push(line);
      size += line.length;
      if (size >= bytes) flush();
      else if (timer === undefined) timer = setTimeout(flush, flushMs).unref();
    },
  };
}

/** pino's isoTime, made once per millisecond: a busy server logs many lines in one. */
function isoTimeOncePerMillisecond(): () => string {
  let last = -1;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== last) {
      last = now;
      text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
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
