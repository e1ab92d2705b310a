/**
 * `revoker sandbox`: runs the vendor sandbox (fake Sectigo and DigiCert over HTTPS on loopback)
 * until SIGINT / SIGTERM, and prints where it is, where its CA file is and the demo
 * credentials. Thin on purpose: flags in, startSandbox, wait for a signal, close.
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ErrorCodes, RevokerError } from '../errors.ts';
import {
  checkVariants,
  FAULT_KINDS,
  type FaultRates,
  type LatencySpec,
  parseFaultRates,
  parseLatencySpec,
  parseRateLimits,
  type RateLimit,
  SANDBOX_VARIANTS,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
  VARIANT_SPECS,
} from '../sandbox/index.ts';

export interface SandboxFlags {
  port: string;
  host: string;
  tlsName?: string[];
  httpPort?: string;
  orders: string;
  seedFile?: string;
  caFile?: string;
  rateLimit?: string;
  latency?: string;
  faultRate?: string;
  seed: string;
  writeSeed?: string;
  variant?: string[];
}

interface SandboxIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function sandboxCommand(io: Partial<SandboxIo> = {}): Command {
  const out: SandboxIo = { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr };
  return new Command('sandbox')
    .description(
      'run the vendor sandbox: fake Sectigo and DigiCert APIs over HTTPS, for demos and rehearsals',
    )
    .option('--port <port>', 'HTTPS port (0: a free port)', '8443')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--tls-name <name...>',
      'more host names its certificate is valid for (how containers or other hosts reach it)',
    )
    .option('--http-port <port>', 'also listen for plain HTTP (Sectigo answers -1 there)')
    .option('--orders <n>', 'generate this many orders (ignored with --seed-file)', '100')
    .option('--seed-file <file>', 'accounts and orders from a JSON seed file')
    .option('--ca-file <path>', 'where to write the CA certificate clients must trust (default: a temp file)')
    .option(
      '--rate-limit <max/ms>',
      "every account's rate limit, e.g. 5/1000 (several: 100/5000,1000/180000)",
    )
    .option('--latency <spec>', 'none | uniform:MIN:MAX | lognormal:MEDIAN:P99[:MAX] (ms)')
    .option('--fault-rate <spec>', `kind=rate,… with kinds ${FAULT_KINDS.join(', ')}`)
    .option('--seed <n>', 'PRNG seed for generated orders, faults and latency', '1')
    .option('--write-seed <file>', 'write the seed data in force (accounts and orders) to this JSON file')
    .option(
      '--variant <name...>',
      `play an answer the vendor docs leave open (repeatable; POST /_sandbox/variants changes them later):\n${SANDBOX_VARIANTS.map((v) => `  ${v}: ${VARIANT_SPECS[v].models}`).join('\n')}`,
    )
    .action(async (flags: SandboxFlags) => {
      const sandbox = await startSandbox(optionsFrom(flags));
      if (flags.writeSeed) await writeFile(flags.writeSeed, `${JSON.stringify(sandbox.seedData, null, 2)}\n`);
      out.stdout.write(describe(sandbox, flags));
      await untilSignal(sandbox, out);
    });
}

export function optionsFrom(flags: SandboxFlags): SandboxOptions {
  const options: SandboxOptions = {
    host: flags.host,
    port: wholeNumber('--port', flags.port),
    orders: wholeNumber('--orders', flags.orders),
    seed: wholeNumber('--seed', flags.seed),
  };
  if (flags.tlsName !== undefined)
    options.tlsNames = flags.tlsName.flatMap((n) => n.split(',')).filter(Boolean);
  if (flags.httpPort !== undefined) options.httpPort = wholeNumber('--http-port', flags.httpPort);
  if (flags.seedFile !== undefined) options.seedFile = flags.seedFile;
  if (flags.caFile !== undefined) options.caFile = flags.caFile;
  if (flags.rateLimit !== undefined)
    options.rateLimits = parsed<RateLimit[]>('--rate-limit', () => parseRateLimits(flags.rateLimit ?? ''));
  if (flags.latency !== undefined)
    options.latency = parsed<LatencySpec>('--latency', () => parseLatencySpec(flags.latency ?? ''));
  if (flags.faultRate !== undefined)
    options.faultRates = parsed<FaultRates>('--fault-rate', () => parseFaultRates(flags.faultRate ?? ''));
  if (flags.variant !== undefined) {
    // `--variant a,b` and `--variant a --variant b` alike.
    const names = flags.variant.flatMap((v) => v.split(',')).filter((v) => v !== '');
    options.variants = parsed('--variant', () => checkVariants(names));
  }
  return options;
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new RevokerError(ErrorCodes.CONFIG_ERR_INVALID, `${flag}: expected a whole number, got "${text}"`);
  }
  return value;
}

function parsed<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new RevokerError(ErrorCodes.CONFIG_ERR_INVALID, `${flag}: ${(error as Error).message}`);
  }
}

function describe(sandbox: Sandbox, flags: SandboxFlags): string {
  const limits = (l: readonly RateLimit[]) => l.map((r) => `${r.max}/${r.durationMs}ms`).join(', ');
  const lines = [
    `revoker sandbox listening on ${sandbox.url}`,
    `  Sectigo base URL   ${sandbox.sectigoBaseUrl}`,
    `  DigiCert base URL  ${sandbox.digicertBaseUrl}`,
    ...(sandbox.httpUrl ? [`  plain HTTP         ${sandbox.httpUrl} (Sectigo answers -1)`] : []),
    `  CA file            ${sandbox.caFile}`,
    `                     trust it with NODE_EXTRA_CA_CERTS=${sandbox.caFile} or an account's caFile`,
    '  Sectigo logins (loginName / loginPassword):',
    ...sandbox.accounts.sectigo.map(
      (a) =>
        `    ${a.loginName} / ${a.loginPassword}  limit ${limits(a.rateLimits)}${a.credit ? '' : '  (no credit)'}`,
    ),
    '  DigiCert API keys (X-DC-DEVKEY):',
    ...sandbox.accounts.digicert.map(
      (a) => `    ${a.apiKey}  account ${a.name}${a.admin ? ', admin' : ''}  limit ${limits(a.rateLimits)}`,
    ),
    `  Orders             ${orderSummary(sandbox)}`,
    ...(flags.writeSeed ? [`  Seed data written  ${flags.writeSeed}`] : []),
    `  Variants           ${sandbox.controls.variants().join(', ') || 'none (the default answers)'}`,
    `  Stats              GET ${sandbox.url}/_sandbox/stats`,
    'Stop with Ctrl+C.',
  ];
  return `${lines.join('\n')}\n`;
}

function orderSummary(sandbox: Sandbox): string {
  const counts = new Map<string, Map<string, number>>();
  for (const order of sandbox.seedData.orders) {
    const byState = counts.get(order.vendor) ?? new Map<string, number>();
    byState.set(order.state, (byState.get(order.state) ?? 0) + 1);
    counts.set(order.vendor, byState);
  }
  if (counts.size === 0) return 'none';
  return [...counts]
    .map(([vendor, byState]) => {
      const total = [...byState.values()].reduce((a, b) => a + b, 0);
      return `${vendor} ${total} (${[...byState].map(([s, n]) => `${s} ${n}`).join(', ')})`;
    })
    .join('; ');
}

/** Resolves once the sandbox is closed after SIGINT / SIGTERM; a second signal exits at once. */
function untilSignal(sandbox: Sandbox, out: SandboxIo): Promise<void> {
  return new Promise((resolve, reject) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(130);
      out.stderr.write(`revoker sandbox: ${signal}, closing\n`);
      sandbox.close().then(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      }, reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
