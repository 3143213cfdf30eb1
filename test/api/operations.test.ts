/** /healthz, /readyz, /metrics and the OpenAPI document, through inject(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/store/pglite.js';
import { buildTestApp, type TestApp } from '../support/app.js';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('answers /healthz', async () => {
    const r = await t.app.inject({ url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', version: 'test' });
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ready', engine: 'pglite' });
  });

  it('serves Prometheus metrics, counting requests by route', async () => {
    await t.app.inject({ url: '/healthz' });
    const r = await t.app.inject({ url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.body).toMatch(/opsbook_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(r.body).toContain('opsbook_process_resident_memory_bytes');
  });

  it('publishes an OpenAPI 3.1 document covering every API route', async () => {
    const r = await t.app.inject({ url: '/api/openapi.json' });
    const doc = r.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/auth/sign-in',
        '/api/v1/auth/sign-out',
        '/api/v1/me',
        '/api/v1/me/workspace',
        '/api/v1/workspaces',
        '/api/v1/workspaces/{workspaceId}',
        '/healthz',
        '/metrics',
        '/readyz',
      ].sort(),
    );
    const signIn = doc.paths['/api/v1/auth/sign-in']!.post as { requestBody: { content: Record<string, { schema: { additionalProperties: unknown; required: string[] } }> } };
    expect(signIn.requestBody.content['application/json']!.schema).toMatchObject({ additionalProperties: false, required: ['email', 'password'] });
  });

  it('says shutting down on /readyz once SIGTERM arrived, so load balancers drain it', async () => {
    t.lifecycle.shuttingDown = true;
    const r = await t.app.inject({ url: '/readyz' });
    t.lifecycle.shuttingDown = false;
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'OPS_SHUTTING_DOWN', retryable: true });
  });
});

describe('readiness when something is wrong', () => {
  it('is not ready while migrations are pending', async () => {
    const t = await buildTestApp({}, { database: await openPglite({ migrate: false }), demo: false });
    try {
      const r = await t.app.inject({ url: '/readyz' });
      expect(r.statusCode).toBe(503);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({ code: 'OPS_NOT_READY', detail: expect.stringContaining('0 of 2 migrations applied') });
    } finally {
      await t.close();
    }
  });

  it('is not ready, and does not crash, when the database is gone', async () => {
    const t = await buildTestApp({}, { demo: false });
    await t.database.close();
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'OPS_DATABASE_UNAVAILABLE' });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await t.app.close();
  });
});
