/**
 * Configuration: one zod schema that is both the type and the validation of
 * `revoker.config.json`, resolved once at start-up in layers and then deep-frozen.
 *
 *   schema defaults < config file < environment (`REDIS_URL`) < explicit overrides (CLI flags)
 *
 * A bad file stops start-up with one RevokerError (CONFIG_ERR_INVALID) that lists every problem
 * by field path and says what to write instead (`accounts.acme.rateLimit.max: expected a positive
 * integer`). Unknown keys are errors: a typo must not silently fall back to a default.
 *
 * Secrets are never written in the file, only referenced (`{ "env": "NAME" }` or
 * `{ "file": "path" }`); src/secrets.ts resolves them in memory when a worker starts.
 *
 * Library code never reads `process.env`: entry points pass it in as `env`.
 *
 * Sections: `redis`, `accounts`, `retry`, `retention`, `webhooks` (signed outcome events to
 * receivers, src/webhooks/) and `schedules` (cron-driven batch runs, src/schedules/).
 */

import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { RevokerError } from './errors.ts';
import { cronProblem, timeZoneProblem } from './schedules/cron.ts';
import { HTTP_CLIENT_DEFAULTS } from './vendors/http-client.ts';

/** The environment, as entry points pass it (`process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the config file is looked for when neither `--config` nor `REVOKER_CONFIG` names one. */
export const DEFAULT_CONFIG_PATH = 'revoker.config.json';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_PREFIX = 'revoker';
export const SECTIGO_DEFAULT_BASE_URL = 'https://secure.trust-provider.com/products/';
export const DIGICERT_DEFAULT_BASE_URL = 'https://www.digicert.com/services/v2';

/** Account names become part of queue names, Redis keys and job ids: a small, safe alphabet. */
export const ACCOUNT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const accountNameSchema = z.string({ error: 'expected an account name' }).regex(ACCOUNT_NAME_PATTERN, {
  error:
    'account names are 1 to 64 letters, digits, "_" or "-" (the name becomes part of queue names and job ids)',
});

// ---------------------------------------------------------------------------------------------
// Field schemas

function positiveInt(what = 'a positive integer') {
  const error = `expected ${what}`;
  return z.int({ error }).positive({ error });
}

function nonEmptyString(what: string) {
  const error = `expected ${what}`;
  return z.string({ error }).min(1, { error });
}

/** A strict object whose unknown-key message says what was probably meant. */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownKeysMessage(issue.keys, allowed);
      if (issue.code === 'invalid_type') return 'expected an object';
      return undefined;
    },
  });
}

function httpsUrl() {
  return z.string({ error: 'expected an https:// URL' }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an https:// URL, got "${value}"` });
      return;
    }
    if (url.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message:
          `must be an https:// URL, got "${url.protocol}//…": the vendors refuse plain http ` +
          '(Sectigo answers -1) and credentials would cross the network in clear text',
      });
    }
  });
}

const ENV_VAR_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const envSecretRef = z.strictObject({
  env: z
    .string({ error: 'expected the name of an environment variable' })
    .regex(ENV_VAR_PATTERN, { error: 'expected the name of an environment variable (letters, digits, _)' }),
});
const fileSecretRef = z.strictObject({ file: nonEmptyString('the path of a file that holds the secret') });

/** A reference to a secret: the value itself never appears in the config file. */
export const secretRefSchema = z.union([envSecretRef, fileSecretRef], {
  error: (issue) =>
    typeof issue.input === 'string'
      ? literalSecretMessage(issue.path ?? [])
      : 'expected { "env": "NAME" } or { "file": "PATH" } (exactly one of the two)',
});
export type SecretRef = z.output<typeof secretRefSchema>;

function durationMs() {
  return positiveInt('a positive integer number of milliseconds');
}

function rateLimitSchema(defaults: { max: number; durationMs: number }) {
  return strictObject({
    /** Jobs the account may start per window, across every worker on every host. */
    max: positiveInt().default(defaults.max),
    /** The window, in milliseconds. */
    durationMs: durationMs().default(defaults.durationMs),
    /**
     * Added to the window when spacing calls, for network jitter: the vendor counts arrivals, and
     * arrivals wander. 5 per 1000 ms with 100 ms runs one call per 220 ms.
     * @defaultValue 100
     */
    marginMs: z.int({ error: 'expected whole milliseconds' }).min(0).max(60_000).default(100),
    /**
     * After this long of rate-limited answers with no other answer in between, the account halts
     * with reason rate-limit-exhausted (the vendor's daily quota may be spent), keeping every job.
     * @defaultValue 1800000 (30 minutes)
     */
    maxWaitMs: durationMs().default(1_800_000),
  }).prefault({});
}

const timeoutsSchema = strictObject({
  /**
   * TCP + TLS handshake.
   * @defaultValue 10000
   */
  connectMs: durationMs().default(HTTP_CLIENT_DEFAULTS.connectTimeoutMs),
  /**
   * From the request written to the response headers.
   * @defaultValue 30000
   */
  headersMs: durationMs().default(HTTP_CLIENT_DEFAULTS.headersTimeoutMs),
  /**
   * Longest pause between two chunks of the response body.
   * @defaultValue 30000
   */
  bodyMs: durationMs().default(HTTP_CLIENT_DEFAULTS.bodyTimeoutMs),
}).prefault({});

