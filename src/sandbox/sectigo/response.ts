/**
 * Sectigo answers in the three documented formats:
 *   0  text/plain, line 1 the code, line 2 the message (< 0) or the new order number (replace)
 *   1  application/x-www-form-urlencoded: errorCode, errorMessage (< 0), orderNumber (replace)
 *   2  application/json with the same fields (AutoReplaceSMIME only)
 * Sectigo answers HTTP 200 whatever the code.
 */
import type { Action } from '../http-reply.ts';
import { type SectigoCode, sectigoMessage } from './codes.ts';

export const SECTIGO_FORMATS = [0, 1, 2] as const;
export type SectigoFormat = (typeof SECTIGO_FORMATS)[number];

export const SECTIGO_MIME_TYPES = {
  0: 'text/plain',
  1: 'application/x-www-form-urlencoded',
  2: 'application/json',
} as const satisfies Record<SectigoFormat, string>;

export interface SectigoAnswer {
  code: SectigoCode;
  /** The parameter named by -3 / -4. */
  argument?: string;
  /** AutoReplaceSMIME success: the replacement's order number. */
  orderNumber?: string;
}

export function renderSectigo(answer: SectigoAnswer, endpoint: string, format: SectigoFormat): Action {
  const message = sectigoMessage(answer.code, endpoint, answer.argument);
  let body: string;
  if (format === 0) {
    const second = answer.code < 0 ? message : answer.orderNumber;
    body = second === undefined ? `${answer.code}\n` : `${answer.code}\n${second}\n`;
  } else if (format === 1) {
    // URLSearchParams encodes like Java's URLEncoder (' ' as '+', "'" and '!' escaped), as Sectigo does.
    const fields = new URLSearchParams({ errorCode: String(answer.code) });
    if (message !== undefined) fields.set('errorMessage', message);
    if (answer.code === 0 && answer.orderNumber !== undefined) fields.set('orderNumber', answer.orderNumber);
    body = fields.toString();
  } else {
    const json: Record<string, number | string> = { errorCode: answer.code };
    if (message !== undefined) json.errorMessage = message;
    if (answer.code === 0 && answer.orderNumber !== undefined) {
      // Order numbers are integers at Sectigo; keep text only where a JSON number would lose digits.
      const numeric = Number(answer.orderNumber);
      json.orderNumber = Number.isSafeInteger(numeric) ? numeric : answer.orderNumber;
    }
    body = JSON.stringify(json);
  }
  return {
    kind: 'reply',
    reply: { status: 200, headers: { 'content-type': SECTIGO_MIME_TYPES[format] }, body },
  };
}
