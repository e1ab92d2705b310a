/**
 * The fake Sectigo Partner API: finds the endpoint from the path (exactly as the documents
 * spell it: see DOCUMENTED_PATHS), then runs the steps every endpoint shares, in this order:
 *
 *   arrival (count, draw latency and fault, rate limit) → wait the latency →
 *   -1 plain http · -17 not POST · -42 over the limit · injected fault →
 *   -2 unrecognised argument · credentials (-3/-4/-16) · responseFormat (-4) →
 *   the endpoint's own checks and order lookup → the order's seeded fault → the operation.
 */

import type { SectigoAccount } from '../accounts.ts';
import { arrive } from '../arrival.ts';
import type { SandboxContext } from '../context.ts';
import type { FaultKind } from '../faults.ts';
import { garbageAction, serverErrorAction } from '../faults.ts';
import type { Action } from '../http-reply.ts';
import { SECTIGO_CODES } from './codes.ts';
import type { SectigoEndpoint } from './endpoint.ts';
import {
  check,
  collectParams,
  LOGIN_NAME_MAX,
  LOGIN_PASSWORD_MAX,
  maxLength,
  refuse,
  required,
  type SectigoParams,
  SectigoRefusal,
} from './params.ts';
import { replaceSmimeEndpoint } from './replace-smime.ts';
import { renderSectigo, SECTIGO_MIME_TYPES, type SectigoAnswer, type SectigoFormat } from './response.ts';
import { revokeCertificateEndpoint } from './revoke-certificate.ts';
import { revokePacEndpoint } from './revoke-pac.ts';
import { revokeSslEndpoint } from './revoke-ssl.ts';

export const SECTIGO_ENDPOINTS: readonly SectigoEndpoint[] = [
  revokeSslEndpoint,
  revokeCertificateEndpoint,
  revokePacEndpoint,
  replaceSmimeEndpoint,
];

/**
 * Every path the documents show, and nothing else: a client that strays from them would meet a
 * 404 at the vendor, so it must here too. AutoRevokePAC's page drops the `/` before `!` (its own
 * curl sample has it); autoRevokeCertificate's page spells the name in lower camel case, its
 * sample in upper.
 */
export const DOCUMENTED_PATHS: ReadonlyMap<string, SectigoEndpoint> = new Map([
  ['/products/!AutoRevokeSSL', revokeSslEndpoint],
  ['/products/!autoRevokeCertificate', revokeCertificateEndpoint],
  ['/products/!AutoRevokeCertificate', revokeCertificateEndpoint],
  ['/products!AutoRevokePAC', revokePacEndpoint],
  ['/products/!AutoRevokePAC', revokePacEndpoint],
  ['/products/!AutoReplaceSMIME', replaceSmimeEndpoint],
]);

/** The endpoint of a documented path, or undefined (the server answers an HTML 404). */
export function matchSectigoEndpoint(pathname: string): SectigoEndpoint | undefined {
  return DOCUMENTED_PATHS.get(pathname);
}

export interface SectigoHttpRequest {
  method: string;
  query: URLSearchParams;
  body: string;
  contentType: string | undefined;
  secure: boolean;
}