// ---------------------------------------------------------------------------------------------
// Accounts

const sectigoCredentialsSchema = strictObject({
  /** Not a secret: may be written in the file. At most 64 characters (the vendor's limit). */
  loginName: nonEmptyString('the login name')
    .max(64, { error: 'at most 64 characters (the vendor limit)' })
    .optional(),
  loginPassword: secretRefSchema.optional(),
  /** Instead of loginName + loginPassword (AutoRevokeSSL only). */
  saspSessionID: secretRefSchema.optional(),
})
  .superRefine((c, ctx) => {
    if (c.saspSessionID !== undefined) {
      if (c.loginName !== undefined || c.loginPassword !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['saspSessionID'],
          message: 'give either saspSessionID or loginName + loginPassword, not both',
        });
      }
      return;
    }
    if (c.loginName === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['loginName'],
        message: 'required (or give saspSessionID instead)',
      });
    }
    if (c.loginPassword === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['loginPassword'],
        message: 'required: write { "env": "NAME" } or { "file": "PATH" }',
      });
    }
  })
  .transform(
    (c): SectigoCredentialRefs =>
      c.saspSessionID !== undefined
        ? { saspSessionID: c.saspSessionID }
        : { loginName: c.loginName!, loginPassword: c.loginPassword! },
  );

/** Sectigo credentials as configured: the password or session id is a reference, not the value. */
export type SectigoCredentialRefs =
  | { loginName: string; loginPassword: SecretRef }
  | { saspSessionID: SecretRef };

const sectigoAccountSchema = strictObject({
  vendor: z.literal('sectigo'),
  /**
   * The Partner API root; https only.
   * @defaultValue `https://secure.trust-provider.com/products/`
   */
  baseUrl: httpsUrl().default(SECTIGO_DEFAULT_BASE_URL),
  credentials: sectigoCredentialsSchema,
  /**
   * Sectigo publishes no limit for the Partner API: start conservative and let -42 pause the account.
   * @defaultValue `{ max: 5, durationMs: 1000 }`
   */
  rateLimit: rateLimitSchema({ max: 5, durationMs: 1000 }),
  /**
   * Calls in flight at once per worker process.
   * @defaultValue 10
   */
  concurrency: positiveInt().default(10),
  /**
   * Submit this account's items as rehearsals: each is sent with `test=Y` (the vendor validates
   * the request but revokes nothing). Decided at submit and carried by the job, so a worker's own
   * setting never changes what an enqueued job does.
   * @defaultValue false
   */
  rehearsal: z.boolean({ error: 'expected true or false' }).default(false),
  /** A PEM file of extra CA certificates to trust (a private CA, the sandbox's). */
  caFile: nonEmptyString('a file path').optional(),
  timeouts: timeoutsSchema,
  /**
   * How long the account's queue waits after -42 "call limit reached" (the vendor names no time).
   * @defaultValue 60000
   */
  rateLimitWaitMs: durationMs().default(60_000),
});

const digicertAccountSchema = strictObject({
  vendor: z.literal('digicert'),
  /**
   * The CertCentral Services API root; https only.
   * @defaultValue `https://www.digicert.com/services/v2`
   */
  baseUrl: httpsUrl().default(DIGICERT_DEFAULT_BASE_URL),
  credentials: strictObject({
    /** Sent as `X-DC-DEVKEY`. */
    apiKey: secretRefSchema,
  }),
  /**
   * DigiCert documents 100 requests per 5 s and 1000 per 3 min per key. The queue limiter has one
   * window: 5 per second (900 per 3 min) stays under both, so no request is wasted on a 429.
   * @defaultValue `{ max: 5, durationMs: 1000 }`
   */
  rateLimit: rateLimitSchema({ max: 5, durationMs: 1000 }),
  /**
   * Calls in flight at once per worker process.
   * @defaultValue 10
   */
  concurrency: positiveInt().default(10),
  /**
   * Ask for `skip_approval` (admin keys only): the revocation is final at once, no request is created.
   * @defaultValue false
   */
  skipApproval: z.boolean({ error: 'expected true or false' }).default(false),
  /**
   * Approve our own pending revoke requests (needs a key allowed to approve). Off by default: an
   * organisation's approval step is its own decision; jobs then wait for a person to approve.
   * @defaultValue false
   */
  autoApprove: z.boolean({ error: 'expected true or false' }).default(false),
  /**
   * How often a pending revoke request is looked at again.
   * @defaultValue 60000
   */
  approvalPollIntervalMs: durationMs().default(60_000),
  /**
   * Submit this account's items as rehearsals. DigiCert has no test mode: a rehearsal is
   * validated and recorded `rehearsed`, never sent.
   * @defaultValue false
   */
  rehearsal: z.boolean({ error: 'expected true or false' }).default(false),
  /** A PEM file of extra CA certificates to trust (a private CA, the sandbox's). */
  caFile: nonEmptyString('a file path').optional(),
  timeouts: timeoutsSchema,
  /**
   * How long the account's queue waits after a 429 that carries no Retry-After.
   * @defaultValue 60000
   */
  rateLimitWaitMs: durationMs().default(60_000),
});

