/**
 * Bull Board (`@bull-board/api` + `@bull-board/fastify`) at /admin/queues, over every account's
 * queue and the dead-letter queue, never without a token: a bearer token, or the login page that
 * opens a session (sessions.ts). Two board instances:
 *
 * - /admin/queues/view/: every queue read-only (Bull Board's own readOnlyMode: its API refuses
 *   every action and its UI shows none), for a `read` (or `admin`) token;
 * - /admin/queues/manage/: the account queues writable, `admin` only: retry, promote, clean jobs,
 *   pause and resume queues. Actions that would change what a job revokes (editing its data,
 *   adding jobs) or bypass revoker's own controls (the fleet's rate limit, emptying or
 *   obliterating a queue behind the batch records) are refused there, naming the command to use.
 *
 * /admin/queues itself sends each caller to the board its scopes allow. The dead-letter queue is
 * read-only on both: no worker consumes it, and a replay must reopen the item's record, which
 * only `revoker dlq replay` / `POST /v1/dead-letter/replay` do.
 *
 * Bull Board's page asks Google for a font; every page here loads its assets from this server
 * only (the HTML is rewritten and a CSP enforces it), since the operators' network may be closed.
 */

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope } from '../../config.ts';
import type { Revoker } from '../../open-revoker.ts';
import type { ApiCaller, TokenBook } from '../api-tokens.ts';
import { bearerCaller, sendForbidden, sendUnauthorized } from '../auth.ts';
import { LOGIN_PAGE_CSP, loginPage } from './login-page.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, type SessionStore } from './sessions.ts';

export const BOARD_PATH = '/admin/queues';
export const LOGIN_PATH = '/admin/login';
const BOARDS = {
  view: { path: `${BOARD_PATH}/view`, readOnly: true, title: 'revoker queues (read-only)' },
  manage: { path: `${BOARD_PATH}/manage`, readOnly: false, title: 'revoker queues' },
} as const;
type BoardMode = keyof typeof BOARDS;

const BOARD_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export interface BoardDeps {
  revoker: Revoker;
  tokens: TokenBook;
  sessions: SessionStore;
  /** The accounts whose queues the board shows (configured ones, and any found in Redis). */
  accounts: readonly string[];
}

type CallerLookup =
  | { kind: 'caller'; caller: ApiCaller }
  | { kind: 'none' }
  | { kind: 'bad-bearer'; reason: 'malformed' | 'unknown' };

export async function registerBoard(app: FastifyInstance, deps: BoardDeps): Promise<void> {
  await app.register(async (admin) => {
    await admin.register(fastifyCookie);
    const callerOf = (request: FastifyRequest): CallerLookup => {
      const bearer = bearerCaller(request, deps.tokens);
      if (bearer.ok) return { kind: 'caller', caller: bearer.caller };
      if (bearer.reason !== 'missing') return { kind: 'bad-bearer', reason: bearer.reason };
      const caller = deps.sessions.find(request.cookies[SESSION_COOKIE]);
      return caller ? { kind: 'caller', caller } : { kind: 'none' };
    };

    registerLogin(admin, deps);

    // The dashboard's front door: each caller to the board their scopes allow.
    admin.get(`${BOARD_PATH}/`, { schema: { hide: true } }, (_request, reply) =>
      reply.redirect(BOARD_PATH, 303),
    );
    admin.get(BOARD_PATH, { schema: { hide: true } }, (request, reply) => {
      const found = callerOf(request);
      if (found.kind === 'bad-bearer') return sendUnauthorized(reply, found.reason);
      if (found.kind === 'none')
        return reply.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(BOARD_PATH)}`, 303);
      const { scopes } = found.caller;
      if (scopes.has('admin')) return reply.redirect(`${BOARDS.manage.path}/`, 303);
      if (scopes.has('read')) return reply.redirect(`${BOARDS.view.path}/`, 303);
      return sendForbidden(reply, found.caller, 'read');
    });

    for (const mode of Object.keys(BOARDS) as BoardMode[]) {
      await admin.register(async (scope) => {
        scope.addHook('onRequest', async (request, reply) => {
          const found = callerOf(request);
          if (found.kind === 'bad-bearer') return sendUnauthorized(reply, found.reason);
          if (found.kind === 'none') {
            if (wantsPage(request)) {
              return reply.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(`${BOARDS[mode].path}/`)}`, 303);
            }
            return sendUnauthorized(reply, 'missing');
          }
          const needed = neededScope(mode, found.caller);
          if (needed !== undefined) return sendForbidden(reply, found.caller, needed);
          request.caller = found.caller;
        });
        scope.addHook('onSend', async (_request, reply: FastifyReply, payload) => {
          reply.header('content-security-policy', BOARD_CSP);
          const type = String(reply.getHeader('content-type') ?? '');
          return type.startsWith('text/html') && typeof payload === 'string'
            ? localAssetsOnly(payload)
            : payload;
        });
        const server = new FastifyAdapter();
        server.setBasePath(BOARDS[mode].path);
        createBullBoard({
          queues: queueAdapters(deps, BOARDS[mode].readOnly),
          serverAdapter: server,
          options: {
            handlerHooks: { before: ({ method, route }) => refusedAction(method, route) },
            uiConfig: {
              boardTitle: BOARDS[mode].title,
              hideDocsLink: true,
              miscLinks: [{ text: 'Log out', url: `${LOGIN_PATH.replace('login', 'logout')}` }],
            },
          },
        });
        await scope.register(server.registerPlugin(), { prefix: BOARDS[mode].path });
      });
    }
  });
}

