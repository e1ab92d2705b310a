/**
 * revoker serve, its self-description and health: /openapi.json is generated from the routes'
 * zod schemas (every route and method is in it, with the error shape and the bearer scheme), the
 * reference page is served with every asset from this server, /livez and /readyz answer, and
 * /readyz says 503 when Redis stops answering (a real redis-server, killed). Unknown routes are
 * 404 in the one error shape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../src/api/start-api.ts';
import { parseConfig } from '../../src/config.ts';
import { type ApiRig, startApiRig, TOKENS } from '../support/api.ts';
import { eventually, silentLogger } from '../support/pipeline.ts';
import { type RedisProcess, startRedisServer } from '../support/redis-server.ts';

let api: ApiRig | undefined;
let redis: RedisProcess | undefined;
let server: RunningApi | undefined;
afterEach(async () => {
  await api?.close();
  await server?.close().catch(() => {});
  await redis?.stop().catch(() => {});
  api = redis = server = undefined;
});

const ROUTES: [string, string][] = [
  ['post', '/v1/items'],
  ['get', '/v1/items/{jobId}'],
  ['post', '/v1/batches'],
  ['get', '/v1/batches/{id}'],
  ['get', '/v1/batches/{id}/report'],
  ['get', '/v1/dead-letter'],
  ['post', '/v1/dead-letter/{jobId}/replay'],
  ['post', '/v1/dead-letter/replay'],
  ['get', '/v1/accounts'],
  ['post', '/v1/accounts/{name}/resume'],
  ['get', '/livez'],
  ['get', '/readyz'],
  ['get', '/metrics'],
];

interface OpenApi {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown;
        responses: Record<string, unknown>;
        requestBody?: { content: Record<string, unknown> };
      }
    >
  >;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes: Record<string, unknown>;
  };
}

describe('revoker serve: OpenAPI, reference page, health', () => {
  it('generates /openapi.json from the routes: every route, the error shape, bearer auth', async () => {
    api = await startApiRig();
    const answer = await api.call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.json<OpenApi>();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => [m, path]),
    );
    expect(documented.sort()).toEqual([...ROUTES].sort());
    // Schemas come from the zod schemas the routes validate with.
    expect(doc.components.schemas.ItemRequest?.required).toEqual(['account', 'operation']);
    expect(Object.keys(doc.components.schemas.Error?.properties ?? {})).toEqual(
      expect.arrayContaining(['statusCode', 'code', 'error', 'message', 'requestId']),
    );
    expect(doc.components.schemas.ReportItem?.required).toContain('outcome');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/items']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths['/v1/items']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '401', '403', '413', '415', '422']),
    );
    expect(Object.keys(doc.paths['/v1/batches']?.post?.requestBody?.content ?? {})).toEqual(
      expect.arrayContaining(['application/x-ndjson', 'text/csv']),
    );
    expect(doc.paths['/livez']?.get?.security).toBeUndefined();
  });

  it('serves the API reference page with every asset from this server', async () => {
    api = await startApiRig();
    const page = await api.call('GET', '/docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset, 'an external asset').not.toMatch(/^(https?:)?\/\//);
      const loaded = await api.call('GET', new URL(asset, `${api.url}/docs/`).pathname);
      expect(loaded.status, asset).toBe(200);
    }
    const init = await api.call('GET', '/docs/static/swagger-initializer.js');
    expect(init.text).toContain('validatorUrl: null');
  });

  it('answers /livez and /readyz, then 503 on /readyz when Redis stops answering; unknown routes 404', async () => {
    // A Redis of this test's own, to kill.
    redis = await startRedisServer();
    const config = parseConfig(
      {
        redis: { url: redis.url, prefix: 'revoker-readyz' },
        api: { port: 0, tokens: [{ name: 'viewer', token: { env: 'VIEWER_TOKEN' }, scopes: ['read'] }] },
      },
      {},
    );
    server = await startApi({ config, env: { VIEWER_TOKEN: TOKENS.read }, logger: silentLogger() });
    expect(await (await fetch(`${server.url}/livez`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({
      status: 'ready',
      redis: 'ok',
      config: 'loaded',
    });
    const missing = await fetch(`${server.url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      code: 'API_ERR_NOT_FOUND',
      message: 'no route GET /v2/nothing',
    });

    await redis.kill();
    let answer: Response | undefined;
    await eventually(async () => {
      answer = await fetch(`${server!.url}/readyz`);
      return answer.status === 503;
    }, '/readyz to say not ready');
    expect(await answer?.json()).toMatchObject({ status: 'not-ready', config: 'loaded' });
    // Alive all the same: restarting the server would not bring Redis back.
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
  });
});