const accountSchema = z.discriminatedUnion('vendor', [sectigoAccountSchema, digicertAccountSchema], {
  error: (issue) =>
    isPlainObject(issue.input) ? 'expected "sectigo" or "digicert"' : 'expected an object with a "vendor"',
});

// ---------------------------------------------------------------------------------------------
// The HTTP API (`revoker serve`)

/** What an API token may do: post work, read state, or act on it (replay, resume, the board). */
export const API_SCOPES = ['submit', 'read', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const apiTokenSchema = strictObject({
  /** Names the caller in logs (never the token itself). */
  name: z
    .string({ error: 'expected a name for the token (it names the caller in logs)' })
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'token names are 1 to 64 letters, digits, ".", "_" or "-"' }),
  /** The token itself, by reference only: `{ "env": "NAME" }` or `{ "file": "PATH" }`. */
  token: secretRefSchema,
  scopes: z
    .array(z.enum(API_SCOPES, { error: 'expected "submit", "read" or "admin"' }), {
      error: 'expected a list of scopes, e.g. ["submit", "read"]',
    })
    .min(1, { error: 'give at least one scope: "submit", "read" or "admin"' })
    .refine((scopes) => new Set(scopes).size === scopes.length, { error: 'a scope is listed twice' }),
});

const apiSchema = strictObject({
  /**
   * `revoker serve --port` overrides it.
   * @defaultValue 8080
   */
  port: z
    .int({ error: 'expected a port number (0 to 65535)' })
    .min(0, { error: 'expected a port number (0 to 65535)' })
    .max(65_535, { error: 'expected a port number (0 to 65535)' })
    .default(8080),
  /**
   * The address to bind; loopback unless told otherwise (`revoker serve --host 0.0.0.0`).
   * @defaultValue `127.0.0.1`
   */
  host: nonEmptyString('a host name or address to bind, e.g. "127.0.0.1"').default('127.0.0.1'),
  /**
   * Largest JSON request body (an item, a replay request); a larger one is refused with 413.
   * @defaultValue 1048576 (1 MiB)
   */
  bodyLimitBytes: positiveInt('a positive number of bytes').default(1_048_576),
  /**
   * Largest batch body (NDJSON or CSV, streamed: never held whole); a larger one is refused with
   * 413 and nothing of it is enqueued. Separate from bodyLimitBytes because a batch of 100,000
   * rows is ~15 MB, while a JSON body that size is a mistake or an attack.
   * @defaultValue 268435456 (256 MiB)
   */
  batchBodyLimitBytes: positiveInt('a positive number of bytes').default(268_435_456),
  /**
   * How long an `Idempotency-Key` of `POST /v1/items` is remembered.
   * @defaultValue 86400 (one day)
   */
  idempotencyTtlSeconds: positiveInt('a positive number of seconds').default(86_400),
  /**
   * Who may call the API: each token's name, the token (a secret reference) and its scopes.
   * `revoker serve` refuses to start without one.
   * @defaultValue `[]`
   */
  tokens: z
    .array(apiTokenSchema, { error: 'expected a list of tokens' })
    .default(() => [])
    .superRefine((tokens, ctx) => {
      const seen = new Set<string>();
      tokens.forEach((token, i) => {
        if (seen.has(token.name)) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${token.name}" names two tokens` });
        }
        seen.add(token.name);
      });
    }),
}).prefault({});

// ---------------------------------------------------------------------------------------------
// Redis: one server (a URL), a Redis Cluster, or a Sentinel-watched master

const REDIS_URL_EXAMPLE = 'e.g. "redis://127.0.0.1:6379"';

function redisUrl() {
  return z
    .string({ error: `expected a redis:// or rediss:// URL, ${REDIS_URL_EXAMPLE}` })
    .superRefine((value, ctx) => {
      let protocol = '';
      try {
        protocol = new URL(value).protocol;
      } catch {
        // falls through to the message below
      }
      if (protocol !== 'redis:' && protocol !== 'rediss:') {
        ctx.addIssue({
          code: 'custom',
          message: `expected a redis:// or rediss:// URL, ${REDIS_URL_EXAMPLE}`,
        });
      }
    });
}

const portSchema = z
  .int({ error: 'expected a port number (1-65535)' })
  .min(1, { error: 'expected a port number (1-65535)' })
  .max(65_535, { error: 'expected a port number (1-65535)' });

const hostPortSchema = strictObject({
  host: nonEmptyString('a host name or address'),
  port: portSchema,
});

/**
 * A node as `{ "host", "port" }` or `"redis://host:port"` (`rediss://` for TLS). No credentials in
 * the URL (they belong in `options.password`, a secret reference) and no database: a cluster has
 * only database 0.
 */
