/**
 * What the four Sectigo endpoints share around their own parameters: how a form starts (the
 * account's credentials), how `test` is decided, and how an operation executes (validate again,
 * check the account can make the call, post, classify). Each endpoint file supplies only its path,
 * its schema and the fields it sends.
 */

import type { z } from 'zod';
import { ErrorCodes, RevokerError } from '../../errors.ts';
import type { ExecuteOptions, OperationName, SectigoAccount } from '../operation.ts';
import { makeOutcome, type Outcome } from '../outcome.ts';
import { callSectigo } from './call.ts';
import { credentialFields } from './credentials.ts';
import { describeParamsError, type YesNo } from './params.ts';
import type { SectigoResponseFormat } from './response-parser.ts';

/**
 * A new form holding the account's credentials. Throws CA_ERR_PARAMS when the account cannot make
 * the call (a SASP session on an endpoint that takes only a login, a credential over its limit).
 */
export function startSectigoForm(account: SectigoAccount, acceptsSasp: boolean): URLSearchParams {
  const fields = credentialFields(account.credentials, acceptsSasp);
  if (!fields.ok) throw new RevokerError(ErrorCodes.CA_ERR_PARAMS, fields.message);
  const form = new URLSearchParams();
  for (const [name, value] of fields.value) form.append(name, value);
  return form;
}

/** Appends a field only when it has a value: an absent optional parameter is not sent at all. */
export function appendIfGiven(form: URLSearchParams, name: string, value: string | number | undefined): void {
  if (value !== undefined) form.append(name, String(value));
}

/**
 * `test=Y` when the account rehearses or the job asks for it. `N` is the vendor's default, so it is
 * not sent: one argument fewer that an older endpoint version could call unrecognised.
 */
export function appendTest(form: URLSearchParams, account: SectigoAccount, test: YesNo | undefined): void {
  if (account.rehearsal || test === 'Y') form.append('test', 'Y');
}

export interface SectigoEndpoint<P> {
  readonly operation: OperationName;
  readonly path: string;
  readonly schema: z.ZodType<P>;
  /** Whether the endpoint has a `test=Y` mode. One without it is never called under rehearsal. */
  readonly hasTestMode: boolean;
  /** Only AutoRevokeSSL takes a SASP session instead of a login. */
  readonly acceptsSasp: boolean;
  /** AutoReplaceSMIME: read the replacement's order number from a success. */
  readonly readsNewOrderNumber: boolean;
  build(account: SectigoAccount, params: P): URLSearchParams;
  responseFormatOf(params: P): SectigoResponseFormat;
}

export async function executeSectigoEndpoint<P>(
  endpoint: SectigoEndpoint<P>,
  account: SectigoAccount,
  params: P,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  // Job data has been through Redis: the type says P, only validation makes it so.
  const parsed = endpoint.schema.safeParse(params);
  if (!parsed.success) {
    // The job's own fault: no other job is affected, and retrying cannot fix it.
    return refusal('permanent', `${endpoint.operation}: ${describeParamsError(parsed.error)}`);
  }
  if (account.rehearsal && !endpoint.hasTestMode) {
    // Sending would really act at the vendor; a rehearsal promises that nothing happens.
    return refusal(
      'permanent',
      `${endpoint.operation} has no test mode at the vendor: not sent while the account rehearses`,
    );
  }
  const credentials = credentialFields(account.credentials, endpoint.acceptsSasp);
  if (!credentials.ok) {
    // The account's fault: every job on it would fail the same way, so pause rather than dead-letter.
    return refusal('halt', `${endpoint.operation}: ${credentials.message}`);
  }
  return callSectigo(account, {
    path: endpoint.path,
    form: endpoint.build(account, parsed.data),
    responseFormat: endpoint.responseFormatOf(parsed.data),
    readsNewOrderNumber: endpoint.readsNewOrderNumber,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

function refusal(outcomeClass: 'permanent' | 'halt', message: string): Outcome {
  return makeOutcome({
    class: outcomeClass,
    vendor: 'sectigo',
    code: ErrorCodes.CA_ERR_PARAMS,
    message,
    latencyMs: 0,
  });
}
