/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepare`), the tarball
 * installed into an empty project with `npm install --omit=dev`, then only what that project
 * holds is used: a script that imports `cert-revoker`, the installed `revoker` command (sandbox,
 * worker, submit --wait), the declarations under a consumer's tsc, and the Node.js version check.
 * Nothing here loads the repository's sources into the processes it judges.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteKeysUnder } from '../../src/queue/prefix-keys.ts';
import { findOldNode } from '../support/old-node.ts';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const LUA_SCRIPTS = readdirSync(join(REPO_ROOT, 'src/queue/commands')).filter((f) => f.endsWith('.lua'));
const PASSWORD = 'package-test-sectigo-password';
const LOGIN = 'package-test';
// Orders the sandbox holds: 1 for the library script, 5 for `revoker submit`.
const LIBRARY_ORDER = '7100000';
const CLI_ORDERS = ['7100001', '7100002', '7100003', '7100004', '7100005'];

let work: string;
let app: string;
let packedFiles: string[];
let revokerBin: string;
const prefix = `revoker-pkg-${process.pid}`;
const children: ChildProcess[] = [];

/** The installed command, run by this Node.js, in the consumer project, without REDIS_URL. */
function revoker(args: string[], env: Record<string, string> = {}) {
  const { REDIS_URL: _ignored, ...base } = process.env;
  return run(process.execPath, [revokerBin, ...args], { cwd: app, env: { ...base, ...env } });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'revoker-pkg-'));
  app = join(work, 'app');
  await mkdir(app);
  // `npm pack` runs `prepare`, so this also builds dist/ from the current sources.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (!info) throw new Error(`npm pack printed no package: ${packed.stdout}`);
  packedFiles = info.files.map((f) => f.path);
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  // The npm cache from `npm ci` makes this mostly local; the registry is asked only for what it lacks.
  await run(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(work, info.filename)],
    { cwd: app, maxBuffer: 64 * 1024 * 1024 },
  );
  revokerBin = join(app, 'node_modules/.bin/revoker');
}, 300_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  const redis = new Redis(inject('redisUrl'));
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

describe('the packed tarball', () => {
  it('ships the built JavaScript, declarations, the command and the Lua scripts, and no sources', () => {
    expect(packedFiles).toContain('package.json');
    expect(packedFiles).toContain('bin/revoker.cjs');
    expect(packedFiles).toContain('bin/check-node.cjs');
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/cli/main.js');
    expect(LUA_SCRIPTS.length).toBeGreaterThan(0);
    for (const script of LUA_SCRIPTS) expect(packedFiles).toContain(`dist/queue/commands/${script}`);
    const sources = packedFiles.filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts'));
    expect(sources).toEqual([]);
    expect(packedFiles.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
  });
});

describe('installed with npm install --omit=dev', () => {
  it('revoker --version prints the package version (through the bin link and its shebang)', async () => {
    const { stdout } = await run(revokerBin, ['--version'], {
      cwd: app,
      // The shebang finds `node` on PATH: put this Node.js first.
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
    expect(stdout).toBe(`${PKG.version}\n`);
  });

  const oldNode = findOldNode();
  it.skipIf(!oldNode)(
    `on an older Node.js (${oldNode?.version ?? 'none on this machine'}) it says what it needs and exits 2`,
    async () => {
      const failed = await run(oldNode?.path ?? 'node', [revokerBin, '--version'], { cwd: app }).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stdout).toBe('');
      expect(failed?.stderr).toContain(`needs Node.js 22.18.0 or newer (24 recommended); this is Node.js`);
      expect(failed?.stderr).toContain('npm install --prefix ~/.node24 node@24');
      expect(failed?.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('its declarations type a consumer written against them (tsc, nodenext)', async () => {
    await writeFile(
      join(app, 'typed.ts'),
      [
        "import { createProducer, type LibraryProducer, type OutcomeCounts } from 'cert-revoker';",
        'export async function send(): Promise<OutcomeCounts> {',
        "  const producer: LibraryProducer = await createProducer({ configPath: 'revoker.config.json' });",
        "  const { batchId } = await producer.revoke({ account: 'a', operation: 'sectigo.revokeSSL', params: {} });",
        '  // Fails to compile (unused directive) if the package typed its exports as `any`.',
        '  // @ts-expect-error batchId is a string',
        '  const wrong: number = batchId;',
        '  void wrong;',
        '  return producer.batches.counts(batchId);',
        '}',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', app]).then(
      () => ({ code: 0, out: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
    );
    expect(result).toEqual({ code: 0, out: '' });
  });

  describe('against the installed sandbox and worker', () => {
    let configFile: string;
    let sandboxUrl: string;
    let caFile: string;

    beforeAll(async () => {
      const seedFile = join(work, 'seed.json');
      caFile = join(work, 'sandbox-ca.pem');
      await writeFile(
        seedFile,
        JSON.stringify({
          accounts: {
            sectigo: [
              { loginName: LOGIN, loginPassword: PASSWORD, rateLimits: [{ max: 1000, durationMs: 1000 }] },
            ],
          },
          orders: [LIBRARY_ORDER, ...CLI_ORDERS].map((orderNumber) => ({
            vendor: 'sectigo',
            account: LOGIN,
            orderNumber,
          })),
        }),
      );
      const sandbox = spawnInstalled([
        'sandbox',
        '--port',
        '0',
        '--seed-file',
        seedFile,
        '--ca-file',
        caFile,
      ]);
      const banner = await sandbox.waitFor(/Sectigo base URL\s+(\S+)/);
      sandboxUrl = new URL(banner[1] ?? '').origin;
      configFile = join(work, 'revoker.config.json');
      await writeFile(
        configFile,
        JSON.stringify({
          redis: { url: inject('redisUrl'), prefix },
          accounts: {
            'sectigo-pkg': {
              vendor: 'sectigo',
              baseUrl: banner[1],
              caFile,
              credentials: { loginName: LOGIN, loginPassword: { env: 'PKG_SECTIGO_PASSWORD' } },
              rateLimit: { max: 100, durationMs: 1000 },
              concurrency: 4,
            },
          },
          retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        }),
      );
      const worker = spawnInstalled(['worker', '--config', configFile, '--log-level', 'info'], {
        PKG_SECTIGO_PASSWORD: PASSWORD,
      });
      await worker.waitFor(/worker started/);
    }, 60_000);

    it("a script's `import { createProducer } from 'cert-revoker'` submits an item the worker revokes", async () => {
      await writeFile(
        join(app, 'submit-one.mjs'),
        [
          "import { createProducer } from 'cert-revoker';",
          'const producer = await createProducer({ configPath: process.argv[2] });',
          'try {',
          '  const { batchId, jobId } = await producer.revoke({',
          "    account: 'sectigo-pkg',",
          "    operation: 'sectigo.revokeSSL',",
          "    params: { orderNumber: process.argv[3], revocationReason: 'package test: key compromise' },",
          '  });',
          '  let counts = await producer.batches.counts(batchId);',
          '  // Bounded: 600 polls of 100 ms.',
          '  for (let i = 0; i < 600 && counts.revoked + counts["dead-lettered"] === 0; i++) {',
          '    await new Promise((r) => setTimeout(r, 100));',
          '    counts = await producer.batches.counts(batchId);',
          '  }',
          '  console.log(JSON.stringify({ batchId, jobId, counts }));',
          '} finally {',
          '  await producer.close();',
          '}',
          '',
        ].join('\n'),
      );
      const { REDIS_URL: _ignored, ...env } = process.env;
      const { stdout } = await run(process.execPath, ['submit-one.mjs', configFile, LIBRARY_ORDER], {
        cwd: app,
        env,
      });
      const result = JSON.parse(stdout) as { counts: Record<string, number> };
      expect(result.counts).toMatchObject({ total: 1, revoked: 1, 'dead-lettered': 0 });
      expect(await orderState(LIBRARY_ORDER)).toBe('revoked');
    }, 90_000);

    it('revoker submit --wait revokes every row and writes the report', async () => {
      const input = join(work, 'compromised.csv');
      const report = join(work, 'report.json');
      await writeFile(
        input,
        [
          'account,operation,orderNumber,revocationReason',
          ...CLI_ORDERS.map((o) => `sectigo-pkg,sectigo.revokeSSL,${o},package test: key compromise`),
          '',
        ].join('\n'),
      );
      const { stdout } = await revoker([
        'submit',
        input,
        '--config',
        configFile,
        '--wait',
        '--report',
        report,
      ]);
      expect(stdout).toContain('revoked');
      const written = JSON.parse(await readFile(report, 'utf8')) as {
        counts: Record<string, number>;
        items: { target: string; outcome: string }[];
      };
      expect(written.counts).toMatchObject({ total: CLI_ORDERS.length, revoked: CLI_ORDERS.length });
      expect(written.items.map((i) => i.outcome)).toEqual(CLI_ORDERS.map(() => 'revoked'));
      for (const order of CLI_ORDERS) expect(await orderState(order)).toBe('revoked');
    }, 90_000);

    /** The order's state as the sandbox holds it: the vendor's side, not our report. */
    async function orderState(orderNumber: string): Promise<string> {
      const ca = await readFile(caFile, 'utf8');
      const body = await new Promise<string>((resolve, reject) => {
        request(`${sandboxUrl}/_sandbox/orders/sectigo/${orderNumber}`, { ca }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      return (JSON.parse(body) as { state: string }).state;
    }
  });
});

/** Starts the installed `revoker` with these arguments; waitFor() reads its output as it comes. */
function spawnInstalled(args: string[], env: Record<string, string> = {}) {
  const { REDIS_URL: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, [revokerBin, ...args], {
    cwd: app,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    /** Resolves with the first match in the output; rejects if the process exits first or in 30 s. */
    waitFor(pattern: RegExp): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const done = (error?: Error, match?: RegExpExecArray) => {
          listeners.delete(check);
          child.off('exit', exited);
          clearTimeout(timer);
          if (match) resolve(match);
          else reject(error);
        };
        const check = () => {
          const match = pattern.exec(output);
          if (match) done(undefined, match);
        };
        const exited = (code: number | null) =>
          done(new Error(`revoker ${args[0]} exited (${code}) before printing ${pattern}:\n${output}`));
        const timer = setTimeout(
          () => done(new Error(`revoker ${args[0]} printed no ${pattern} within 30 s:\n${output}`)),
          30_000,
        );
        listeners.add(check);
        child.once('exit', exited);
        check();
      });
    },
  };
}
