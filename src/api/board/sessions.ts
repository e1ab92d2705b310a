/**
 * Sessions of the queue dashboard's login page: an opaque random id in an HttpOnly, SameSite=Strict
 * cookie, mapped in this process's memory to the caller (a token's name and scopes). The token
 * itself is never in the cookie, nor kept: only whom it named. Sessions end after `ttlMs`, on
 * logout, or when the server restarts (people log in again; a deployment of several API
 * processes routes a browser to one of them, or uses bearer tokens).
 */
import { randomBytes } from 'node:crypto';
import type { ApiCaller } from '../api-tokens.ts';

export interface SessionStore {
  /** A new session for `caller`: its id, for the cookie. */
  open(caller: ApiCaller): string;
  /** The caller of a live session. */
  find(id: string | undefined): ApiCaller | undefined;
  close(id: string | undefined): void;
}

export interface SessionOptions {
  /** @defaultValue 8 hours (a working day; then log in again) */
  ttlMs?: number;
  /** Sessions kept at most; the oldest go first. @defaultValue 10000 */
  max?: number;
  now?: () => number;
}

export const SESSION_COOKIE = 'revoker_session';
export const SESSION_TTL_MS = 8 * 3600_000;

export function createSessionStore(options: SessionOptions = {}): SessionStore {
  const ttlMs = options.ttlMs ?? SESSION_TTL_MS;
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order is age order: the first key is the oldest session.
  const sessions = new Map<string, { caller: ApiCaller; expiresAt: number }>();
  return {
    open(caller) {
      // 256 random bits: a session id is as hard to guess as a token.
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { caller, expiresAt: now() + ttlMs });
      while (sessions.size > max) {
        const oldest = sessions.keys().next().value;
        if (oldest === undefined) break;
        sessions.delete(oldest);
      }
      return id;
    },
    find(id) {
      if (id === undefined) return undefined;
      const session = sessions.get(id);
      if (session === undefined) return undefined;
      if (session.expiresAt <= now()) {
        sessions.delete(id);
        return undefined;
      }
      return session.caller;
    },
    close(id) {
      if (id !== undefined) sessions.delete(id);
    },
  };
}
