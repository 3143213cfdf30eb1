/**
 * What never reaches a route still gets a problem document: a URL that cannot be decoded, bytes that are
 * not HTTP, headers over Node's limit. Sent over a real socket where inject() cannot express it.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';

function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('client errors', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await buildTestApp({}, { demo: false });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => t?.close());

  it('answers a URL that cannot be decoded with OPS_BAD_REQUEST', async () => {
    const r = await t.app.inject({ url: '/api/v1/workspaces/%E0%A4%A' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ code: 'OPS_BAD_REQUEST' });
  });

  it('answers bytes that are not HTTP with a problem and closes the connection', async () => {
    const response = await rawExchange(port, 'HELLO THERE\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(response).toContain('application/problem+json');
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'OPS_BAD_REQUEST',
    });
  });

  it('answers oversized headers with 431', async () => {
    const response = await rawExchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(response).toContain('OPS_HEADERS_TOO_LARGE');
  });

  it('keeps serving afterwards', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
