/**
 * The queue dashboard's login page: one form that takes an API token and posts it to
 * /admin/login. Self-contained (inline style, no script, no external asset), so its CSP can forbid
 * everything but posting the form to this server.
 */

export const LOGIN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface LoginPageOptions {
  /** Shown above the form: why the last attempt failed. */
  problem?: string;
  /** Where to go once logged in (a path of the dashboard). */
  next: string;
}

export function loginPage(options: LoginPageOptions): string {
  const problem =
    options.problem === undefined ? '' : `<p class="problem" role="alert">${escapeHtml(options.problem)}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>revoker: log in to the queue dashboard</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 26rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  p { line-height: 1.45; }
  label { display: block; font-weight: 600; margin: 1rem 0 .4rem; }
  input { width: 100%; box-sizing: border-box; padding: .55rem; font: inherit; border: 1px solid #b5bcc8; border-radius: 4px; }
  button { margin-top: 1rem; padding: .55rem 1.2rem; font: inherit; background: #1d4ed8; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  .problem { background: #fde8e8; color: #8a1c1c; padding: .6rem .8rem; border-radius: 4px; }
  .note { color: #5b6473; font-size: .9rem; }
</style>
</head>
<body>
<main>
<h1>revoker queue dashboard</h1>
<p>Log in with an API token from <code>api.tokens</code>. A token with the <code>read</code> scope sees the
queues read-only; one with <code>admin</code> may retry, pause and clean.</p>
${problem}
<form method="post" action="/admin/login">
  <input type="hidden" name="next" value="${escapeHtml(options.next)}">
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="off" required>
  <button type="submit">Log in</button>
</form>
<p class="note">The token is not stored: the server keeps a session for 8 hours in an HttpOnly cookie.</p>
</main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
