/**
 * The CLI end to end, in process: `revoker submit --wait --report`, `batch`, `account`, `dlq`,
 * with their exit codes (0 settled, 1 dead-lettered, 2 invalid input, 3 halted account).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { type Rig, startRig } from '../support/pipeline.ts';

let rig: Rig | undefined;
let dir: string | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

async function run(args: string[], env: Record<string, string>) {
  const out = capture();
  const err = capture();
  const code = await main(args, { env, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Writes the rig's config (as a user would) and an input file; returns their paths. */
function files(r: Rig, csv: string) {
  dir = mkdtempSync(join(tmpdir(), 'revoker-cli-'));
  const config = join(dir, 'revoker.config.json');
  const accounts = Object.fromEntries(
    Object.entries(r.config.accounts).map(([name, a]) => [name, { ...a, rateLimit: { ...a.rateLimit } }]),
  );
  writeFileSync(config, JSON.stringify({ redis: r.config.redis, accounts, retry: r.config.retry }));
  const input = join(dir, 'input.csv');
  writeFileSync(input, csv);
  return { config, input, report: join(dir, 'report.csv') };
}

const seed = {
  orders: [
    { vendor: 'sectigo' as const, account: 'revoker-demo', orderNumber: '9001' },
    { vendor: 'sectigo' as const, account: 'revoker-demo', orderNumber: '9002' },
    { vendor: 'sectigo' as const, account: 'revoker-demo', orderNumber: '9003', state: 'revoked' as const },
  ],
  accounts: {
    sectigo: [
      {
        loginName: 'revoker-demo',
        loginPassword: 'sandbox-sectigo-password',
        rateLimits: [{ max: 1000, durationMs: 1000 }],
      },
    ],
  },
};

describe('revoker CLI', () => {
  it('submit --wait --report: exit 0 when every item is revoked, and the report lists each row', async () => {
    rig = await startRig({ sandbox: { seedData: seed } });
    await rig.startWorker();
    const f = files(
      rig,
      'account,operation,orderNumber\nsectigo,sectigo.revokeSSL,9001\nsectigo,sectigo.revokeSSL,9002\n',
    );
    const result = await run(
      ['submit', f.input, '--config', f.config, '--report', f.report, '--format', 'csv'],
      rig.env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^account sectigo: 2 real, 0 rehearsal$/m);
    expect(result.stdout).toMatch(/2 revoked, 0 replaced, 0 rehearsed, 0 pending-approval, 0 dead-lettered/);
    const report = readFileSync(f.report, 'utf8').trim().split('\n');
    expect(report[0]).toBe(
      'row,jobId,account,operation,target,outcome,code,message,attempts,finishedAt,newOrderNumber,requestId,confirmed,rehearsal',
    );
    expect(report.slice(1).map((line) => line.split(',').slice(0, 6).join(','))).toEqual([
      '2,sectigo~sectigo.revokeSSL~orderNumber~9001,sectigo,sectigo.revokeSSL,orderNumber=9001,revoked',
      '3,sectigo~sectigo.revokeSSL~orderNumber~9002,sectigo,sectigo.revokeSSL,orderNumber=9002,revoked',
    ]);

    const batchId = /batch (\S+):/.exec(result.stdout)?.[1] ?? '';
    const status = await run(['batch', 'status', batchId, '--config', f.config, '--json'], rig.env);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ total: 2, revoked: 2 });
  });

  it('exit 1 when an item was dead-lettered, and dlq list / show name it', async () => {
    rig = await startRig({ sandbox: { seedData: seed } });
    await rig.startWorker();
    const f = files(
      rig,
      'account,operation,orderNumber\nsectigo,sectigo.revokeSSL,9001\nsectigo,sectigo.revokeSSL,9003\n',
    );
    const result = await run(['submit', f.input, '--config', f.config, '--wait'], rig.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/1 revoked, .* 1 dead-lettered/);
    const list = await run(['dlq', 'list', '--config', f.config], rig.env);
    expect(list.stdout).toContain('sectigo~sectigo.revokeSSL~orderNumber~9003');
    expect(list.stdout).toContain('-21');
    const show = await run(
      ['dlq', 'show', 'sectigo~sectigo.revokeSSL~orderNumber~9003', '--config', f.config],
      rig.env,
    );
    expect(JSON.parse(show.stdout)).toMatchObject({
      account: 'sectigo',
      final: { code: '-21' },
      deadLetteredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      attempts: [{ at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }],
    });
  });

  it('exit 2 on an invalid row, naming row and field, and enqueues nothing', async () => {
    rig = await startRig({ sandbox: { seedData: seed } });
    const f = files(
      rig,
      'account,operation,orderNumber\nsectigo,sectigo.revokeSSL,9001\nsectigo,sectigo.revokeSSL,12ab\n',
    );
    const result = await run(['submit', f.input, '--config', f.config], rig.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/row 3, orderNumber:/);
    const status = await run(['account', 'status', '--config', f.config, '--json'], rig.env);
    const sectigo = JSON.parse(status.stdout).find((s: { account: string }) => s.account === 'sectigo');
    expect(sectigo.counts).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
  });

  it('exit 2 on a config with a literal secret, saying what to write instead', async () => {
    rig = await startRig({ sandbox: { seedData: seed } });
    const f = files(rig, 'account,operation,orderNumber\n');
    const config = JSON.parse(readFileSync(f.config, 'utf8'));
    config.accounts.sectigo.credentials.loginPassword = 'hunter2';
    writeFileSync(f.config, JSON.stringify(config));
    const result = await run(['account', 'status', '--config', f.config], rig.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('accounts.sectigo.credentials.loginPassword');
    expect(result.stderr).toContain('{ "env":');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('exit 3 when the account halts; account status shows why; resume lets the kept jobs finish', async () => {
    rig = await startRig({ sandbox: { seedData: seed }, env: { TEST_SECTIGO_PASSWORD: 'wrong-password' } });
    const badWorker = await rig.startWorker();
    const f = files(
      rig,
      'account,operation,orderNumber\nsectigo,sectigo.revokeSSL,9001\nsectigo,sectigo.revokeSSL,9002\n',
    );
    const result = await run(['submit', f.input, '--config', f.config, '--wait'], { ...rig.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/account sectigo is halted: -16/);
    const status = await run(['account', 'status', '--config', f.config], rig.env);
    expect(status.stdout).toMatch(/sectigo \(sectigo\): halted · waiting 2/);

    await badWorker.close();
    await rig.startWorker({ env: { ...rig.env, TEST_SECTIGO_PASSWORD: 'sandbox-sectigo-password' } });
    const resumed = await run(['account', 'resume', 'sectigo', '--config', f.config], rig.env);
    expect(resumed.stdout).toMatch(/account sectigo resumed \(was halted: -16/);
    const batchId = /batch (\S+):/.exec(result.stdout)?.[1] ?? '';
    const deadline = Date.now() + 20_000;
    let counts = { revoked: 0 };
    while (Date.now() < deadline && counts.revoked < 2) {
      counts = JSON.parse(
        (await run(['batch', 'status', batchId, '--config', f.config, '--json'], rig.env)).stdout,
      ).counts;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(counts).toMatchObject({ revoked: 2, 'dead-lettered': 0 });
  });
});
