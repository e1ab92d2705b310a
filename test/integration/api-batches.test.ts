/**
 * revoker serve, batches: NDJSON and CSV bodies streamed into the producer and validated exactly
 * like `revoker submit` (all or nothing; 422 with every row error; skipInvalid), the batch's
 * status and its report (JSON and CSV, streamed), and the refusals: 415 for another content type,
 * 413 past api.batchBodyLimitBytes (declared or found while streaming), 400 for a bad parameter,
 * 404 for an unknown batch. Nothing of a refused batch is enqueued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import { eventually, ROOMY_SANDBOX_LIMITS, sectigoOrder } from '../support/pipeline.ts';

let api: ApiRig;
beforeAll(async () => {
  api = await startApiRig({
    sandbox: {
      rateLimits: ROOMY_SANDBOX_LIMITS,
      seedData: {
        orders: ['4301', '4302', '4303', '4311', '4312', '4321', '4322'].map((n) => sectigoOrder(n)),
      },
    },
    apiSettings: { batchBodyLimitBytes: 4096 },
  });
});
afterAll(async () => {
  await api?.close();
});

const row = (orderNumber: string, extra: Record<string, unknown> = {}) => ({
  account: 'sectigo',
  operation: 'sectigo.revokeSSL',
  orderNumber,
  revocationReason: 'key compromise',
  ...extra,
});
const ndjson = (rows: readonly unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const jobIdOf = (orderNumber: string) => `sectigo~sectigo.revokeSSL~orderNumber~${orderNumber}`;

function postBatch(body: string, type: string, query = '') {
  return api.call('POST', `/v1/batches${query}`, {
    token: TOKENS.submit,
    body,
    headers: { 'content-type': type },
  });
}

interface Accepted {
  batchId: string;
  rows: number;
  valid: number;
  invalid: number;
  enqueued: number;
  errors: { row: number; field: string; message: string }[];
}

describe('revoker serve: batches', () => {
  it('takes an NDJSON batch, runs it, and streams its status and report in JSON and CSV', async () => {
    const posted = await postBatch(
      ndjson([row('4301'), row('4302'), row('4303')]),
      'application/x-ndjson',
      '?batchId=api-nd-1',
    );
    expect(posted.status).toBe(202);
    expect(posted.json<Accepted>()).toMatchObject({
      batchId: 'api-nd-1',
      rows: 3,
      valid: 3,
      invalid: 0,
      enqueued: 3,
      errors: [],
      split: [{ account: 'sectigo', real: 3, rehearsal: 0 }],
    });

    await api.rig.startWorker();
    let status: { finished?: boolean; counts?: Record<string, number> } = {};
    await eventually(async () => {
      status = (await api.call('GET', '/v1/batches/api-nd-1', { token: TOKENS.read })).json();
      return status.finished === true;
    }, 'the batch finished');
    expect(status).toMatchObject({
      batchId: 'api-nd-1',
      state: 'submitted',
      rows: 3,
      counts: { total: 3, revoked: 3, 'in-progress': 0 },
    });

    const json = await api.call('GET', '/v1/batches/api-nd-1/report', { token: TOKENS.read });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toContain('application/json');
    const report = json.json<{
      batchId: string;
      counts: { revoked: number };
      items: { row: number; jobId: string; outcome: string }[];
    }>();
    expect(report.batchId).toBe('api-nd-1');
    expect(report.counts.revoked).toBe(3);
    // Row numbers are the body's line numbers.
    expect(report.items.map((i) => [i.row, i.jobId, i.outcome])).toEqual([
      [1, jobIdOf('4301'), 'revoked'],
      [2, jobIdOf('4302'), 'revoked'],
      [3, jobIdOf('4303'), 'revoked'],
    ]);

    const csv = await api.call('GET', '/v1/batches/api-nd-1/report?format=csv', { token: TOKENS.read });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'row,jobId,account,operation,target,outcome,code,message,attempts,finishedAt,newOrderNumber,requestId,confirmed,rehearsal',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      `1,${jobIdOf('4301')}`,
      `2,${jobIdOf('4302')}`,
      `3,${jobIdOf('4303')}`,
    ]);
  });

  it('takes a CSV batch (line numbers count the header), and refuses a batch id that exists', async () => {
    const body =
      'account,operation,orderNumber,revocationReason,#ticket\nsectigo,sectigo.revokeSSL,4311,superseded,T-1\n\nsectigo,sectigo.revokeSSL,4312,superseded,T-2\n';
    const posted = await postBatch(body, 'text/csv; charset=utf-8', '?batchId=api-csv-1&rehearsal=true');
    expect(posted.status).toBe(202);
    expect(posted.json<Accepted>()).toMatchObject({ batchId: 'api-csv-1', rows: 2, valid: 2, enqueued: 2 });
    const items: { row: number; rehearsal: boolean }[] = [];
    for await (const chunk of api.rig.revoker.batches.items('api-csv-1')) items.push(...chunk);
    expect(items.map((i) => [i.row, i.rehearsal])).toEqual([
      [2, true],
      [4, true],
    ]);

    const again = await postBatch(body, 'text/csv', '?batchId=api-csv-1');
    expect(again.status).toBe(422);
    expect(again.json<{ message: string }>().message).toContain('batch api-csv-1 exists already');
  });

  it('refuses a batch with invalid rows as a whole (422, every row error), or skips them with skipInvalid', async () => {
    const rows = ndjson([
      row('4321'),
      row('43x1'),
      { account: 'nope', operation: 'sectigo.revokeSSL', orderNumber: '4323' },
      row('4322'),
    ]);
    const refused = await postBatch(`${rows}not json\n`, 'application/x-ndjson', '?batchId=api-bad-1');
    expect(refused.status).toBe(422);
    const body = refused.json<{
      code: string;
      details: { errors: { row: number; field: string }[]; invalid: number; rows: number };
    }>();
    expect(body.code).toBe('INPUT_ERR_INVALID');
    expect(body.details).toMatchObject({ invalid: 3, rows: 5 });
    expect(body.details.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'orderNumber'],
      [3, 'account'],
      [5, 'json'],
    ]);
    // Nothing enqueued, and the batch id is free again.
    expect(await api.rig.revoker.item(jobIdOf('4321'))).toBeUndefined();
    expect((await api.call('GET', '/v1/batches/api-bad-1', { token: TOKENS.read })).status).toBe(404);

    const skipped = await postBatch(rows, 'application/x-ndjson', '?batchId=api-skip-1&skipInvalid=true');
    expect(skipped.status).toBe(202);
    expect(skipped.json<Accepted>()).toMatchObject({ rows: 4, valid: 2, invalid: 2, enqueued: 2 });
    expect(skipped.json<Accepted>().errors.map((e) => e.row)).toEqual([2, 3]);
    const status = await api.call('GET', '/v1/batches/api-skip-1', { token: TOKENS.read });
    expect(status.json<{ counts: Record<string, number> }>().counts).toMatchObject({
      total: 4,
      'skipped-invalid': 2,
    });

    const header = await postBatch('operation,orderNumber\nsectigo.revokeSSL,4324\n', 'text/csv');
    expect(header.status).toBe(422);
    expect(header.json<{ message: string }>().message).toContain('line 1 (the header) has no account column');

    const count = await postBatch(ndjson([row('4325')]), 'application/x-ndjson', '?expectRows=2');
    expect(count.status).toBe(422);
    expect(count.json<{ message: string }>().message).toContain('--expect-rows 2');
    expect(await api.rig.revoker.item(jobIdOf('4325'))).toBeUndefined();
  });

  it('refuses another content type (415), a body over the limit (413) and bad parameters (400)', async () => {
    const asJson = await postBatch(JSON.stringify([row('4331')]), 'application/json');
    expect(asJson.status).toBe(415);
    expect(asJson.json<{ code: string; message: string }>()).toMatchObject({
      code: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
    });
    expect(asJson.json<{ message: string }>().message).toContain('text/csv');
    const asText = await postBatch(ndjson([row('4331')]), 'text/plain');
    expect(asText.status).toBe(415);

    // Declared too large: refused before a byte is read.
    const rows = ndjson(Array.from({ length: 60 }, (_, i) => row(String(44000 + i))));
    expect(rows.length).toBeGreaterThan(4096);
    const declared = await postBatch(rows, 'application/x-ndjson', '?batchId=api-big-1');
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ code: 'API_ERR_BODY_TOO_LARGE' });

    // Sent in chunks with no length: found too large while streaming, after rows were staged.
    const encoder = new TextEncoder();
    const chunks = rows.match(/[^\n]*\n/g) ?? [];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    });
    const chunked = await fetch(`${api.url}/v1/batches?batchId=api-big-2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.submit}`, 'content-type': 'application/x-ndjson' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as { code: string }).code).toBe('API_ERR_BODY_TOO_LARGE');
    for (const id of ['api-big-1', 'api-big-2']) {
      expect((await api.call('GET', `/v1/batches/${id}`, { token: TOKENS.read })).status).toBe(404);
    }
    expect(await api.rig.revoker.item(jobIdOf('44000'))).toBeUndefined();

    const badFlag = await postBatch(ndjson([row('4331')]), 'application/x-ndjson', '?skipInvalid=yes');
    expect(badFlag.status).toBe(400);
    expect(badFlag.json<{ message: string }>().message).toContain('skipInvalid');
    const badFormat = await api.call('GET', '/v1/batches/api-nd-1/report?format=xml', { token: TOKENS.read });
    expect(badFormat.status).toBe(400);
    expect(badFormat.json()).toMatchObject({ code: 'API_ERR_BAD_REQUEST' });
    expect(badFormat.json<{ message: string }>().message).toContain('query parameter format');
  });

  it('answers 404 for a batch that does not exist, and for its report', async () => {
    for (const path of ['/v1/batches/no-such-batch', '/v1/batches/no-such-batch/report?format=csv']) {
      const answer = await api.call('GET', path, { token: TOKENS.read });
      expect(answer.status).toBe(404);
      expect(answer.json()).toMatchObject({ code: 'API_ERR_NOT_FOUND' });
    }
  });
});
