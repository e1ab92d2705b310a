/**
 * Sectigo Partner API status codes and their messages, as the vendor-docs give them, in one
 * table. AutoRevokePAC capitalises the state in -20/-21/-26; AutoReplaceSMIME describes -16 as
 * an authentication failure. Where the docs give no text (-35, -40), the text is ours.
 */

export const SECTIGO_CODES = {
  success: 0,
  notHttps: -1,
  unrecognisedArgument: -2,
  missingArgument: -3,
  invalidArgument: -4,
  unsupportedKeySize: -13,
  unknownError: -14,
  notEnoughCredit: -15,
  permissionDenied: -16,
  notPost: -17,
  alreadyRejected: -20,
  alreadyRevoked: -21,
  beingIssuedV100: -23,
  beingIssued: -26,
  expired: -35,
  compromisedKey: -40,
  callLimitReached: -42,
  notRevocable: -43,
} as const;

export type SectigoCode = (typeof SECTIGO_CODES)[keyof typeof SECTIGO_CODES];

const MESSAGES: Record<Exclude<SectigoCode, 0 | -3 | -4>, string> = {
  [-1]: 'Request was not made over https!',
  [-2]: 'Unrecognised argument!',
  [-13]: 'The CSR uses an unsupported key size!',
  [-14]: 'An unknown error occurred!',
  [-15]: 'Not enough credit!',
  [-16]: 'Permission denied!',
  [-17]: 'Request used GET rather than POST!',
  [-20]: 'The certificate request has already been rejected!',
  [-21]: 'The certificate has already been revoked!',
  // v1.00 used -23 for what is now -26; the text did not change.
  [-23]: 'The certificate is currently being issued!',
  [-26]: 'The certificate is currently being issued!',
  [-35]: 'The certificate has expired and cannot be revoked!',
  [-40]: 'The key in the CSR is believed to have been compromised!',
  [-42]: 'Call limit reached, please try again later',
  [-43]: 'Certificate is not in a revocable state.',
};

/** Per-endpoint wording, keyed by the endpoint's documented name. */
const ENDPOINT_MESSAGES: Record<string, Partial<Record<SectigoCode, string>>> = {
  AutoRevokePAC: {
    [-20]: 'The certificate request has already been Rejected!',
    [-21]: 'The certificate has already been Revoked!',
    [-26]: 'The certificate is currently being Issued!',
  },
  AutoReplaceSMIME: {
    [-16]: 'Incorrect login details, account is locked, password has expired, or your source IP is blocked!',
  },
};

/** The message for `code` on `endpoint`; `argument` fills the 'xxxx' of -3 and -4. */
export function sectigoMessage(code: SectigoCode, endpoint: string, argument = 'xxxx'): string | undefined {
  if (code === 0) return undefined;
  if (code === -3) return `The '${argument}' argument is missing!`;
  if (code === -4) return `The value of the '${argument}' argument is invalid!`;
  return ENDPOINT_MESSAGES[endpoint]?.[code] ?? MESSAGES[code];
}
