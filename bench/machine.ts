/** What the figures were measured on: they only compare within one machine and one run. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemMiB: number;
  /** 1-minute load average when the run started: a busy shared machine lowers every figure. */
  loadAverage1m: number;
  node: string;
  platform: string;
  bullmq: string;
  ioredis: string;
  undici: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const version = async (name: string) =>
    (
      (await import(`../node_modules/${name}/package.json`, { with: { type: 'json' } })) as {
        default: { version: string };
      }
    ).default.version;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(totalmem() / 2 ** 20),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    bullmq: await version('bullmq'),
    ioredis: await version('ioredis'),
    undici: await version('undici'),
  };
}