const redisNodeSchema = z
  .union([hostPortSchema, z.string()], {
    error: 'expected { "host": "10.0.0.1", "port": 6379 } or "redis://10.0.0.1:6379"',
  })
  .transform((node, ctx): { host: string; port: number; tls?: boolean } => {
    if (typeof node !== 'string') return node;
    let url: URL | undefined;
    try {
      url = new URL(node);
    } catch {
      // the message below
    }
    if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
      ctx.addIssue({
        code: 'custom',
        message: `expected { "host": "10.0.0.1", "port": 6379 } or "redis://10.0.0.1:6379", got "${node}"`,
      });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a node URL cannot carry credentials (they would sit in the config file): set options.username and ' +
          'options.password ({ "env": "REDIS_PASSWORD" } or { "file": "/run/secrets/redis-password" })',
      });
      return z.NEVER;
    }
    if (url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0') {
      ctx.addIssue({
        code: 'custom',
        message:
          'a node URL names no database (a cluster has only database 0; Sentinel takes "db"): drop its path',
      });
      return z.NEVER;
    }
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? 6379 : Number(url.port),
      ...(url.protocol === 'rediss:' ? { tls: true } : {}),
    };
  });

/** TLS to Redis: on, and optionally extra CA certificates to trust (a managed service's own CA). */
const redisTlsFields = {
  /**
   * Connect with TLS (a `rediss://` node URL turns it on too).
   * @defaultValue false
   */
  tls: z.boolean({ error: 'expected true or false' }).optional(),
  /** PEM file of CA certificates to trust besides the system's; implies TLS. */
  caFile: nonEmptyString('the path of a PEM file of CA certificates').optional(),
};

const redisClusterSchema = strictObject({
  /** Some of the cluster's nodes (the rest are found from them); at least one. */
  nodes: z
    .array(redisNodeSchema, { error: 'expected a list of nodes' })
    .min(1, { error: 'expected at least one node, e.g. [{ "host": "10.0.0.1", "port": 6379 }]' }),
  options: strictObject({
    /** ACL user name for every node. */
    username: nonEmptyString('an ACL user name').optional(),
    /** Password for every node, as a secret reference. */
    password: secretRefSchema.optional(),
    ...redisTlsFields,
    /**
     * Addresses the nodes announce → addresses this host reaches them at, `"10.0.0.1:6379":
     * { "host", "port" }` (a cluster behind NAT or in containers).
     */
    natMap: z
      .record(z.string().regex(/^[^:\s]+:\d{1,5}$/, { error: 'expected "host:port" keys' }), hostPortSchema, {
        error: 'expected an object of "host:port" → { "host", "port" }',
      })
      .optional(),
  }).prefault({}),
});

const redisSentinelSchema = strictObject({
  /** Some of the Sentinels watching the master; at least one. */
  sentinels: z
    .array(redisNodeSchema, { error: 'expected a list of Sentinels' })
    .min(1, { error: 'expected at least one Sentinel, e.g. [{ "host": "10.0.0.5", "port": 26379 }]' }),
  /** The master group name the Sentinels monitor (`sentinel monitor NAME …`). */
  name: nonEmptyString('the master group name, e.g. "mymaster"'),
  /** ACL user name on the master. */
  username: nonEmptyString('an ACL user name').optional(),
  /** The master's password, as a secret reference. */
  password: secretRefSchema.optional(),
  /** ACL user name on the Sentinels. */
  sentinelUsername: nonEmptyString('an ACL user name').optional(),
  /** The Sentinels' password, as a secret reference. */
  sentinelPassword: secretRefSchema.optional(),
  /** @defaultValue 0 */
  db: z.int({ error: 'expected a database number (0-15)' }).min(0).max(15).default(0),
  ...redisTlsFields,
});

const redisPrefixSchema = z
  .string({ error: 'expected a key namespace such as "revoker"' })
  .superRefine((value, ctx) => {
    if (/[{}]/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'the prefix is a plain namespace such as "revoker" and carries no {hash tag}: revoker tags its keys ' +
          'itself, per account and per batch, so a Redis Cluster spreads them (a tag here would put every key in ' +
          'one slot). Write it without the braces ("{revoker}" → "revoker"); data kept under the old prefix is ' +
          'not read: see README, "Migrating from the single-slot layout"',
      });
    } else if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected a namespace of 1 to 64 letters, digits, "_", ".", ":" or "-", such as "revoker"',
      });
    }
  });

