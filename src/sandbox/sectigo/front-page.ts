/**
 * What a proxy, a load balancer or a web application firewall in front of the Partner API
 * answers instead of it (variants `sectigo-front-404`, `-302`, `-403`): HTML, never a Partner
 * API answer. A client must take these as a fault of the account's base URL or network path,
 * not as an answer about the order.
 */
import type { Action } from '../http-reply.ts';

const page = (title: string) =>
  `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><hr><address>nginx</address></body></html>\n`;

/** The page the active front variant answers, or undefined when none is on. */
export function frontPage(variants: ReadonlySet<string>, origin: string): Action | undefined {
  if (variants.has('sectigo-front-404')) {
    return {
      kind: 'reply',
      reply: { status: 404, headers: { 'content-type': 'text/html' }, body: page('404 Not Found') },
    };
  }
  if (variants.has('sectigo-front-302')) {
    return {
      kind: 'reply',
      reply: {
        status: 302,
        headers: { 'content-type': 'text/html', location: `${origin}/login?next=%2Fproducts` },
        body: page('302 Found'),
      },
    };
  }
  if (variants.has('sectigo-front-403')) {
    return {
      kind: 'reply',
      reply: {
        status: 403,
        headers: { 'content-type': 'text/html' },
        body: page('403 Forbidden: request blocked by the web application firewall'),
      },
    };
  }
  return undefined;
}
