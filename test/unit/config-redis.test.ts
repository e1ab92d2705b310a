/**
 * The `redis` section: one URL, a Redis Cluster or a Sentinel master, each validated with
 * messages that name the field; how REDIS_URL layers over each; and the target each resolves to
 * (secret references read, nothing of them in the printable description).
 */
import { describe, expect, it } from 'vitest';
import { type Env, parseConfig } from '../../src/config.ts';
import { isRevokerError } from '../../src/errors.ts';
import { resolveRedisTarget } from '../../src/queue/redis-target.ts';

function problems(redis: unknown, env: Env = {}): { path: string; message: string }[] {
  try {
    parseConfig({ redis }, env);
  } catch (error) {
    if (isRevokerError(error, 'CONFIG_ERR_INVALID')) {
      return error.details.issues as { path: string; message: string }[];
    }
    throw error;
  }
  throw new Error('expected the config to be refused');
}

const cluster = (extra: Record<string, unknown> = {}) => ({
  cluster: { nodes: [{ host: '10.0.0.1', port: 7000 }, 'redis://10.0.0.2:7001'], ...extra },
});

describe('redis: one server, a cluster or a Sentinel master', () => {
  it('defaults to one server on 127.0.0.1:6379 under the namespace "revoker"', () => {
    expect(parseConfig({}, {}).redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'revoker' });
  });

  it('reads a cluster: nodes as objects or redis:// URLs, options defaulted', () => {
    const { redis } = parseConfig({ redis: cluster() }, {});
    expect(redis).toEqual({
      prefix: 'revoker',
      cluster: {
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
        ],
        options: {},
      },
    });
    expect(redis.url).toBeUndefined();
  });

  it('reads a Sentinel master', () => {
    const { redis } = parseConfig(
      {
        redis: {
          sentinel: {
            sentinels: [{ host: 's1', port: 26379 }],
            name: 'mymaster',
            password: { env: 'REDIS_PASSWORD' },
          },
        },
      },
      {},
    );
    expect(redis.sentinel).toEqual({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      password: { env: 'REDIS_PASSWORD' },
      db: 0,
    });
  });

  it('takes one of url, cluster and sentinel, naming the second', () => {
    expect(problems({ url: 'redis://a:1', ...cluster() })).toEqual([
      { path: 'redis.cluster', message: 'give one of url, cluster or sentinel, not url and cluster' },
    ]);
  });

  it('names the field of every bad cluster setting', () => {
    expect(problems({ cluster: { nodes: [] } })).toEqual([
      { path: 'redis.cluster.nodes', message: expect.stringContaining('at least one node') },
    ]);
    expect(problems({ cluster: { nodes: [{ host: 'a', port: 0 }] } })).toEqual([
      { path: 'redis.cluster.nodes[0].port', message: 'expected a port number (1-65535)' },
    ]);
    expect(problems({ cluster: { nodes: ['http://a:1'] } })[0]?.path).toBe('redis.cluster.nodes[0]');
    expect(problems({ cluster: { nodes: ['redis://a:1/3'] } })).toEqual([
      { path: 'redis.cluster.nodes[0]', message: expect.stringContaining('only database 0') },
    ]);
    expect(problems({ cluster: { nodes: ['redis://:hunter2@a:1'] } })).toEqual([
      { path: 'redis.cluster.nodes[0]', message: expect.stringContaining('options.password') },
    ]);
    expect(problems({ cluster: { nodes: ['redis://a:1'], option: {} } })).toEqual([
      { path: 'redis.cluster', message: 'unknown key "option" (did you mean "options"?)' },
    ]);
    expect(problems({ cluster: { nodes: ['rediss://a:1', 'redis://b:2'] } })).toEqual([
      { path: 'redis.cluster', message: expect.stringContaining('mixes TLS and plain') },
    ]);
    expect(
      problems({ cluster: { nodes: ['redis://a:1'], options: { natMap: { a: { host: 'b', port: 1 } } } } }),
    ).toEqual([{ path: 'redis.cluster.options.natMap.a', message: 'expected "host:port" keys' }]);
  });

  it('refuses a password written in the file, saying what to write instead', () => {
    expect(problems({ cluster: { nodes: ['redis://a:1'], options: { password: 'hunter2' } } })).toEqual([
      {
        path: 'redis.cluster.options.password',
        message: expect.stringContaining('{ "env": "REDIS_PASSWORD" }'),
      },
    ]);
    expect(
      problems({ sentinel: { sentinels: [{ host: 's', port: 1 }], name: 'm', sentinelPassword: 'x' } }),
    ).toEqual([
      {
        path: 'redis.sentinel.sentinelPassword',
        message: expect.stringContaining('{ "env": "REDIS_SENTINEL_PASSWORD" }'),
      },
    ]);
  });

  it('names the field of every bad Sentinel setting', () => {
    expect(problems({ sentinel: { sentinels: [] } }).map((p) => p.path)).toEqual([
      'redis.sentinel.sentinels',
      'redis.sentinel.name',
    ]);
    expect(problems({ sentinel: { sentinels: [{ host: 's', port: 1 }], name: 'm', db: 16 } })[0]?.path).toBe(
      'redis.sentinel.db',
    );
  });
});