const redisSchema = strictObject({
  /**
   * One Redis server. Overridden by the `REDIS_URL` environment variable; the default when
   * neither `cluster` nor `sentinel` is given.
   * @defaultValue `redis://127.0.0.1:6379`
   */
  url: redisUrl().optional(),
  /** A Redis Cluster (instead of `url`). */
  cluster: redisClusterSchema.optional(),
  /** A master found through Redis Sentinel (instead of `url`). */
  sentinel: redisSentinelSchema.optional(),
  /**
   * Namespace every key starts with (no hash tag: revoker adds its own, see keys.ts).
   * @defaultValue `revoker`
   */
  prefix: redisPrefixSchema.default(DEFAULT_REDIS_PREFIX),
})
  .superRefine((redis, ctx) => {
    const given = (['url', 'cluster', 'sentinel'] as const).filter((k) => redis[k] !== undefined);
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1]!],
        message: `give one of url, cluster or sentinel, not ${given.join(' and ')}`,
      });
    }
    for (const [field, nodes, tls] of [
      ['cluster', redis.cluster?.nodes, redis.cluster?.options.tls],
      ['sentinel', redis.sentinel?.sentinels, redis.sentinel?.tls],
    ] as const) {
      const schemes = new Set(nodes?.map((n) => n.tls === true));
      if (schemes.size > 1 || (tls === false && schemes.has(true))) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message:
            'mixes TLS and plain connections: use rediss:// for every node, or for none (and tls to match)',
        });
      }
    }
  })
  .transform((redis) =>
    redis.cluster === undefined && redis.sentinel === undefined
      ? { ...redis, url: redis.url ?? DEFAULT_REDIS_URL }
      : redis,
  );
export type RedisConfig = RevokerConfig['redis'];

// ---------------------------------------------------------------------------------------------
// Webhooks

