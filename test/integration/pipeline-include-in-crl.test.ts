/**
 * `sectigo.revokeCertificate` with includeInCRL=N: the vendor marks the certificate "replaced"
 * and does not revoke it or list it on the CRL (vendor notes). It is recorded `marked-replaced`,
 * never `revoked`; a later row with Y for the same certificate is new work that revokes it; and
 * `submit` warns when a key-compromise row says N.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-run.ts';
import {
  type Rig,
  ROOMY_SANDBOX_LIMITS,
  reportOf,
  sectigoOrder,
  startRig,
  waitForFinal,
} from '../support/pipeline.ts';

let rig: Rig | undefined;
let dir: string | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (includeInCRL: 'Y' | 'N', codeReason = '4') => ({
  account: 'sectigo',
  operation: 'sectigo.revokeCertificate',
  orderNumber: '8100',
  serialNumber: 'AB12',
  codeReason,
  includeInCRL,
});

describe('pipeline: includeInCRL=N marks, it does not revoke', () => {
  it('is marked-replaced at the vendor and in the report; a later Y revokes it as new work', async () => {
    rig = await startRig({
      sandbox: {
        rateLimits: ROOMY_SANDBOX_LIMITS,
        seedData: { orders: [sectigoOrder('8100', { serialNumber: 'ab12' })] },
      },
    });
    await rig.startWorker();
    const marked = await rig.revoker.producer.submit(rig.rows([row('N')]));
    expect(await waitForFinal(rig.revoker, marked.batchId)).toMatchObject({
      'marked-replaced': 1,
      revoked: 0,
    });
    const [item] = await reportOf(rig.revoker, marked.batchId);
    expect(item).toMatchObject({
      outcome: 'marked-replaced',
      jobId: 'sectigo~sectigo.revokeCertificate~serialNumber~AB12~noCRL',
    });
    const order = () => rig!.sandbox.state.find('sectigo', '8100');
    expect(order()).toMatchObject({ state: 'marked-replaced', successfulRevokes: 0 });

    const revoked = await rig.revoker.producer.submit(rig.rows([row('Y')]));
    expect(revoked).toMatchObject({ enqueued: 1, alreadyFinished: 0 });
    expect(await waitForFinal(rig.revoker, revoked.batchId)).toMatchObject({ revoked: 1 });
    expect(order()).toMatchObject({ state: 'revoked', successfulRevokes: 1 });
  });

  it('submit warns, before enqueuing, when a key-compromise row says N', async () => {
    rig = await startRig();
    dir = mkdtempSync(join(tmpdir(), 'revoker-crl-'));
    const config = join(dir, 'revoker.config.json');
    writeFileSync(config, JSON.stringify({ redis: rig.config.redis, accounts: rig.config.accounts }));
    const input = join(dir, 'rows.csv');
    writeFileSync(
      input,
      'account,operation,orderNumber,serialNumber,codeReason,includeInCRL\nsectigo,sectigo.revokeCertificate,8100,AB12,1,N\n',
    );
    const { code, text } = await runCli(['submit', input, '--config', config], rig.env);
    expect(code, text).toBe(0);
    expect(text).toMatch(
      /warning: row 2, includeInCRL: N with codeReason 1 \(key compromise\) only marks the certificate replaced[^\n]*\n(.|\n)*account sectigo: 1 real/,
    );
  });
});
