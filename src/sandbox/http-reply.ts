/**
 * What a sandbox route decides, before anything touches a socket: an HTTP reply, or one of the
 * misbehaviours a real vendor connection shows (reset, silence). The server carries it out.
 */

export interface Reply {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export type Action =
  | { kind: 'reply'; reply: Reply }
  /** Destroy the connection without an answer (whether the operation took effect is the route's business). */
  | { kind: 'reset' }
  /** Never answer; the connection stays open until the client gives up or the sandbox closes. */
  | { kind: 'hang' };

export function reply(status: number, contentType: string | undefined, body: string): Action {
  return {
    kind: 'reply',
    reply: { status, headers: contentType === undefined ? {} : { 'content-type': contentType }, body },
  };
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Action {
  return {
    kind: 'reply',
    reply: {
      status,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(value),
    },
  };
}

export function emptyReply(status: number): Action {
  return { kind: 'reply', reply: { status, headers: {}, body: '' } };
}