/** The events a webhook can subscribe to (src/webhooks/event.ts builds their bodies). */
export const WEBHOOK_EVENT_TYPES = [
  'item.finished',
  'batch.finished',
  'account.halted',
  'account.resumed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Webhook and schedule names become part of job ids and batch ids: the account alphabet. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
function nameSchema(what: string) {
  return z.string({ error: `expected a ${what} name` }).regex(NAME_PATTERN, {
    error: `${what} names are 1 to 64 letters, digits, "_" or "-" (the name becomes part of job and batch ids)`,
  });
}

/** Loopback receivers may be plain http: a receiver on the same host, and the tests' receivers. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

function webhookUrl() {
  return z.string({ error: 'expected an https:// URL' }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an https:// URL, got "${value}"` });
      return;
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        message:
          `must be an https:// URL (plain http:// only for a receiver on this host: localhost, 127.x.x.x, [::1]), got "http://${url.host}…": ` +
          'outcome events would cross the network in clear text',
      });
    } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: `expected an https:// URL, got "${url.protocol}//…"` });
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({
        code: 'custom',
        message:
          'must not carry a user name or password: the signature (webhook-signature) is what authenticates revoker to the receiver',
      });
    }
  });
}

/** Delivery retries: exponential backoff, capped, with a little jitter (src/webhooks/delivery-backoff.ts). */
const webhookRetrySchema = strictObject({
  /**
   * Delivery attempts per event, the first included; after the last one the delivery stays in the
   * failed list (`revoker webhooks failed`). With the defaults the attempts span about 20 hours.
   * @defaultValue 30
   */
  attempts: positiveInt().max(100, { error: 'at most 100' }).default(30),
  /**
   * The first retry waits about this long; each further retry doubles it.
   * @defaultValue 5000
   */
  baseDelayMs: positiveInt('a positive integer number of milliseconds').default(5_000),
  /**
   * No retry waits longer than this.
   * @defaultValue 3600000 (1 hour)
   */
  maxDelayMs: positiveInt('a positive integer number of milliseconds').default(3_600_000),
})
  .refine((r) => r.maxDelayMs >= r.baseDelayMs, {
    path: ['maxDelayMs'],
    error: 'must be at least baseDelayMs',
  })
  .prefault({});

const webhookSchema = strictObject({
  /** Names the webhook in `revoker webhooks test NAME`, the logs and delivery job ids. */
  name: nameSchema('webhook'),
  /** The receiver: https, or http to a loopback host only. */
  url: webhookUrl(),
  /**
   * The signing secret, as a reference. `whsec_<base64>` (the Standard Webhooks form) is used as
   * the base64-decoded bytes; any other value as its UTF-8 bytes. At least 24 bytes either way.
   */
  secret: secretRefSchema,
  /** The events this receiver gets. */
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `expected one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), {
      error: `expected a list of events (${WEBHOOK_EVENT_TYPES.join(', ')})`,
    })
    .min(1, { error: 'name at least one event' })
    .refine((events) => new Set(events).size === events.length, { error: 'an event is listed twice' }),
  /**
   * Only events of these accounts (a batch: if any of its items belongs to one). Omit for all.
   */
  accounts: z
    .array(accountNameSchema, { error: 'expected a list of account names' })
    .min(1, { error: 'omit accounts for every account, or name at least one' })
    .optional(),
  retry: webhookRetrySchema,
  /**
   * How long one delivery may take (connect, send, and the receiver's answer).
   * @defaultValue 15000
   */
  timeoutMs: positiveInt('a positive integer number of milliseconds')
    .max(120_000, { error: 'at most 120000 (2 minutes)' })
    .default(15_000),
});

// ---------------------------------------------------------------------------------------------
// Schedules

const scheduleSchema = strictObject({
  /** Batches of a run are named `<name>-<time>` (src/schedules/batch-name.ts). */
  name: nameSchema('schedule'),
  /** 5 fields, or 6 with seconds first; checked with the parser BullMQ uses. */
  cron: nonEmptyString('a cron pattern such as "0 3 * * *"'),
  /**
   * The time zone the pattern is read in (an IANA name).
   * @defaultValue `UTC`
   */
  tz: z
    .string({ error: 'expected a time zone such as "UTC" or "Europe/Berlin"' })
    .superRefine((tz, ctx) => {
      const problem = timeZoneProblem(tz);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default('UTC'),
  /** An input file (read at each run) or a drop directory (each run takes the files that arrived). */
  source: nonEmptyString('the path of an input file or a directory'),
  /**
   * Rows without an account get this one; a row naming another account is an error (an unattended
   * run must not act on an account its schedule does not name).
   */
  account: accountNameSchema.optional(),
  /** `true`: every item of every run is a rehearsal (like `submit --rehearsal`). */
  rehearsal: z.boolean({ error: 'expected true or false' }).optional(),
  /** Each batch's report is written here (`<batch id>.json` or `.csv`) once its last item is final. */
  reportDir: nonEmptyString('the path of a directory for reports'),
  /**
   * @defaultValue `json`
   */
  reportFormat: z.enum(['json', 'csv'], { error: 'expected "json" or "csv"' }).default('json'),
}).superRefine((s, ctx) => {
  // Only once the time zone is good: a bad one is reported on its own field.
  if (timeZoneProblem(s.tz) !== undefined) return;
  const problem = cronProblem(s.cron, s.tz);
  if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
});

/** Names must be unique within a list: the name is the key everywhere else. */
function uniqueNames(what: string) {
  return (list: readonly { name: string }[], ctx: z.core.$RefinementCtx<readonly { name: string }[]>) => {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `another ${what} is named "${entry.name}" already`,
        });
      }
      seen.add(entry.name);
    });
  };
}

// ---------------------------------------------------------------------------------------------
// The whole file

export const configSchema = strictObject({
  /** Where Redis is: one server (`url`, the default), a `cluster` or a `sentinel` master. */
  redis: redisSchema.prefault({}),
  /**
   * Vendor accounts by name.
   * @defaultValue `{}`
   */
  accounts: z
    .record(accountNameSchema, accountSchema, { error: 'expected an object of accounts by name' })
    .default(() => ({})),
  /** Retries of transient failures: exponential backoff with full jitter, capped. */
  retry: strictObject({
    /**
     * Attempts per job, the first included; after the last one the job is dead-lettered.
     * @defaultValue 8
     */
    attempts: positiveInt().max(1000, { error: 'at most 1000' }).default(8),
    /**
     * The first retry waits up to this long; each further retry doubles the ceiling.
     * @defaultValue 1000
     */
    baseDelayMs: durationMs().default(1000),
    /**
     * No retry waits longer than this.
     * @defaultValue 300000
     */
    maxDelayMs: durationMs().default(300_000),
  })
    .refine((r) => r.maxDelayMs >= r.baseDelayMs, {
      path: ['maxDelayMs'],
      error: 'must be at least retry.baseDelayMs',
    })
    .prefault({}),
  retention: strictObject({
    /**
     * Finished batches and their item records are removed this many days after the batch's last
     * item finished (workers prune hourly; `revoker batch prune` does it now). Dead-letter entries
     * stay until purged.
     * @defaultValue 30
     */
    days: positiveInt().max(3650, { error: 'at most 3650' }).default(30),
  }).prefault({}),
  /** `revoker serve`: where it listens, its body limits and the tokens that may call it. */
  api: apiSchema,
  /**
   * Receivers of signed outcome events (Standard Webhooks), delivered by the workers.
   * @defaultValue `[]`
   */
  webhooks: z
    .array(webhookSchema, { error: 'expected a list of webhooks' })
    .superRefine(uniqueNames('webhook'))
    .default(() => []),
  /**
   * Batch runs on a cron schedule, kept in Redis as BullMQ job schedulers by the workers.
   * @defaultValue `[]`
   */
  schedules: z
    .array(scheduleSchema, { error: 'expected a list of schedules' })
    .superRefine(uniqueNames('schedule'))
    .default(() => []),
}).superRefine((config, ctx) => {
  // Names that must be configured accounts: a typo would silently filter everything out.
  const known = (name: string) => Object.hasOwn(config.accounts, name);
  const configured = Object.keys(config.accounts).join(', ') || 'none';
  config.webhooks.forEach((webhook, i) => {
    webhook.accounts?.forEach((account, j) => {
      if (!known(account)) {
        ctx.addIssue({
          code: 'custom',
          path: ['webhooks', i, 'accounts', j],
          message: `"${account}" is not a configured account (configured: ${configured})`,
        });
      }
    });
  });
  config.schedules.forEach((schedule, i) => {
    if (schedule.account !== undefined && !known(schedule.account)) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedules', i, 'account'],
        message: `"${schedule.account}" is not a configured account (configured: ${configured})`,
      });
    }
  });
});

/** What the config file (and the overrides) may hold, before defaults are filled in. */
export type RevokerConfigInput = z.input<typeof configSchema>;

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The validated, complete and frozen configuration. */
export type RevokerConfig = DeepReadonly<z.output<typeof configSchema>>;
export type AccountConfig = RevokerConfig['accounts'][string];
export type SectigoAccountConfig = Extract<AccountConfig, { vendor: 'sectigo' }>;
export type DigicertAccountConfig = Extract<AccountConfig, { vendor: 'digicert' }>;
export type WebhookConfig = RevokerConfig['webhooks'][number];
export type ScheduleConfig = RevokerConfig['schedules'][number];

/** The highest layer (CLI flags): the file's shape, every part optional; `undefined` values are ignored. */
export type ConfigOverrides = DeepPartial<RevokerConfigInput>;

// ---------------------------------------------------------------------------------------------
// Loading

export interface ParseConfigOptions {
  overrides?: ConfigOverrides;
  /** Relative `caFile` and `{ "file" }` paths are resolved against this (the config file's folder). */
  baseDir?: string;
  /** Named in error messages: the config file path, or `defaults`. */
  source?: string;
}

/**
 * Validates a config object (the parsed file) with the environment and overrides layered on top,
 * then freezes it. Throws RevokerError CONFIG_ERR_INVALID listing every problem by field path.
 */
export function parseConfig(input: unknown, env: Env, options: ParseConfigOptions = {}): RevokerConfig {
  const source = options.source ?? 'configuration';
  if (!isPlainObject(input)) {
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `invalid configuration (${source}): expected a JSON object`,
      {
        details: { source, issues: [{ path: '(root)', message: 'expected a JSON object' }] },
      },
    );
  }
  const envLayer: Record<string, unknown> = {};
  const layerIssues: ConfigIssue[] = [];
  // An empty REDIS_URL is as good as unset: shells and compose files often export empty values.
  if (env.REDIS_URL) {
    const fileRedis = isPlainObject(input.redis) ? input.redis : {};
    const named = (['cluster', 'sentinel'] as const).find((k) => fileRedis[k] !== undefined);
    if (named === undefined) envLayer.redis = { url: env.REDIS_URL };
    else {
      // REDIS_URL replaces one server's URL, never a cluster or a Sentinel setup: a variable left
      // over from a single-node deployment must not point part of a fleet at another Redis.
      layerIssues.push({
        path: `redis.${named}`,
        message:
          `the environment sets REDIS_URL, which replaces only redis.url, but this configuration names a ` +
          `${named === 'cluster' ? 'Redis Cluster' : 'Sentinel master'}: unset REDIS_URL, or remove redis.${named} to use it`,
      });
    }
  }
  const merged = mergeLayers(mergeLayers(input, envLayer), options.overrides ?? {});

  const result = configSchema.safeParse(merged);
  if (!result.success || layerIssues.length > 0) {
    const issues = [...layerIssues, ...(result.success ? [] : result.error.issues.flatMap(describeIssue))];
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `invalid configuration (${source}):\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      { details: { source, issues } },
    );
  }
  const config = result.data;
  if (options.baseDir !== undefined) resolveRelativePaths(config, options.baseDir);
  return deepFreeze(config);
}

