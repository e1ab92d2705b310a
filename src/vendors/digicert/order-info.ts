/**
 * DigiCert order info: `GET /order/certificate/{order_id}`, the order with its `status`
 * (`issued`, `revoked`, `pending`, …; the exact strings are a guess, vendor notes). It is how the
 * queue learns what an uncertain revoke did before it records anything or sends it again.
 */
import { RevokerError } from '../../errors.ts';
import type { DigicertAccount, ExecuteOptions } from '../operation.ts';
import { makeOutcome, type Outcome, outcomeFromUnreadableBody } from '../outcome.ts';
import { isOutcome, parseJson, scrubKey, sendDigicert } from './call.ts';
import { classifyDigicertError } from './errors.ts';

/** The order's status as `learned.orderStatus`; errors as for every DigiCert call. */
export async function getOrder(
  account: DigicertAccount,
  orderId: string,
  options: ExecuteOptions = {},
): Promise<Outcome> {
  if (!/^\d{1,19}$/.test(orderId)) {
    throw new RevokerError(
      'CA_ERR_PARAMS',
      `order_id must be a positive integer (got ${JSON.stringify(orderId)})`,
    );
  }
  const result = await sendDigicert(
    account,
    { method: 'GET', path: `order/certificate/${orderId}` },
    options,
  );
  if (isOutcome(result)) return result;
  if (result.status !== 200) return classifyDigicertError(result, account);
  const parsed = parseJson(result.body) as { status?: unknown } | undefined;
  if (typeof parsed?.status !== 'string') {
    return outcomeFromUnreadableBody(
      'digicert',
      200,
      scrubKey(account, result.body),
      result.latencyMs,
      'not an order',
    );
  }
  return makeOutcome({
    class: 'done',
    vendor: 'digicert',
    code: '200',
    message: `order ${orderId} is ${parsed.status}`,
    httpStatus: 200,
    learned: { orderStatus: parsed.status, targetRevoked: parsed.status === 'revoked' },
    latencyMs: result.latencyMs,
  });
}
