/**
 * Where Redis is, ready to connect: the config's `redis` section (one URL, a cluster's nodes, or
 * Sentinels and a master name) with its secret references resolved and its CA file read. Built
 * once when a process opens Redis; every connection of the process is made from it
 * (redis-connection.ts). It holds passwords: keep it in memory, never log it (`description` is the
 * printable part).
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { RedisConfig } from '../config.ts';
import { RevokerError } from '../errors.ts';
import { resolveSecret, type SecretDeps } from '../secrets.ts';

export interface RedisNode {
  host: string;
  port: number;
}

/** TLS settings for ioredis: the system roots plus the configured CA file, when there is one. */
export interface RedisTls {
  ca?: string[];
}

export type RedisTarget =
  | { kind: 'url'; url: string; description: string }
  | {
      kind: 'cluster';
      nodes: RedisNode[];
      description: string;
      username?: string;
      password?: string;
      tls?: RedisTls;
      natMap?: Record<string, RedisNode>;
    }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      name: string;
      description: string;
      db: number;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
      tls?: RedisTls;
    };

/** Resolves the `redis` section; errors name the field (`redis.cluster.options.password: …`). */
export async function resolveRedisTarget(
  redis: RedisConfig,
  deps: SecretDeps = { env: {} },
): Promise<RedisTarget> {
  const read = deps.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const secret = async (ref: Parameters<typeof resolveSecret>[0] | undefined, field: string) =>
    ref === undefined ? undefined : resolveSecret(ref, deps, field);
  const tlsOf = async (
    on: boolean,
    caFile: string | undefined,
    field: string,
  ): Promise<RedisTls | undefined> => {
    if (caFile === undefined) return on ? {} : undefined;
    try {
      // Added to the system roots, as accounts' caFile is: a managed service's own CA, not instead.
      return { ca: [...rootCertificates, await read(caFile)] };
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'error';
      throw new RevokerError('CONFIG_ERR_INVALID', `${field}: cannot read ${caFile} (${code})`, { cause });
    }
  };

  if (redis.cluster) {
    const { nodes, options } = redis.cluster;
    const tls = await tlsOf(
      options.tls ?? nodes.some((n) => n.tls === true),
      options.caFile,
      'redis.cluster.options.caFile',
    );
    const password = await secret(options.password, 'redis.cluster.options.password');
    return {
      kind: 'cluster',
      nodes: nodes.map(({ host, port }) => ({ host, port })),
      description: `Redis Cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
      ...(options.username ? { username: options.username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls } : {}),
      ...(options.natMap ? { natMap: { ...options.natMap } } : {}),
    };
  }
  if (redis.sentinel) {
    const s = redis.sentinel;
    const tls = await tlsOf(
      s.tls ?? s.sentinels.some((n) => n.tls === true),
      s.caFile,
      'redis.sentinel.caFile',
    );
    const password = await secret(s.password, 'redis.sentinel.password');
    const sentinelPassword = await secret(s.sentinelPassword, 'redis.sentinel.sentinelPassword');
    return {
      kind: 'sentinel',
      sentinels: s.sentinels.map(({ host, port }) => ({ host, port })),
      name: s.name,
      db: s.db,
      description: `Sentinel master "${s.name}" via ${s.sentinels.map((n) => `${n.host}:${n.port}`).join(',')}`,
      ...(s.username ? { username: s.username } : {}),
      ...(password ? { password } : {}),
      ...(s.sentinelUsername ? { sentinelUsername: s.sentinelUsername } : {}),
      ...(sentinelPassword ? { sentinelPassword } : {}),
      ...(tls ? { tls } : {}),
    };
  }
  return urlTarget(redis.url ?? 'redis://127.0.0.1:6379');
}

/** The target of one server by URL (what `redis.url` resolves to). */
export function urlTarget(url: string): RedisTarget {
  return { kind: 'url', url, description: `Redis at ${redactUrl(url)}` };
}

/** A Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
