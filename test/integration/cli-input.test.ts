/**
 * `revoker submit` on inputs that hold no work or are not what they claim: each exits 2 with a
 * message saying what is wrong, and leaves no batch behind (the id stays free).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
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
  let text = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const code = await main(
    ['submit', path, '--config', config, '--batch', `b-${name.replace(/\W/g, '')}`, ...extra],
    {
      env: rig.env,
      stdout: sink,
      stderr: sink,
    },
  );
  return { code, text };
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
});
