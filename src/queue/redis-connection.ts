/**
 * The one factory of Redis connections: every connection revoker opens (producers, commands, the
 * API, workers, BullMQ's Queues and Workers, webhook deliveries, schedules, metrics) is made here
 * from a RedisTarget (redis-target.ts): one server, a Redis Cluster (ioredis `Cluster`) or a
 * master found through Sentinel.
 *
 * Two roles. Workers wait for Redis forever (BullMQ requires `maxRetriesPerRequest: null`, and
 * checks it on a cluster's `redisOptions` too); producers and commands fail each command fast,
 * so a CLI never hangs when Redis is down, but keep reconnecting with backoff, so a
 * `submit --wait` rides out a Redis restart.
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { RevokerError } from '../errors.ts';
import type { RedisTarget } from './redis-target.ts';

export { redactUrl } from './redis-target.ts';

/** A connection of either kind: both speak every command revoker sends. */
export type RedisClient = Redis | Cluster;

export type ConnectionRole = 'worker' | 'producer';

const CONNECT_TIMEOUT_MS = 5_000;
/** How long the start-up check waits for a first answer (a cluster keeps commands while it connects). */
const CHECK_TIMEOUT_MS = 10_000;

const producerBackoff = (times: number) => Math.min(200 * times, 2_000);

export interface ConnectionOptions {
  /**
   * Hold the socket's writes until the event loop has handled every answer that is ready now
   * (`coalesceWrites`), for a connection many concurrent jobs or requests share: fewer syscalls on
   * both ends. A cluster gets ioredis auto-pipelining instead (one write per node and turn); on one
   * server that builds a Pipeline object per turn, which costs more than it saves when most turns
   * carry one command (bench b A/B: 0.77 → 0.82–0.86 of the bare worker without it). @defaultValue false
   */
  coalesceWrites?: boolean;
}

export function createRedis(
  target: RedisTarget,
  role: ConnectionRole,
  connection: ConnectionOptions = {},
): RedisClient {
  const perCommand: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableReadyCheck: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
  let client: RedisClient;
  switch (target.kind) {
    case 'url':
      client = new Redis(target.url, {
        ...perCommand,
        lazyConnect: false,
        ...(role === 'producer' ? { retryStrategy: producerBackoff } : {}),
      });
      break;
    case 'sentinel':
      client = new Redis({
        ...perCommand,
        sentinels: target.sentinels,
        name: target.name,
        // Workers write: always the master, which Sentinel names after a failover.
        role: 'master',
        db: target.db,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
        ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { tls: target.tls, enableTLSForSentinelMode: true } : {}),
        ...(role === 'producer' ? { retryStrategy: producerBackoff } : {}),
      });
      break;
    case 'cluster': {
      const options: ClusterOptions = {
        redisOptions: {
          ...perCommand,
          ...(target.username ? { username: target.username } : {}),
          ...(target.password ? { password: target.password } : {}),
          ...(target.tls ? { tls: target.tls } : {}),
        },
        enableReadyCheck: true,
        ...(connection.coalesceWrites === true ? { enableAutoPipelining: true } : {}),
        // Reads go to masters: a replica may lag behind a record a script has just written.
        scaleReads: 'master',
        ...(target.natMap ? { natMap: target.natMap } : {}),
        ...(role === 'producer' ? { clusterRetryStrategy: producerBackoff } : {}),
      };
      client = new Cluster(target.nodes, options);
      break;
    }
  }
  // Without a listener ioredis prints every reconnect failure as "Unhandled error event" with a
  // stack: a Redis restart would flood a CLI's terminal. Callers see the faults as failed
  // commands, and workers log them from BullMQ's own error events.
  client.on('error', () => {});
  if (connection.coalesceWrites === true && client instanceof Redis) coalesceWrites(client);
  return client;
}

/** Connections made with `coalesceWrites`. */
const coalescing = new WeakSet<RedisClient>();

/**
 * The writes a connection makes in one turn of the event loop leave in one socket write.
 * A worker at concurrency 100 finishes jobs as their vendor answers arrive, each answer in an I/O
 * callback of its own, so neither ioredis (it flushes at the end of each callback) nor BullMQ
 * batch their commands: each is a write(2), and on loopback the writes cost more CPU than the
 * commands (bench b profile). The socket is corked at the first command of a turn and uncorked
 * in the turn's check phase (setImmediate), after every I/O callback that was ready: commands
 * wait at most for the callbacks already due, and keep their order.
 */
function coalesceWrites(client: Redis): void {
  coalescing.add(client);
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command, stream) => {
    const socket = client.status === 'ready' ? client.stream : undefined;
    // Already corked: by this turn's first command, or by inOneWrite (which uncorks its own).
    if (socket !== undefined && !socket.writableCorked) {
      socket.cork();
      setImmediate(() => socket.uncork());
    }
    return send(command, stream);
  }) as Redis['sendCommand'];
}

/**
 * Calls `send`, whose commands (issued synchronously) leave in one socket write when the connection
 * is one ready server: its socket is corked meanwhile. Each command is a write of its own
 * otherwise, and on a busy loopback a write costs more than the command (bench e profile: most of
 * POST /v1/items' CPU). ioredis' pipeline() would do it too, but builds an object that copies every
 * script BullMQ defined on the connection, each time. A cluster's commands go to their nodes as before.
 */
export function inOneWrite<T>(redis: RedisClient, send: () => T): T {
  const socket = redis instanceof Redis && redis.status === 'ready' ? redis.stream : undefined;
  // A coalescing connection holds the turn's writes anyway: uncorking here would send this
  // caller's commands at once, alone, instead of with those of the other requests of the turn.
  if (socket === undefined || coalescing.has(redis)) return send();
  socket.cork();
  try {
    return send();
  } finally {
    socket.uncork();
  }
}

/** The servers behind a connection: a cluster's masters (each holds some slots), else itself. */
export function masterNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** Checks that Redis answers; returns a warning when its eviction policy could lose jobs. */
export async function checkRedis(client: RedisClient, target: RedisTarget): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (cause) {
    throw new RevokerError('REDIS_ERR_UNAVAILABLE', `${target.description} does not answer`, { cause });
  } finally {
    clearTimeout(timer);
  }
  // Every master holds jobs of some accounts: one of them evicting loses those.
  const policies = new Set<string>();
  for (const node of masterNodes(client)) {
    try {
      const policy = (await node.config('GET', 'maxmemory-policy')) as string[];
      if (policy[1]) policies.add(policy[1]);
    } catch {
      // CONFIG may be disabled on managed Redis; nothing to check then.
    }
  }
  const evicting = [...policies].filter((p) => p !== 'noeviction');
  if (evicting.length > 0) {
    return `Redis maxmemory-policy is ${evicting.join(', ')}: set it to noeviction, or Redis may evict queued jobs`;
  }
  return undefined;
}