describe('redis: REDIS_URL', () => {
  it('replaces redis.url, and is the URL when the file names none', () => {
    expect(parseConfig({}, { REDIS_URL: 'redis://env:1' }).redis.url).toBe('redis://env:1');
  });

  it('is refused beside a cluster or a Sentinel master: it would point the process elsewhere', () => {
    expect(problems(cluster(), { REDIS_URL: 'redis://env:1' })).toEqual([
      { path: 'redis.cluster', message: expect.stringContaining('unset REDIS_URL') },
    ]);
    expect(
      problems(
        { sentinel: { sentinels: [{ host: 's', port: 1 }], name: 'm' } },
        { REDIS_URL: 'redis://e:1' },
      ),
    ).toEqual([{ path: 'redis.sentinel', message: expect.stringContaining('unset REDIS_URL') }]);
    // Empty is unset, as everywhere else.
    expect(parseConfig({ redis: cluster() }, { REDIS_URL: '' }).redis.cluster).toBeDefined();
  });
});

describe('resolveRedisTarget', () => {
  it('resolves a cluster password from the environment; the description holds no secret', async () => {
    const { redis } = parseConfig(
      { redis: cluster({ options: { username: 'revoker', password: { env: 'REDIS_PASSWORD' } } }) },
      {},
    );
    const target = await resolveRedisTarget(redis, { env: { REDIS_PASSWORD: 's3cret-pw' } });
    expect(target).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: 'revoker',
      password: 's3cret-pw',
    });
    expect(target.description).toBe('Redis Cluster 10.0.0.1:7000,10.0.0.2:7001');
  });

  it('names the field when a password reference cannot be resolved', async () => {
    const { redis } = parseConfig({ redis: cluster({ options: { password: { env: 'NOPE' } } }) }, {});
    await expect(resolveRedisTarget(redis, { env: {} })).rejects.toMatchObject({
      code: 'CONFIG_ERR_SECRET',
      message: expect.stringContaining('redis.cluster.options.password'),
    });
  });

  it('turns TLS on for rediss:// nodes, and reads a CA file into the trusted roots', async () => {
    const { redis } = parseConfig(
      { redis: { cluster: { nodes: ['rediss://a:1'], options: { caFile: '/etc/redis-ca.pem' } } } },
      {},
    );
    const target = await resolveRedisTarget(redis, {
      env: {},
      readFile: async (path) => `PEM OF ${path}`,
    });
    expect(target.kind === 'cluster' && target.tls?.ca?.at(-1)).toBe('PEM OF /etc/redis-ca.pem');
  });

  it('describes a URL without its password', async () => {
    const target = await resolveRedisTarget(parseConfig({ redis: { url: 'redis://:pw@h:1/2' } }, {}).redis);
    expect(target).toEqual({
      kind: 'url',
      url: 'redis://:pw@h:1/2',
      description: 'Redis at redis://:***@h:1/2',
    });
  });
});