export interface LoadConfigOptions {
  /** `--config`; else `REVOKER_CONFIG`; else `revoker.config.json` in the working directory. */
  path?: string;
  env: Env;
  overrides?: ConfigOverrides;
  /** Injected in tests. @defaultValue node:fs/promises readFile (utf8) */
  readFile?: (path: string) => Promise<string>;
}

/**
 * Reads, layers, validates and freezes the configuration. A missing file is an error when it was
 * named (`--config`, `REVOKER_CONFIG`); the default file may be absent (defaults, no accounts).
 */
export async function loadConfig(options: LoadConfigOptions): Promise<RevokerConfig> {
  const read = options.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const named = options.path ?? (options.env.REVOKER_CONFIG || undefined);
  const path = resolve(named ?? DEFAULT_CONFIG_PATH);

  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (named === undefined && code === 'ENOENT') {
      // Defaults would mean "no accounts": a worker with nothing to do, a submit that rejects
      // every row. Say where we looked instead.
      throw new RevokerError(
        'CONFIG_ERR_INVALID',
        `no configuration file: looked for ${path} (the default); pass --config PATH or set REVOKER_CONFIG`,
        { cause: error, details: { source: path } },
      );
    }
    throw new RevokerError(
      'CONFIG_ERR_INVALID',
      `cannot read the configuration file ${path} (${code ?? 'error'})`,
      {
        cause: error,
        details: { source: path },
      },
    );
  }

  let input: unknown;
  try {
    // Editors on Windows like to start a UTF-8 file with a byte order mark; JSON.parse does not.
    input = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new RevokerError('CONFIG_ERR_INVALID', `${path}: not valid JSON${jsonErrorPosition(error, text)}`, {
      cause: error,
      details: { source: path },
    });
  }
  return parseConfig(input, options.env, {
    overrides: options.overrides,
    baseDir: dirname(path),
    source: path,
  });
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface ConfigIssue {
  /** Dotted field path: `accounts.acme.rateLimit.max`. */
  path: string;
  message: string;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = formatPath(issue.path);
  // A bad record key (account name) nests the key's own issues; their message is the useful one.
  if (issue.code === 'invalid_key') {
    return issue.issues.map((inner) => ({ path, message: inner.message }));
  }
  return [{ path, message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => {
      const key = String(part);
      if (typeof part === 'number') return `[${key}]`;
      if (/^[A-Za-z0-9_-]+$/.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

function literalSecretMessage(path: readonly PropertyKey[]): string {
  if (path[0] === 'api') {
    return (
      'a token cannot be written in the config file: write { "env": "REVOKER_API_TOKEN" } and set that ' +
      'environment variable, or { "file": "/run/secrets/revoker-api-token" } with the token as the file\'s content'
    );
  }
  if (path[0] === 'redis') {
    const field = String(path[path.length - 1] ?? 'password');
    const name = field === 'sentinelPassword' ? 'REDIS_SENTINEL_PASSWORD' : 'REDIS_PASSWORD';
    return (
      `a password cannot be written in the config file: write { "env": "${name}" } and set that ` +
      `environment variable, or { "file": "/run/secrets/${name.toLowerCase().replace(/_/g, '-')}" } with the password as the file's content`
    );
  }
  if (path[0] === 'webhooks') {
    return (
      'a secret cannot be written in the config file: write { "env": "REVOKER_WEBHOOK_SECRET" } and set that ' +
      'environment variable, or { "file": "/run/secrets/webhook-secret" } with the secret as the file\'s content'
    );
  }
  const account = typeof path[1] === 'string' ? path[1] : 'ACCOUNT';
  const field = String(path[path.length - 1] ?? 'secret');
  const name = `REVOKER_${toEnvPart(account)}_${toEnvPart(field)}`;
  const file = `/run/secrets/${account}-${field.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
  return (
    `a secret cannot be written in the config file: write { "env": "${name}" } and set that ` +
    `environment variable, or { "file": "${file}" } with the secret as the file's content`
  );
}

function toEnvPart(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  if (keys.length === 1) {
    const key = keys[0]!;
    const guess = closestName(key, allowed);
    return guess === undefined
      ? `unknown key "${key}" (allowed here: ${allowed.join(', ')})`
      : `unknown key "${key}" (did you mean "${guess}"?)`;
  }
  return `unknown keys ${keys.map((k) => `"${k}"`).join(', ')} (allowed here: ${allowed.join(', ')})`;
}

/** The allowed name a typo most likely meant: same letters in another case, or at most 2 edits away. */
function closestName(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function jsonErrorPosition(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  if (!match) return `: ${message}`;
  const position = Number(match[1]);
  const before = text.slice(0, position).replace(/^\uFEFF/, '');
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}: ${message.replace(/ in JSON at position.*$/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// Layers, paths, freezing

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deep merge of plain objects; `top` wins, `undefined` in `top` leaves `base` as it was. */
function mergeLayers(base: Record<string, unknown>, top: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    if (value === undefined) continue;
    const below = out[key];
    out[key] = isPlainObject(below) && isPlainObject(value) ? mergeLayers(below, value) : value;
  }
  return out;
}

function resolveRelativePaths(config: z.output<typeof configSchema>, baseDir: string): void {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const fixRef = (ref: SecretRef): SecretRef => ('file' in ref ? { file: absolute(ref.file) } : ref);
  for (const token of config.api.tokens) token.token = fixRef(token.token);
  const { cluster, sentinel } = config.redis;
  if (cluster) {
    if (cluster.options.password) cluster.options.password = fixRef(cluster.options.password);
    if (cluster.options.caFile) cluster.options.caFile = absolute(cluster.options.caFile);
  }
  if (sentinel) {
    if (sentinel.password) sentinel.password = fixRef(sentinel.password);
    if (sentinel.sentinelPassword) sentinel.sentinelPassword = fixRef(sentinel.sentinelPassword);
    if (sentinel.caFile) sentinel.caFile = absolute(sentinel.caFile);
  }
  for (const account of Object.values(config.accounts)) {
    if (account.caFile !== undefined) account.caFile = absolute(account.caFile);
    if (account.vendor === 'digicert') {
      account.credentials.apiKey = fixRef(account.credentials.apiKey);
    } else if ('saspSessionID' in account.credentials) {
      account.credentials.saspSessionID = fixRef(account.credentials.saspSessionID);
    } else {
      account.credentials.loginPassword = fixRef(account.credentials.loginPassword);
    }
  }
  for (const webhook of config.webhooks) webhook.secret = fixRef(webhook.secret);
  for (const schedule of config.schedules) {
    schedule.source = absolute(schedule.source);
    schedule.reportDir = absolute(schedule.reportDir);
  }
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
