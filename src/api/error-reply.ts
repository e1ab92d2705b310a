/**
 * Every error the API answers, in one JSON shape (schemas.ts `Error`) with a stable code of the
 * error catalogue (src/errors.ts, docs/errors.md): revoker's own errors keep their code, fastify's
 * (bad JSON, a body too large, an unknown content type, a schema the request fails) are turned
 * into ours, and anything else is a 500 whose details stay in the log, never in the answer.
 */
import type {
  FastifyContextConfig,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, ErrorCodes, isRevokerError, RevokerError } from '../errors.ts';
import type { RowError } from '../jobs/input-row.ts';
import type { ErrorBody } from './schemas.ts';

/** The HTTP status of each code the API answers with; any other code is a 500. */
const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  INPUT_ERR_INVALID: 422,
  API_ERR_BAD_REQUEST: 400,
  API_ERR_TOKEN_IN_URL: 400,
  API_ERR_UNAUTHORIZED: 401,
  API_ERR_FORBIDDEN: 403,
  API_ERR_NOT_FOUND: 404,
  API_ERR_IDEMPOTENCY_IN_FLIGHT: 409,
  API_ERR_BODY_TOO_LARGE: 413,
  API_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  API_ERR_IDEMPOTENCY_KEY_REUSED: 422,
  REDIS_ERR_UNAVAILABLE: 503,
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

declare module 'fastify' {
  /** Route config the error replies read: what a route's body is. */
  interface FastifyContextConfig {
    /** The Content-Types the route reads, named in a 415. */
    accepts?: readonly string[];
    /** The body is one input row: field errors name row 1, as the producer's do. */
    bodyIsRow?: boolean;
  }
}

/** Row errors kept in one answer: enough for any fix, bounded for a 1,000,000-row mistake. */
export const MAX_ROW_ERRORS = 10_000;

export function apiError(code: ErrorCode, message: string, details?: Record<string, unknown>): RevokerError {
  return new RevokerError(code, message, details === undefined ? {} : { details });
}

/** The answer for any error thrown while handling `request`. */
export function errorBody(error: unknown, request: FastifyRequest): ErrorBody {
  const config = request.routeOptions.config;
  if (hasZodFastifySchemaValidationErrors(error)) return validationBody(error, request, config);
  if (isRevokerError(error)) return fromRevokerError(error, request);
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const type = request.headers['content-type'] ?? 'none';
      const accepted = config.accepts?.join(' or ') ?? 'application/json';
      return body(
        request,
        ErrorCodes.API_ERR_UNSUPPORTED_MEDIA_TYPE,
        `Content-Type ${type} is not read here: send ${accepted}; nothing was enqueued`,
      );
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return body(
        request,
        ErrorCodes.API_ERR_BODY_TOO_LARGE,
        'the body is larger than api.bodyLimitBytes allows; nothing was enqueued',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return body(
        request,
        ErrorCodes.API_ERR_BAD_REQUEST,
        `body: ${fastifyError.message ?? 'cannot be read'}; nothing was enqueued`,
      );
  }
  // JSON.parse's own SyntaxError (fastify passes it on with status 400).
  if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
    return body(
      request,
      ErrorCodes.API_ERR_BAD_REQUEST,
      `body: not valid JSON (${fastifyError.message ?? 'unreadable'}); nothing was enqueued`,
    );
  }
  return body(
    request,
    ErrorCodes.API_ERR_INTERNAL,
    `internal error: the server log has it under request id ${request.id}`,
    500,
  );
}

/** Sends the error answer now (hooks outside fastify's error handler, e.g. Bull Board's routes). */
export function sendError(reply: FastifyReply, error: RevokerError): FastifyReply {
  const answer = errorBody(error, reply.request);
  return reply.code(answer.statusCode).type('application/json').send(answer);
}

export function installErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const answer = errorBody(error, request);
    if (answer.statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: answer.code, statusCode: answer.statusCode }, answer.message.split('\n')[0]);
    }
    return reply.code(answer.statusCode).type('application/json').send(answer);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const answer = body(request, ErrorCodes.API_ERR_NOT_FOUND, `no route ${request.method} ${path}`);
    return reply.code(404).type('application/json').send(answer);
  });
}

function fromRevokerError(error: RevokerError, request: FastifyRequest): ErrorBody {
  const status = STATUS_OF[error.code] ?? 500;
  if (status === 500) {
    return body(
      request,
      ErrorCodes.API_ERR_INTERNAL,
      `internal error: the server log has it under request id ${request.id}`,
      500,
    );
  }
  // Only what is meant for the caller: row errors and counts, never a cause or an internal detail.
  const d = error.details;
  const errors = Array.isArray(d.errors) ? (d.errors as RowError[]) : undefined;
  const details = {
    ...(errors ? { errors: errors.slice(0, MAX_ROW_ERRORS) } : {}),
    ...(typeof d.rows === 'number' ? { rows: d.rows } : {}),
    ...(typeof d.invalid === 'number' ? { invalid: d.invalid } : {}),
  };
  return body(
    request,
    error.code,
    shortened(error.message),
    status,
    Object.keys(details).length > 0 ? details : undefined,
  );
}

/** Row errors are all in details.errors: the message lists the first ones, for a person reading it. */
const MESSAGE_LINES = 21;

function shortened(message: string): string {
  const lines = message.split('\n');
  if (lines.length <= MESSAGE_LINES) return message;
  return `${lines.slice(0, MESSAGE_LINES).join('\n')}\n  … ${lines.length - MESSAGE_LINES} more in details.errors`;
}

interface ValidationIssue {
  keyword?: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

function validationBody(
  error: { validation: ValidationIssue[]; validationContext?: string },
  request: FastifyRequest,
  config: FastifyContextConfig,
): ErrorBody {
  const where = error.validationContext ?? 'body';
  const issues = error.validation.flatMap((v) => {
    const at = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    // An unknown field is the field's fault, not the object's: name it.
    const keys = v.keyword === 'unrecognized_keys' ? v.params?.keys : undefined;
    if (Array.isArray(keys) && keys.length > 0) {
      return keys.map((key) => ({
        field: at === '' ? String(key) : `${at}.${String(key)}`,
        message: 'unknown field',
      }));
    }
    return [{ field: at, message: v.message ?? 'invalid' }];
  });
  if (where === 'body' && issues.every((i) => i.field !== '')) {
    // A JSON object with fields that are wrong: the row is at fault, as in `revoker submit`.
    const errors = issues.map((i) => ({ ...(config.bodyIsRow ? { row: 1 } : {}), ...i }));
    return body(
      request,
      ErrorCodes.INPUT_ERR_INVALID,
      `the request is invalid; nothing was enqueued:\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`,
      422,
      { errors, rows: 1, invalid: 1 },
    );
  }
  const part = where === 'querystring' ? 'query parameter ' : where === 'params' ? 'path parameter ' : '';
  const described = issues.map((i) => `${part}${i.field || where}: ${i.message}`);
  return body(request, ErrorCodes.API_ERR_BAD_REQUEST, described.join('; '), 400, {
    errors: issues.map((i) => ({ field: i.field || where, message: i.message })),
  });
}

function body(
  request: FastifyRequest,
  code: ErrorCode,
  message: string,
  statusCode = STATUS_OF[code] ?? 500,
  details?: ErrorBody['details'],
): ErrorBody {
  return {
    statusCode,
    code,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    message,
    requestId: String(request.id),
    ...(details === undefined ? {} : { details }),
  };
}
