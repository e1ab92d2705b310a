/**
 * Fault injection: the kinds of misbehaviour the sandbox can show, how they are drawn by rate
 * from a seeded PRNG, and what each looks like on the wire.
 *
 * | kind             | on the wire                                                        |
 * |------------------|--------------------------------------------------------------------|
 * | unknownError     | Sectigo -14 "An unknown error occurred!"; DigiCert 500 JSON error  |
 * | serverError      | HTTP 500/502/503/504 with a plain HTML error page                  |
 * | reset            | the socket is destroyed before anything is done                    |
 * | resetAfterEffect | the operation takes effect, then the socket is destroyed           |
 * | garbage          | HTTP 200 with an HTML page or a cut-off body in the right MIME type |
 * | hang             | no answer at all until the client gives up                         |
 * | emptySuccess     | a success status with an empty body, and nothing done (a proxy that |
 * |                  | swallowed the request): DigiCert 201, Sectigo 200                   |
 */
import { z } from 'zod';
import type { Action } from './http-reply.ts';
import type { Prng } from './prng.ts';

export const FAULT_KINDS = [
  'unknownError',
  'serverError',
  'reset',
  'resetAfterEffect',
  'garbage',
  'hang',
  'emptySuccess',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const faultKindSchema = z.enum(FAULT_KINDS);

const probability = z.number().min(0).max(1);
export const faultRatesSchema = z
  .strictObject(
    Object.fromEntries(FAULT_KINDS.map((k) => [k, probability.optional()])) as Record<
      FaultKind,
      z.ZodOptional<typeof probability>
    >,
  )
  .refine((rates) => sumOf(rates) <= 1, { message: 'fault rates must add up to at most 1' });
export type FaultRates = Partial<Record<FaultKind, number>>;

function sumOf(rates: FaultRates): number {
  return Object.values(rates).reduce<number>((sum, rate) => sum + (rate ?? 0), 0);
}

/** One draw per request: at most one fault, each kind with its own probability. */
export function drawFault(rates: FaultRates, prng: Prng): FaultKind | undefined {
  if (sumOf(rates) === 0) return undefined;
  let r = prng.next();
  for (const kind of FAULT_KINDS) {
    const rate = rates[kind] ?? 0;
    if (r < rate) return kind;
    r -= rate;
  }
  return undefined;
}

/** Parses the CLI form `kind=rate[,kind=rate…]`, e.g. `reset=0.01,serverError=0.02`. */
export function parseFaultRates(text: string): FaultRates {
  const entries = text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const [kind, rate] = part.split('=').map((s) => s.trim());
      return [kind, Number(rate)];
    });
  const parsed = faultRatesSchema.safeParse(Object.fromEntries(entries));
  if (!parsed.success) {
    throw new Error(`invalid fault rates "${text}": use kind=rate with kinds ${FAULT_KINDS.join(', ')}`);
  }
  return parsed.data;
}

const SERVER_ERRORS: readonly [number, string][] = [
  [500, 'Internal Server Error'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Time-out'],
];

/** A load balancer's or servlet container's HTML error page: never the vendor's own format. */
export function serverErrorAction(prng: Prng): Action {
  const [status, title] = SERVER_ERRORS[prng.int(0, SERVER_ERRORS.length - 1)] as [number, string];
  const body = `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { kind: 'reply', reply: { status, headers: { 'content-type': 'text/html' }, body } };
}

/** The body formats a garbage answer imitates (cut off), so a parser keyed on MIME type is tested too. */
export type GarbageFlavour = 'text/plain' | 'application/x-www-form-urlencoded' | 'application/json';

const CUT_OFF: Record<GarbageFlavour, string> = {
  // An empty lines body: no status line at all.
  'text/plain': '',
  'application/x-www-form-urlencoded': 'errorCo',
  'application/json': '{"errorCode":',
};

/** HTTP 200 with a body no honest parser can read as success. */
export function garbageAction(prng: Prng, flavour: GarbageFlavour): Action {
  if (prng.next() < 0.5) {
    const body =
      '<!DOCTYPE html>\n<html><head><title>Maintenance</title></head>\n' +
      '<body><h1>We will be back soon</h1><p>The service is undergoing maintenance.</p></body></html>\n';
    return { kind: 'reply', reply: { status: 200, headers: { 'content-type': 'text/html' }, body } };
  }
  return {
    kind: 'reply',
    reply: { status: 200, headers: { 'content-type': flavour }, body: CUT_OFF[flavour] },
  };
}