export async function handleSectigo(
  ctx: SandboxContext,
  endpoint: SectigoEndpoint,
  request: SectigoHttpRequest,
): Promise<Action> {
  // Like a servlet: the body is read as parameters only when it is declared as a form.
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(request.contentType ?? '');
  const params = collectParams(
    [request.query, new URLSearchParams(isForm ? request.body : '')],
    endpoint.params,
    endpoint.caseInsensitiveNames,
  );
  const format = requestedFormat(endpoint, params);
  const claimed = claimedAccount(ctx, endpoint, params);
  const early = !request.secure
    ? SECTIGO_CODES.notHttps
    : request.method !== 'POST'
      ? SECTIGO_CODES.notPost
      : 0;
  const arrival = arrive(
    ctx,
    'sectigo',
    claimed && { name: claimed.loginName, rateLimits: claimed.rateLimits },
    {
      limited: early === 0,
    },
  );

  const answer = (result: SectigoAnswer, orderNumber?: string): Action => {
    ctx.accounting.answer('sectigo', claimed?.loginName, String(result.code), orderNumber);
    return renderSectigo(result, endpoint.name, format);
  };
  const fault = (kind: FaultKind, orderNumber?: string): Action => {
    if (kind === 'unknownError') return answer({ code: SECTIGO_CODES.unknownError }, orderNumber);
    const action = faultAction(ctx, kind, format);
    const label = action.kind === 'reply' ? `fault:${kind}:${action.reply.status}` : `fault:${kind}`;
    ctx.accounting.answer('sectigo', claimed?.loginName, label, orderNumber);
    return action;
  };

  await ctx.sleep(arrival.latencyMs);
  if (early !== 0) return answer({ code: early });
  if (!arrival.admission.admitted) return answer({ code: SECTIGO_CODES.callLimitReached });
  if (arrival.fault && arrival.fault !== 'resetAfterEffect') return fault(arrival.fault);

  let orderNumber: string | undefined;
  try {
    if (params.unrecognised.length > 0) refuse(SECTIGO_CODES.unrecognisedArgument);
    const account = authenticate(ctx, endpoint, params);
    const formatText = params.get('responseFormat');
    if (formatText !== undefined)
      check('responseFormat', formatText, (v) => endpoint.formats.map(String).includes(v));
    const prepared = await endpoint.prepare({ params, account, ctx });
    const { order } = prepared;
    orderNumber = order.orderNumber;
    const seeded = order.faults.shift();
    const orderFault = seeded === 'pass' ? undefined : seeded;
    await ctx.sleep(order.latencyMs);
    if (orderFault && orderFault !== 'resetAfterEffect') return fault(orderFault, orderNumber);
    const result = prepared.execute();
    if (orderFault === 'resetAfterEffect' || arrival.fault === 'resetAfterEffect') {
      // The operation took effect; the client never hears of it.
      ctx.accounting.answer('sectigo', claimed?.loginName, 'fault:resetAfterEffect', orderNumber);
      return { kind: 'reset' };
    }
    return answer(result, orderNumber);
  } catch (error) {
    if (!(error instanceof SectigoRefusal)) throw error;
    const action = answer(
      { code: error.code, ...(error.argument ? { argument: error.argument } : {}) },
      orderNumber,
    );
    return arrival.fault === 'resetAfterEffect' ? { kind: 'reset' } : action;
  }
}

/** The format asked for when the endpoint offers it; otherwise the default, 0. */
function requestedFormat(endpoint: SectigoEndpoint, params: SectigoParams): SectigoFormat {
  const asked = Number(params.get('responseFormat') ?? '0');
  return (endpoint.formats as readonly number[]).includes(asked) ? (asked as SectigoFormat) : 0;
}

/** Whose request this is, for accounting and rate limiting, before the password is checked. */
function claimedAccount(
  ctx: SandboxContext,
  endpoint: SectigoEndpoint,
  params: SectigoParams,
): SectigoAccount | undefined {
  const session = endpoint.acceptsSaspSession ? params.get('saspSessionID') : undefined;
  if (session !== undefined) return ctx.sectigoBySession(session);
  const loginName = params.get('loginName');
  return loginName === undefined ? undefined : ctx.sectigoByLogin(loginName);
}

function authenticate(ctx: SandboxContext, endpoint: SectigoEndpoint, params: SectigoParams): SectigoAccount {
  const session = endpoint.acceptsSaspSession ? params.get('saspSessionID') : undefined;
  if (session !== undefined) {
    // "If this parameter is specified, loginName and loginPassword should not be specified."
    if (params.get('loginName') !== undefined || params.get('loginPassword') !== undefined) {
      refuse(SECTIGO_CODES.invalidArgument, 'saspSessionID');
    }
    maxLength('saspSessionID', session, 16);
    return ctx.sectigoBySession(session) ?? refuse(SECTIGO_CODES.permissionDenied);
  }
  const loginName = maxLength('loginName', required(params, 'loginName'), LOGIN_NAME_MAX);
  const loginPassword = maxLength('loginPassword', required(params, 'loginPassword'), LOGIN_PASSWORD_MAX);
  const account = ctx.sectigoByLogin(loginName);
  if (account?.loginPassword !== loginPassword) refuse(SECTIGO_CODES.permissionDenied);
  return account;
}

function faultAction(
  ctx: SandboxContext,
  kind: Exclude<FaultKind, 'unknownError'>,
  format: SectigoFormat,
): Action {
  switch (kind) {
    case 'serverError':
      return serverErrorAction(ctx.faults.prng);
    case 'garbage':
      return garbageAction(ctx.faults.prng, SECTIGO_MIME_TYPES[format]);
    case 'hang':
      return { kind: 'hang' };
    case 'emptySuccess':
      return {
        kind: 'reply',
        reply: { status: 200, headers: { 'content-type': SECTIGO_MIME_TYPES[format] }, body: '' },
      };
    case 'reset':
    case 'resetAfterEffect':
      return { kind: 'reset' };
  }
}
