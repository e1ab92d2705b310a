/**
 * An HTTP API rig for integration tests: the pipeline rig (sandbox over HTTPS, Redis under a
 * prefix of its own, a config for both) plus a real `revoker serve` started in process on port 0
 * with four tokens, its log captured, and a small fetch helper that keeps every answer it got (so
 * a test can scan them all for secrets).
 */
import { type RunningApi, startApi } from '../../src/api/start-api.ts';
import { captureLog, type Rig, type RigOptions, startRig } from './pipeline.ts';

/** One token per kind of caller (each at least 32 characters, as serve demands). */
export const TOKENS = {
  submit: 'tok-submit-9f2c4e7a1b3d5f60718293a4b5c6d7e8',
  read: 'tok-read-0a1b2c3d4e5f60718293a4b5c6d7e8f9a',
  admin: 'tok-admin-b1c2d3e4f5061728394a5b6c7d8e9f0a1',
  all: 'tok-all-c2d3e4f5061728394a5b6c7d8e9f0a1b2c3',
} as const;

export const TOKEN_ENV = {
  API_TOKEN_SUBMIT: TOKENS.submit,
  API_TOKEN_READ: TOKENS.read,
  API_TOKEN_ADMIN: TOKENS.admin,
  API_TOKEN_ALL: TOKENS.all,
} as const;

export const API_TOKEN_CONFIG = [
  { name: 'pipeline', token: { env: 'API_TOKEN_SUBMIT' }, scopes: ['submit'] },
  { name: 'viewer', token: { env: 'API_TOKEN_READ' }, scopes: ['read'] },
  { name: 'operator', token: { env: 'API_TOKEN_ADMIN' }, scopes: ['read', 'admin'] },
  { name: 'everything', token: { env: 'API_TOKEN_ALL' }, scopes: ['submit', 'read', 'admin'] },
];

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
  /** A JSON body (sent as application/json unless headers say otherwise). */
  json?: unknown;
  /** A raw body (give its content-type in headers). */
  body?: string;
  redirect?: 'manual' | 'follow' | 'error';
}

export interface ApiRig {
  rig: Rig;
  api: RunningApi;
  url: string;
  log: ReturnType<typeof captureLog>;
  /** Every answer body and header block this rig's call() received. */
  answers: string[];
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface ApiRigOptions extends RigOptions {
  /** Fields of the config's `api` section besides the tokens (body limits, …). */
  apiSettings?: Record<string, unknown>;
}

export async function startApiRig(options: ApiRigOptions = {}): Promise<ApiRig> {
  const { apiSettings, ...rigOptions } = options;
  const rig = await startRig({
    ...rigOptions,
    env: { ...TOKEN_ENV, ...rigOptions.env },
    config: {
      ...rigOptions.config,
      api: { port: 0, host: '127.0.0.1', tokens: API_TOKEN_CONFIG, ...apiSettings },
    },
  });
  const log = captureLog();
  let api: RunningApi;
  try {
    api = await startApi({ config: rig.config, env: rig.env, logger: log.logger });
  } catch (error) {
    await rig.close();
    throw error;
  }
  const answers: string[] = [];
  return {
    rig,
    api,
    url: api.url,
    log,
    answers,
    async call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.token !== undefined) headers.authorization = `Bearer ${callOptions.token}`;
      let body: string | undefined = callOptions.body;
      if (callOptions.json !== undefined) {
        body = JSON.stringify(callOptions.json);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: callOptions.redirect ?? 'manual',
      });
      const text = await response.text();
      answers.push(`${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`);
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: <T>() => JSON.parse(text) as T,
      };
    },
    async close() {
      await api.close();
      await rig.close();
    },
  };
}
