/**
 * How every DigiCert CertCentral call is made: the API key header, a JSON body, and a network
 * fault turned into an Outcome. Endpoint files say what to send and how to read a success;
 * everything else goes through the one classification table in errors.ts.
 */

import { redactSecrets } from '../network-fault.ts';
import type { DigicertAccount, ExecuteOptions } from '../operation.ts';
import { type Outcome, outcomeFromFault } from '../outcome.ts';
import type { TransportRequest, TransportResponse } from '../transport.ts';

export interface DigicertCall {
  method: TransportRequest['method'];
  /** Relative to the account's base URL (`…/services/v2`), no leading slash. */
  path: string;
  /** Serialised as JSON; omitted for GET. */
  body?: Record<string, unknown>;
}

/** Sends one call; a network fault comes back as its (transient) Outcome, a response as-is. */
export async function sendDigicert(
  account: DigicertAccount,
  call: DigicertCall,
  options: ExecuteOptions = {},
): Promise<TransportResponse | Outcome> {
  const headers: Record<string, string> = {
    'x-dc-devkey': account.apiKey,
    accept: 'application/json',
  };
  const request: TransportRequest = { method: call.method, path: call.path, headers };
  if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    request.body = JSON.stringify(call.body);
  }
  if (options.signal !== undefined) request.signal = options.signal;

  const result = await account.transport.send(request);
  if (result.kind === 'response') return result;
  // The transport already redacts what it sent; this holds for any transport.
  return outcomeFromFault('digicert', { ...result, message: scrubKey(account, result.message) });
}

export function isOutcome(value: TransportResponse | Outcome): value is Outcome {
  return !('kind' in value);
}

/** An empty body (204, or 201 after `skip_approval`): only white space counts as empty. */
export function isEmptyBody(body: string): boolean {
  return body.trim() === '';
}

/** Parses JSON without throwing: `undefined` for anything that is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Removes the account's API key from text bound for an Outcome (a vendor might echo it). */
export function scrubKey(account: Pick<DigicertAccount, 'apiKey'>, text: string): string {
  return redactSecrets(text, [account.apiKey]);
}
