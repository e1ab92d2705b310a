/**
 * revoker serve, single items: POST /v1/items followed to its final outcome with a worker
 * running, a repeat that is the same job, the Idempotency-Key (the same answer for a body written
 * differently, 422 for another item, 409 while the first is in flight), and every kind of bad
 * input: 422 naming the field, 400 for a body that is not a JSON object, 415, 413; nothing of a
 * refused request is ever enqueued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemFingerprint } from '../../src/api/routes/items.ts';
import { makeCsr } from '../../src/sandbox/make-csr.ts';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import { eventually, ROOMY_SANDBOX_LIMITS, sectigoOrder } from '../support/pipeline.ts';

let api: ApiRig;
beforeAll(async () => {
  api = await startApiRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: {
        orders: [
          ...['4201', '4202', '4203', '4204', '4206'].map((n) => sectigoOrder(n)),
          sectigoOrder('4205', { product: 'smime' }),
        ],
      },
    },
    apiSettings: { bodyLimitBytes: 2048 },
  });
});
afterAll(async () => {
  await api?.close();
});

const item = (orderNumber: string, extra: Record<string, unknown> = {}) => ({
  account: 'sectigo',
  operation: 'sectigo.revokeSSL',
  orderNumber,
  revocationReason: 'key compromise',
  ...extra,
});
const jobIdOf = (orderNumber: string) => `sectigo~sectigo.revokeSSL~orderNumber~${orderNumber}`;

interface Accepted {
  jobId: string;
  batchId: string;
  outcome: string;
  enqueued: boolean;
  rehearsal: boolean;
}

describe('revoker serve: POST /v1/items', () => {
  it('refuses bad input with the field named, and enqueues nothing of it', async () => {
    const post = (options: Parameters<ApiRig['call']>[2]) =>
      api.call('POST', '/v1/items', { token: TOKENS.submit, ...options });

    // Validated exactly like a row of `revoker submit`: every field named.
    const invalid = await post({
      json: { account: 'nope', operation: 'sectigo.revokeSSL', orderNumber: '4299', codeReasn: '1' },
    });
    expect(invalid.status).toBe(422);
    const body = invalid.json<{ code: string; details: { errors: { row: number; field: string }[] } }>();
    expect(body.code).toBe('INPUT_ERR_INVALID');
    expect(body.details.errors.map((e) => e.field).sort()).toEqual(['account', 'codeReasn']);
    expect(body.details.errors[0]?.row).toBe(1);

    const badParams = await post({ json: item('not-digits', { codeReasn: '1' }) });
    expect(badParams.status).toBe(422);
    expect(
      badParams
        .json<{ details: { errors: { field: string }[] } }>()
        .details.errors.map((e) => e.field)
        .sort(),
    ).toEqual(['codeReasn', 'orderNumber']);

    const nested = await post({ json: item('4298', { revocationReason: { text: 'x' } }) });
    expect(nested.status).toBe(422);
    expect(nested.json<{ message: string }>().message).toContain('revocationReason');

    const unknownOperation = await post({ json: item('4297', { operation: 'sectigo.revokeEverything' }) });
    expect(unknownOperation.status).toBe(422);
    expect(unknownOperation.json<{ message: string }>().message).toContain('operation: unknown operation');

    // Not a JSON object at all: 400.
    const malformed = await post({
      body: '{"account": "sectigo",',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'API_ERR_BAD_REQUEST' });
    const array = await post({ json: [item('4296')] });
    expect(array.status).toBe(400);
    expect(array.json()).toMatchObject({ code: 'API_ERR_BAD_REQUEST' });

    // Wrong or no content type: 415.
    const csv = await post({ body: 'account,operation\n', headers: { 'content-type': 'text/csv' } });
    expect(csv.status).toBe(415);
    expect(csv.json<{ code: string; message: string }>()).toMatchObject({
      code: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
    });
    expect(csv.json<{ message: string }>().message).toContain('application/json');
    const none = await post({});
    expect(none.status).toBe(415);

    // Over api.bodyLimitBytes (2048 here): 413.
    const large = await post({ json: item('4295', { revocationReason: 'x'.repeat(3000) }) });
    expect(large.status).toBe(413);
    expect(large.json()).toMatchObject({ code: 'API_ERR_BODY_TOO_LARGE' });

    for (const orderNumber of ['4299', 'not-digits', '4298', '4297', '4296', '4295']) {
      expect(await api.rig.revoker.item(jobIdOf(orderNumber)), `${orderNumber} enqueued`).toBeUndefined();
    }
    expect(
      await api.rig.revoker.accountQueue('sectigo').getJobCounts('waiting', 'active', 'completed'),
    ).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
    });
  });

  it('answers 404 for an item that does not exist', async () => {
    for (const jobId of [jobIdOf('4290'), 'not-a-job-id']) {
      const answer = await api.call('GET', `/v1/items/${encodeURIComponent(jobId)}`, { token: TOKENS.read });
      expect(answer.status).toBe(404);
      expect(answer.json()).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
    }
  });

  it('takes an item with 202 and follows it to its final outcome; a repeat is the same job', async () => {
    const first = await api.call('POST', '/v1/items', { token: TOKENS.submit, json: item('4201') });
    expect(first.status).toBe(202);
    const accepted = first.json<Accepted>();
    expect(accepted).toMatchObject({
      jobId: jobIdOf('4201'),
      outcome: 'in-progress',
      enqueued: true,
      rehearsal: false,
    });
    expect(accepted.batchId).toMatch(/^lib-api-\d{8}$/);

    // Waiting for a worker: the item is known, in progress.
    const waiting = await api.call('GET', `/v1/items/${accepted.jobId}`, { token: TOKENS.read });
    expect(waiting.status).toBe(200);
    expect(waiting.json()).toMatchObject({ outcome: 'in-progress', attempts: 0 });

    await api.rig.startWorker();
    let final: Record<string, unknown> = {};
    await eventually(async () => {
      final = (await api.call('GET', `/v1/items/${accepted.jobId}`, { token: TOKENS.read })).json();
      return final.outcome === 'revoked';
    }, 'the item revoked');
    expect(final).toMatchObject({
      jobId: accepted.jobId,
      account: 'sectigo',
      operation: 'sectigo.revokeSSL',
      target: 'orderNumber=4201',
      outcome: 'revoked',
      code: '0',
      attempts: 1,
      rehearsal: false,
    });
    expect(typeof final.finishedAt === 'string' && !Number.isNaN(Date.parse(final.finishedAt))).toBe(true);
    // The vendor revoked it once.
    expect(api.rig.sandbox.stats().orders['sectigo:4201']).toMatchObject({
      state: 'revoked',
      successfulRevokes: 1,
    });

    const again = await api.call('POST', '/v1/items', { token: TOKENS.submit, json: item('4201') });
    expect(again.status).toBe(202);
    expect(again.json<Accepted>()).toMatchObject({
      jobId: accepted.jobId,
      outcome: 'revoked',
      enqueued: false,
    });

    const batch = await api.call('GET', `/v1/batches/${accepted.batchId}`, { token: TOKENS.read });
    expect(batch.status).toBe(200);
    expect(batch.json<{ counts: Record<string, number> }>().counts.revoked).toBeGreaterThanOrEqual(1);
  });

  it('says rehearsal: true for an item sent with test=Y, a job of its own beside the real one', async () => {
    const posted = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      json: item('4206', { test: 'Y' }),
    });
    expect(posted.status, posted.text).toBe(202);
    const accepted = posted.json<Accepted>();
    expect(accepted).toMatchObject({ rehearsal: true, enqueued: true });
    expect(accepted.jobId).not.toBe(jobIdOf('4206'));
    expect(accepted.jobId.startsWith(jobIdOf('4206'))).toBe(true);
  });

  it('replaces an S/MIME certificate: the new order number reaches the item', async () => {
    const csr = await makeCsr({ keyType: 'ec-p256' });
    const posted = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      json: {
        account: 'sectigo',
        operation: 'sectigo.replaceSMIME',
        orderNumber: '4205',
        csr: csr.pem,
        revokeOldOrder: 'Y',
      },
    });
    expect(posted.status, posted.text).toBe(202);
    const { jobId } = posted.json<Accepted>();
    expect(jobId).toBe('sectigo~sectigo.replaceSMIME~orderNumber~4205');
    await api.rig.startWorker();
    let item: Record<string, unknown> = {};
    await eventually(async () => {
      item = (await api.call('GET', `/v1/items/${jobId}`, { token: TOKENS.read })).json();
      return item.outcome === 'replaced';
    }, 'the certificate replaced');
    expect(item.newOrderNumber).toMatch(/^\d+$/);
    expect(api.rig.sandbox.controls.order('sectigo', String(item.newOrderNumber))).toMatchObject({
      replaces: '4205',
    });
  });

  it('makes a retry with an Idempotency-Key the same request, refuses the key for another item', async () => {
    const key = 'event-7f3a';
    const first = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': key },
      json: item('4202'),
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const accepted = first.json<Accepted>();
    const listed = await api.rig.revoker.batches.itemCount(accepted.batchId);

    // The same item written differently: fields in another order, spaces, a note column.
    const rewritten = `{ "revocationReason": " key compromise ", "#sentBy": "scanner-2",
      "orderNumber": "4202", "operation": "sectigo.revokeSSL", "account": "sectigo" }`;
    const retry = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
      body: rewritten,
    });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json<Accepted>()).toMatchObject({
      jobId: accepted.jobId,
      batchId: accepted.batchId,
      enqueued: false,
    });
    // Answered from the key: not listed in the batch again.
    expect(await api.rig.revoker.batches.itemCount(accepted.batchId)).toBe(listed);

    // The key for another item: refused, nothing enqueued.
    const other = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': key },
      json: item('4203'),
    });
    expect(other.status).toBe(422);
    expect(other.json()).toMatchObject({ code: 'API_ERR_IDEMPOTENCY_KEY_REUSED' });
    expect(await api.rig.revoker.item(jobIdOf('4203'))).toBeUndefined();

    // The same reason text with other words is another item too.
    const otherReason = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': key },
      json: item('4202', { revocationReason: 'superseded' }),
    });
    expect(otherReason.status).toBe(422);

    // An invalid body under a new key is refused and leaves the key free for the corrected one.
    const bad = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': 'event-8b' },
      json: item('4204', { codeReason: '9' }),
    });
    expect(bad.status).toBe(422);
    const fixed = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': 'event-8b' },
      json: item('4204'),
    });
    expect(fixed.status).toBe(202);
    expect(fixed.json<Accepted>().jobId).toBe(jobIdOf('4204'));
  });

  it('answers 409 while a request with the same key and item is still being handled', async () => {
    const body = item('4203');
    const checked = api.rig.revoker.producer.validate(body);
    if (!checked.ok) throw new Error('the test item should be valid');
    // Another request holds the key: claimed, not yet answered.
    const claim = await api.rig.revoker
      .idempotency(60)
      .claim('event-in-flight', itemFingerprint(checked.item));
    expect(claim.status).toBe('claimed');
    const answer = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': 'event-in-flight' },
      json: body,
    });
    expect(answer.status).toBe(409);
    expect(answer.json()).toMatchObject({ code: 'API_ERR_IDEMPOTENCY_IN_FLIGHT' });
    expect(await api.rig.revoker.item(jobIdOf('4203'))).toBeUndefined();

    const badKey = await api.call('POST', '/v1/items', {
      token: TOKENS.submit,
      headers: { 'idempotency-key': 'with spaces in it' },
      json: body,
    });
    expect(badKey.status).toBe(400);
    expect(badKey.json<{ message: string }>().message).toContain('idempotency-key');
  });
});
