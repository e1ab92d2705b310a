/**
 * `revoker batch report` streams: written to a reader that does not read (a paused pipe, a slow
 * ssh session), it stops after about one chunk of items and waits for `drain`, instead of
 * reading the whole batch into the stream's buffer. Checked on the writable's own state, with no
 * timing: the report either waits on `drain` or finishes having buffered everything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runCli, textSink } from '../support/cli-run.ts';
import { type Rig, startRig } from '../support/pipeline.ts';

const ITEMS = 5000;
const BATCH = 'b-report-stream';

let rig: Rig;
let dir: string;
let config: string;
beforeAll(async () => {
  rig = await startRig();
  dir = mkdtempSync(join(tmpdir(), 'revoker-report-stream-'));
  config = join(dir, 'revoker.config.json');
  writeFileSync(config, JSON.stringify({ redis: rig.config.redis, accounts: rig.config.accounts }));
  const rows = Array.from({ length: ITEMS }, (_, i) => `sectigo,sectigo.revokeSSL,${30_000 + i}`).join('\n');
  const input = join(dir, 'items.csv');
  writeFileSync(input, `account,operation,orderNumber\n${rows}\n`);
  const submitted = await runCli(['submit', input, '--config', config, '--batch', BATCH], rig.env);
  expect(submitted.code, submitted.text).toBe(0);
}, 60_000);
afterAll(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A writable that takes its first chunk and then does not call back until released. */
function stalledReader() {
  const chunks: Buffer[] = [];
  let held: (() => void) | undefined;
  let released = false;
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      if (released) callback();
      else held = () => callback();
    },
  });
  return {
    stream,
    text: () => Buffer.concat(chunks).toString(),
    release() {
      released = true;
      held?.();
    },
  };
}

describe('revoker batch report to a reader that does not read', () => {
  it.each(['json', 'csv'])(
    '%s: waits for drain after about one chunk, then writes the whole report',
    async (format) => {
      const reader = stalledReader();
      const stderr = textSink();
      let settled = false;
      const run = main(['batch', 'report', BATCH, '--config', config, '--format', format], {
        env: rig.env,
        stdout: reader.stream,
        stderr: stderr.stream,
      }).finally(() => {
        settled = true;
      });
      // Either the report waits on the reader, or (without back-pressure) it finishes into the buffer.
      while (!settled && reader.stream.listenerCount('drain') === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(settled).toBe(false);
      const buffered = reader.stream.writableLength;

      reader.release();
      expect(await run, stderr.text()).toBe(0);
      const whole = reader.text();
      // A chunk is 1,000 of the 5,000 items; everything buffered would be the whole report.
      expect(buffered).toBeGreaterThan(0);
      expect(buffered).toBeLessThan(whole.length * 0.4);
      if (format === 'json') {
        const report = JSON.parse(whole) as { counts: { total: number }; items: unknown[] };
        expect(report.counts.total).toBe(ITEMS);
        expect(report.items).toHaveLength(ITEMS);
      } else {
        expect(whole.trimEnd().split('\n')).toHaveLength(ITEMS + 1);
      }
    },
  );
});
