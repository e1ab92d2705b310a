/**
 * A real local Redis Cluster for tests: `redis-server --cluster-enabled yes` on free ports, each in
 * a temporary directory of its own (its nodes.conf, and an AOF when asked), joined with
 * `redis-cli --cluster create … --cluster-replicas 0`, and ready once every node says
 * `cluster_state:ok`. Masters can be killed and restarted from their directory (same node id,
 * same slots, their AOF), as a crashed and restarted node would be. Torn down after the tests.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { keySlot } from '../../src/queue/key-slot.ts';
import { freePort, type RedisProcess, startRedisServer } from './redis-server.ts';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** @defaultValue 3 */
  masters?: number;
  /** Each master keeps an AOF (fsync always), so a killed one restarts with its data. @defaultValue false */
  appendOnly?: boolean;
  /** `cluster-node-timeout`: how long a silent node may stay silent before the others fail it. @defaultValue 5000 */
  nodeTimeoutMs?: number;
}

export interface RedisCluster {
  /** Every master's address: what a config's `redis.cluster.nodes` lists. */
  readonly nodes: { host: string; port: number }[];
  /** The `redis` config section for it. */
  readonly config: { cluster: { nodes: { host: string; port: number }[] } };
  /** The index (in `nodes`) of the master serving `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILL master `index` (a crash); `restart` brings it back from its directory. */
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  /** Waits until every node answers `cluster_state:ok`. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface Member {
  port: number;
  busPort: number;
  dir: string;
  server: RedisProcess | undefined;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 30_000,
  });
  return stdout;
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  const members: Member[] = [];
  const start = (m: Member) =>
    startRedisServer({
      port: m.port,
      dir: m.dir,
      appendOnly: options.appendOnly ?? false,
      extraArgs: [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        String(options.nodeTimeoutMs ?? 5000),
        // The bus port is chosen too: port + 10000 (the default) may be taken or past 65535.
        '--cluster-port',
        String(m.busPort),
      ],
    });
  try {
    for (let i = 0; i < count; i++) {
      const member: Member = {
        port: await freePort(),
        busPort: await freePort(),
        dir: await mkdtemp(join(tmpdir(), 'revoker-cluster-')),
        server: undefined,
      };
      members.push(member);
      member.server = await start(member);
    }
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...members.map((m) => `127.0.0.1:${m.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 60_000 },
    );
  } catch (error) {
    await stopAll(members);
    throw error;
  }

  const nodes = members.map((m) => ({ host: '127.0.0.1', port: m.port }));
  const cluster: RedisCluster = {
    nodes,
    config: { cluster: { nodes } },
    async masterOf(key) {
      const slot = keySlot(key);
      const ranges = await slotRanges(members[0]!.port);
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      const index = members.findIndex((m) => m.port === Number(range?.[2][1]));
      if (index === -1) throw new Error(`no master serves slot ${slot}`);
      return index;
    },
    async kill(index) {
      const m = members[index];
      if (!m?.server) throw new Error(`no running master ${index}`);
      await m.server.kill();
      m.server = undefined;
    },
    async restart(index) {
      const m = members[index];
      if (!m) throw new Error(`no master ${index}`);
      if (m.server) await m.server.kill();
      m.server = await start(m);
    },
    async waitUntilOk(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          members.map((m) => cli(m.port, 'cluster', 'info').catch((e: unknown) => String(e))),
        );
        if (states.every((s) => s.includes('cluster_state:ok'))) return;
        if (Date.now() > deadline)
          throw new Error(`the cluster is not ok after ${timeoutMs} ms:\n${states.join('\n')}`);
        await delay(100);
      }
    },
    stop: () => stopAll(members),
  };
  try {
    await cluster.waitUntilOk();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Each master's slot ranges, read from CLUSTER NODES: `[from, to, [host, port]]`. */
async function slotRanges(port: number): Promise<[number, number, [string, number]][]> {
  const lines = (await cli(port, 'cluster', 'nodes')).trim().split('\n');
  const ranges: [number, number, [string, number]][] = [];
  for (const line of lines) {
    const [, address = '', flags = '', , , , , , ...slots] = line.split(' ');
    if (!flags.includes('master')) continue;
    const [host = '', rest = ''] = address.split(':');
    const port = Number(rest.split('@')[0]);
    for (const range of slots) {
      const [from, to = from] = range.split('-').map(Number);
      if (from !== undefined && Number.isInteger(from)) ranges.push([from, to ?? from, [host, port]]);
    }
  }
  return ranges;
}

async function stopAll(members: readonly Member[]): Promise<void> {
  await Promise.all(members.map((m) => m.server?.stop().catch(() => {})));
  for (const m of members) rmSync(m.dir, { recursive: true, force: true });
}
