/**
 * `revoker submit` on inputs that hold no work or are not what they claim: each exits 2 with a
 * message saying what is wrong, and leaves no batch behind (the id stays free).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-run.ts';
import { type Rig, startRig } from '../support/pipeline.ts';

let rig: Rig;
let dir: string;
let config: string;
beforeAll(async () => {
  rig = await startRig();
  dir = mkdtempSync(join(tmpdir(), 'revoker-cli-input-'));
  config = join(dir, 'revoker.config.json');
  writeFileSync(config, JSON.stringify({ redis: rig.config.redis, accounts: rig.config.accounts }));
});
afterAll(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

async function submit(name: string, content: string | Uint8Array, ...extra: string[]) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return runCli(
    ['submit', path, '--config', config, '--batch', `b-${name.replace(/\W/g, '')}`, ...extra],
    rig.env,
  );
}

const ROW = 'sectigo,sectigo.revokeSSL,1234';

describe('revoker submit: inputs with no work in them', () => {
  it.each([
    ['an empty file', 'empty.csv', '', /no data rows/],
    ['a BOM alone', 'bom.csv', '\uFEFF', /no data rows/],
    ['a header alone', 'header.csv', 'account,operation,orderNumber\n', /no data rows/],
    ['an empty JSONL file', 'empty.jsonl', '\n\n', /no data rows/],
    ['NUL bytes', 'nul.csv', new Uint8Array(64), /has no account or operation column/],
    [
      'a header without account and operation',
      'cols.csv',
      `order,number\n1,2\n`,
      /has no account or operation column/,
    ],
    [
      'a semicolon-separated file',
      'semi.csv',
      `account;operation;orderNumber\nsectigo;sectigo.revokeSSL;1\n`,
      /looks semicolon-separated/,
    ],
  ])('%s exits 2 and leaves no batch', async (_what, name, content, message) => {
    const result = await submit(name, content);
    expect(result.code, result.text).toBe(2);
    expect(result.text).toMatch(message);
    expect(await rig.revoker.batches.meta(`b-${name.replace(/\W/g, '')}`)).toBeUndefined();
  });

  it('--expect-rows: a count that does not match is an error, nothing is enqueued', async () => {
    const short = await submit('short.csv', `account,operation,orderNumber\n${ROW}\n`, '--expect-rows', '2');
    expect(short.code).toBe(2);
    expect(short.text).toMatch(/--expect-rows 2: the input has 1 data rows/);
    const exact = await submit('exact.csv', `account,operation,orderNumber\n${ROW}\n`, '--expect-rows', '1');
    expect(exact.code, exact.text).toBe(0);
  });

  it('a batch id that exists already exits 2', async () => {
    const first = await submit('again.csv', `account,operation,orderNumber\n${ROW}5\n`);
    expect(first.code, first.text).toBe(0);
    const second = await submit('again.csv', `account,operation,orderNumber\n${ROW}5\n`);
    expect(second.code).toBe(2);
    expect(second.text).toMatch(/exists already \(submitted\): choose another --batch id/);
  });

  it.each([
    [
      'a deeply nested JSON value',
      'deep.jsonl',
      `{"account":"sectigo","operation":"sectigo.revokeSSL","orderNumber":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`,
      /row 1, orderNumber: is nested too deeply/,
    ],
    [
      'a duplicate JSONL key',
      'dup.jsonl',
      '{"account":"sectigo","operation":"sectigo.revokeSSL","orderNumber":"1","orderNumber":"2"}\n',
      /row 1, orderNumber: appears twice in this object/,
    ],
    [
      'a 100,000-digit orderNumber',
      'long.csv',
      `account,operation,orderNumber\nsectigo,sectigo.revokeSSL,${'9'.repeat(100_000)}\n`,
      /orderNumber must be at most 128 digits/,
    ],
    [
      '"constructor" as an account',
      'proto.csv',
      'account,operation,orderNumber\nconstructor,sectigo.revokeSSL,1\n',
      /unknown account "constructor"/,
    ],
    [
      '"toString" as an account',
      'proto2.csv',
      'account,operation,orderNumber\ntoString,sectigo.revokeSSL,1\n',
      /unknown account "toString"/,
    ],
  ])('%s is a row error, exit 2, no stack trace', async (_what, name, content, message) => {
    const result = await submit(name, content);
    expect(result.code, result.text).toBe(2);
    expect(result.text).toMatch(message);
    expect(result.text).not.toMatch(/\n\s+at /);
  });

  it('--report into a directory that does not exist is refused before anything is enqueued', async () => {
    const result = await submit(
      'rep.csv',
      `account,operation,orderNumber\n${ROW}7\n`,
      '--report',
      join(dir, 'nope', 'r.json'),
    );
    expect(result.code).toBe(2);
    expect(result.text).toMatch(
      /--report: cannot write .*nope.*not a writable directory \(ENOENT\); nothing was enqueued/,
    );
    expect(await rig.revoker.batches.meta('b-repcsv')).toBeUndefined();
  });

  it('batch report into a reader that stops early (| head) ends quietly with exit 0', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `sectigo,sectigo.revokeSSL,${20_000 + i}`).join('\n');
    expect((await submit('many.csv', `account,operation,orderNumber\n${rows}\n`)).code).toBe(0);
    const child = spawn(
      process.execPath,
      ['src/cli/main.ts', 'batch', 'report', 'b-manycsv', '--config', config],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, ...rig.env, REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Read the first chunk, then close the pipe as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});
