/**
 * Secrets: turns the config's references (`{ "env": "NAME" }`, `{ "file": "path" }`) into the
 * credentials a vendor call needs. The values live in memory only: never in Redis, job data,
 * logs or error messages. Errors name the account, the field and the reference (a variable
 * name or a path), never the value.
 */

import { readFile as fsReadFile, stat } from 'node:fs/promises';
import type { AccountConfig, Env, SecretRef } from './config.ts';
import { RevokerError } from './errors.ts';
import type { SectigoCredentials } from './vendors/operation.ts';

export interface SecretDeps {
  env: Env;
  /** Injected in tests. @defaultValue node:fs/promises readFile (utf8) */
  readFile?: (path: string) => Promise<string>;
  /** A file's permission bits. @defaultValue from node:fs/promises stat */
  fileMode?: (path: string) => Promise<number>;
  /** Told about a secret file others may read or write (like ssh, it is used anyway). */
  onWarning?: (message: string) => void;
}

/** An account's credentials with the references resolved: hand to the vendor layer, keep nowhere. */
export type ResolvedCredentials =
  | { vendor: 'sectigo'; credentials: SectigoCredentials }
  | { vendor: 'digicert'; apiKey: string };

/**
 * Resolves one reference. `field` names it in errors (`accounts.acme.credentials.apiKey`).
 * A file's trailing newline is dropped (`echo secret > file` writes one); an empty value is an error.
 */
export async function resolveSecret(ref: SecretRef, deps: SecretDeps, field = 'secret'): Promise<string> {
  if ('env' in ref) {
    const value = deps.env[ref.env];
    if (value === undefined || value === '') {
      throw secretError(field, `environment variable ${ref.env} is not set or empty`, { env: ref.env });
    }
    return value;
  }
  const read = deps.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  let text: string;
  try {
    text = await read(ref.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
    // The cause is an fs error: it names the path and the reason, never the file's content.
    throw secretError(field, `cannot read file ${ref.file} (${code})`, { file: ref.file }, error);
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') throw secretError(field, `file ${ref.file} is empty`, { file: ref.file });
  const mode = await (deps.fileMode ?? (async (path: string) => (await stat(path)).mode))(ref.file).catch(
    () => undefined,
  );
  if (mode !== undefined && (mode & 0o077) !== 0) {
    deps.onWarning?.(
      `${field}: secret file ${ref.file} is readable or writable by others (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); ` +
        `restrict it: chmod 600 ${ref.file}`,
    );
  }
  return value;
}

/** Resolves every secret of one account. */
export async function resolveAccountSecrets(
  accountName: string,
  account: AccountConfig,
  deps: SecretDeps,
): Promise<ResolvedCredentials> {
  const field = (name: string) => `accounts.${accountName}.credentials.${name}`;
  if (account.vendor === 'digicert') {
    return {
      vendor: 'digicert',
      apiKey: await resolveSecret(account.credentials.apiKey, deps, field('apiKey')),
    };
  }
  const credentials = account.credentials;
  if ('saspSessionID' in credentials) {
    const saspSessionID = await resolveSecret(credentials.saspSessionID, deps, field('saspSessionID'));
    return { vendor: 'sectigo', credentials: { saspSessionID } };
  }
  const loginPassword = await resolveSecret(credentials.loginPassword, deps, field('loginPassword'));
  return { vendor: 'sectigo', credentials: { loginName: credentials.loginName, loginPassword } };
}

/**
 * Resolves every account's secrets, reporting all unresolvable ones in one error (a worker that
 * starts should say everything that is missing at once, not one variable per restart).
 */
export async function resolveAllAccountSecrets(
  accounts: Readonly<Record<string, AccountConfig>>,
  deps: SecretDeps,
): Promise<Map<string, ResolvedCredentials>> {
  const resolved = new Map<string, ResolvedCredentials>();
  const failures: RevokerError[] = [];
  for (const [name, account] of Object.entries(accounts)) {
    try {
      resolved.set(name, await resolveAccountSecrets(name, account, deps));
    } catch (error) {
      if (!(error instanceof RevokerError)) throw error;
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  if (failures.length > 1) {
    throw new RevokerError(
      'CONFIG_ERR_SECRET',
      `${failures.length} secrets cannot be resolved:\n${failures.map((f) => `  ${f.message}`).join('\n')}`,
      { details: { failures: failures.map((f) => f.details) } },
    );
  }
  return resolved;
}

function secretError(
  field: string,
  why: string,
  reference: Record<string, string>,
  cause?: unknown,
): RevokerError {
  const account = /^accounts\.([^.]+)\./.exec(field)?.[1];
  return new RevokerError('CONFIG_ERR_SECRET', `${field}: ${why}`, {
    cause,
    details: { field, ...(account === undefined ? {} : { account }), ...reference },
  });
}
