/**
 * The inbox's live stream on both engines: an open page gets `event: ticket` with the number and id of a
 * ticket of its workspace that changed (a NOTIFY from the tickets trigger, whichever process wrote it),
 * and nothing of another workspace's tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/modules/support/ticket-view.js';
import { ENGINES } from '../support/databases.js';
import { openDesk, signInOther, type Desk } from './api-helpers.js';

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`help-desk live stream: ${engine.title}`, () => {
    let desk: Desk;
    beforeAll(async () => {
      desk = await openDesk(engine);
      await desk.t.app.listen({ port: 0, host: '127.0.0.1' });
    }, 240_000);
    afterAll(async () => desk?.close());

    it('pushes a change of a ticket of the workspace, and none of another workspace', async () => {
      const mine = await desk.open({
        title: 'Watch me',
        text: 'watch',
        requester: { email: `sse-${engine.name}@shop.test` },
      });
      const other = await signInOther(desk, 'sofacover');
      const theirs = (
        await other.call('POST', '/tickets', {
          title: 'Not yours',
          text: 'x',
          requester: { email: 'x@sofa.test' },
        })
      ).json<TicketView>();
      const { port } = desk.t.app.server.address() as { port: number };
      const controller = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}${desk.url('/tickets/stream')}`, {
        headers: { cookie: desk.headers.cookie! },
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let received = '';
      // The first bytes (`retry:`) mean the subscription is in place.
      while (!received.includes('retry:')) {
        const { value, done } = await reader.read();
        if (done) break;
        received += new TextDecoder().decode(value);
      }
      expect(
        (await other.call('PATCH', `/tickets/${theirs.number}`, { title: 'Still not yours' })).statusCode,
      ).toBe(200);
      expect((await desk.call('PATCH', `/tickets/${mine.number}`, { title: 'Watched' })).statusCode).toBe(
        200,
      );
      while (!received.includes(`"number":${mine.number}`)) {
        const { value, done } = await reader.read();
        if (done) break;
        received += new TextDecoder().decode(value);
      }
      controller.abort();
      expect(received).toContain(`event: ticket\ndata: {"number":${mine.number},"id":"${mine.id}"}`);
      expect(received).not.toContain(theirs.id);
    });

    it('refuses the stream without a session', async () => {
      const r = await desk.t.app.inject({ url: desk.url('/tickets/stream') });
      expect(r.statusCode).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
    });
  });
}