/**
 * Bull Board actions an admin may not take here, with what to do instead: each would change what a
 * job revokes without the report knowing, or bypass a control revoker keeps itself.
 */
const REFUSED_ACTIONS: readonly { route: RegExp; why: string }[] = [
  {
    route: /\/add$/,
    why: 'jobs come from validated input only: revoker submit, POST /v1/items or /v1/batches',
  },
  {
    route: /\/(update-data|delay|priority|remove-unprocessed-children)$/,
    why: "a job's data is the validated row its report names: fix the row and resubmit (revoker submit --retry-dead-lettered)",
  },
  {
    route: /\/(rate-limit|rate-limit\/release|concurrency)$/,
    why: "the fleet's rate limit is revoker's: revoker account set-rate-limit NAME MAX/MS",
  },
  {
    route: /\/(empty|obliterate)$/,
    why: 'removing queued jobs would leave their items in progress in every report: let them run, or pause the queue',
  },
  { route: /\/job-schedulers\//, why: 'schedules are kept in the config (revoker schedule …)' },
];

export function refusedAction(
  method: string,
  route: string,
): { allow: false; status: 403; message: string } | undefined {
  if (method.toLowerCase() === 'get') return undefined;
  const refused = REFUSED_ACTIONS.find((r) => r.route.test(route));
  return refused === undefined
    ? undefined
    : { allow: false, status: 403, message: `refused on revoker's board: ${refused.why}` };
}

/** The scope `caller` lacks for a board, if any: the read-only one takes `read` (or `admin`). */
function neededScope(mode: BoardMode, caller: ApiCaller): ApiScope | undefined {
  if (mode === 'manage') return caller.scopes.has('admin') ? undefined : 'admin';
  return caller.scopes.has('read') || caller.scopes.has('admin') ? undefined : 'read';
}

function queueAdapters(deps: BoardDeps, readOnly: boolean): BullMQAdapter[] {
  const accounts = deps.accounts.map(
    (account) =>
      new BullMQAdapter(deps.revoker.accountQueue(account), {
        readOnlyMode: readOnly,
        displayName: `account ${account}`,
        description: `Jobs of vendor account ${account}`,
      }),
  );
  const deadLetter = new BullMQAdapter(deps.revoker.deadLetterQueue, {
    readOnlyMode: true,
    displayName: 'dead-letter queue',
    description:
      'Replay with revoker dlq replay or POST /v1/dead-letter/replay (this board shows it read-only)',
  });
  return [...accounts, deadLetter];
}

function registerLogin(admin: FastifyInstance, deps: BoardDeps): void {
  const sendPage = (reply: FastifyReply, status: number, next: string, problem?: string) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', LOGIN_PAGE_CSP)
      .header('cache-control', 'no-store')
      .send(loginPage({ next, ...(problem ? { problem } : {}) }));

  admin.get<{ Querystring: { next?: string } }>(LOGIN_PATH, { schema: { hide: true } }, (request, reply) =>
    sendPage(reply, 200, safeNext(request.query.next)),
  );

  admin.register(async (form) => {
    // The login form is the only urlencoded body the API reads: a few fields, a few bytes.
    form.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8_192 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    form.post<{ Body: Record<string, string> }>(LOGIN_PATH, { schema: { hide: true } }, (request, reply) => {
      const body = request.body ?? {};
      const next = safeNext(body.next);
      const caller = typeof body.token === 'string' ? deps.tokens.match(body.token.trim()) : undefined;
      if (caller === undefined) {
        request.log.warn('dashboard login refused: not a configured token');
        return sendPage(reply, 401, next, 'That token is not one of api.tokens.');
      }
      if (!caller.scopes.has('read') && !caller.scopes.has('admin')) {
        request.log.warn({ caller: caller.name }, 'dashboard login refused: no read or admin scope');
        return sendPage(
          reply,
          403,
          next,
          `Token "${caller.name}" may not open the dashboard: it needs the read or admin scope.`,
        );
      }
      const id = deps.sessions.open(caller);
      reply.setCookie(SESSION_COOKIE, id, {
        path: '/admin',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge: SESSION_TTL_MS / 1000,
      });
      request.log.info({ caller: caller.name }, 'dashboard login');
      return reply.redirect(next, 303);
    });
  });

  admin.get('/admin/logout', { schema: { hide: true } }, (request, reply) => {
    deps.sessions.close(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
    return reply.redirect(LOGIN_PATH, 303);
  });
}

/** A browser navigating (it will follow a redirect to the login page), not a script calling the API. */
function wantsPage(request: FastifyRequest): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

/** Only a path of the dashboard: a login must never redirect elsewhere. */
function safeNext(next: unknown): string {
  if (
    typeof next === 'string' &&
    /^\/admin\/queues(\/[A-Za-z0-9_./~%-]*)?$/.test(next) &&
    !next.includes('//')
  ) {
    return next;
  }
  return `${BOARD_PATH}`;
}

/** Bull Board's page with its external stylesheet links (a Google font) left out. */
export function localAssetsOnly(html: string): string {
  return html.replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>/gi, '');
}
