/**
 * `revoker webhooks test | failed | retry` through the CLI runner, against real receivers on
 * loopback, with a worker delivering from Redis for the failed-list case.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRevoker } from '../../src/open-revoker.ts';
import { runWorker } from '../../src/run-worker.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { runCli } from '../support/cli-run.ts';
import { eventually, revokeSslRow, sectigoOrder, silentLogger, TEST_ENV } from '../support/pipeline.ts';
import { startReceiver, verifiesWith } from '../support/webhook-receiver.ts';
import { deleteKeys, teardownStack, writeWorkerConfig } from '../support/worker-process.ts';

const teardown = teardownStack();
afterEach(() => teardown.run());

async function setup(webhooks: (urls: { ok: string; failing: string }) => unknown[], failing: () => number) {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const ok = await startReceiver();
  teardown.defer(() => ok.close());
  const bad = await startReceiver(failing);
  teardown.defer(() => bad.close());
  const sandbox = await startSandbox({ seedData: { orders: [sectigoOrder('8701')] } });
  teardown.defer(() => sandbox.close());
  const dir = await mkdtemp(join(tmpdir(), 'revoker-webhooks-cli-'));
  teardown.defer(() => rm(dir, { recursive: true, force: true }));
  const prefix = `revoker-whcli-${randomUUID().slice(0, 8)}`;
  const { file, config } = await writeWorkerConfig({
    dir,
    sandbox,
    redisUrl: inject('redisUrl'),
    prefix,
    extra: { webhooks: webhooks({ ok: ok.url, failing: bad.url }) },
  });
  const env = { ...TEST_ENV, TEST_WEBHOOK_SECRET: secret, TEST_SHORT_SECRET: 'too-short' };
  const revoker = await openRevoker(config);
  teardown.defer(() => revoker.close());
  teardown.defer(() => deleteKeys(revoker.redis, prefix));
  return { secret, ok, bad, file, config, env, revoker };
}

const hook = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  url,
  secret: { env: 'TEST_WEBHOOK_SECRET' },
  events: ['item.finished'],
  ...extra,
});

describe('revoker webhooks', () => {
  it('test NAME sends a signed test event and prints the answer; a failing receiver exits 1', async () => {
    const s = await setup(
      (u) => [
        hook('siem', u.ok),
        hook('down', u.failing),
        hook('short', u.ok, { secret: { env: 'TEST_SHORT_SECRET' } }),
      ],
      () => 503,
    );
    const ok = await runCli(['webhooks', 'test', 'siem', '--config', s.file], s.env);
    expect(ok.code, ok.text).toBe(0);
    expect(ok.text).toMatch(
      /webhook siem: POST http:\/\/127\.0\.0\.1:\d+ → 204 in \d+ ms \(event evt_[0-9a-f]{32}, webhook\.test\)/,
    );
    expect(s.ok.received).toHaveLength(1);
    const [request] = s.ok.received;
    expect(request?.json).toMatchObject({ type: 'webhook.test', data: { webhook: 'siem' } });
    expect(verifiesWith(s.secret, request!)).toBe(true);
    expect(ok.text).not.toContain(s.secret.slice(6));
    expect(ok.text).not.toContain('/hooks/revoker');

    const down = await runCli(['webhooks', 'test', 'down', '--config', s.file], s.env);
    expect(down.code).toBe(1);
    expect(down.text).toContain('→ 503');
    expect(down.text).toContain('did not answer 2xx');

    const unknown = await runCli(['webhooks', 'test', 'nope', '--config', s.file], s.env);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('no webhook nope in the config (configured: siem, down, short)');

    const short = await runCli(['webhooks', 'test', 'short', '--config', s.file], s.env);
    expect(short.code).toBe(2);
    expect(short.text).toContain('webhooks.short.secret: the key has 9 bytes, fewer than the 24');
    expect(short.text).not.toContain('too-short');
  });

  it('failed lists deliveries whose attempts are spent; retry --all sends them again with the same id', async () => {
    let receiverUp = false;
    const s = await setup(
      (u) => [hook('later', u.failing, { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } })],
      () => (receiverUp ? 200 : 500),
    );
    // A worker without the secret refuses to start, naming the field, never a value.
    const { TEST_WEBHOOK_SECRET: _, ...withoutSecret } = s.env;
    await expect(runWorker({ config: s.config, env: withoutSecret, logger: silentLogger() })).rejects.toThrow(
      'webhooks.later.secret: environment variable TEST_WEBHOOK_SECRET is not set or empty',
    );
    const pool = await runWorker({
      config: s.config,
      env: s.env,
      logger: silentLogger(),
      tuning: { shutdownGraceMs: 5000, batchWatchIntervalMs: 100 },
    });
    teardown.defer(() => pool.close());
    await s.revoker.producer.submit([{ rowNumber: 2, raw: revokeSslRow('8701') }]);
    let listed = '';
    await eventually(async () => {
      listed = (await runCli(['webhooks', 'failed', '--config', s.file], s.env)).text;
      return listed.includes('1 failed deliveries');
    }, 'the delivery in the failed list');
    expect(listed).toMatch(
      /^later~evt_[0-9a-f]{32} {2}item\.finished {2}2 attempts, last \S+: webhook later: http:\/\/127\.0\.0\.1:\d+ answered 500$/m,
    );
    expect(s.bad.received).toHaveLength(2);

    receiverUp = true;
    const retried = await runCli(['webhooks', 'retry', '--all', '--config', s.file], s.env);
    expect(retried.code, retried.text).toBe(0);
    expect(retried.text).toContain('1 deliveries sent again');
    await eventually(async () => s.bad.accepted().length === 1, 'the delivery accepted after the retry');
    expect(new Set(s.bad.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const after = await runCli(['webhooks', 'failed', '--config', s.file], s.env);
    expect(after.text).toContain('0 failed deliveries');

    const bad = await runCli(['webhooks', 'retry', '--config', s.file], s.env);
    expect(bad.code).toBe(2);
  });
});
