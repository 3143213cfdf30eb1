/**
 * The HTTP intake (`POST …/inbound/email`, raw `message/rfc822`) on both engines with the demo: an
 * ingest token posts a customer's mail and gets the ticket; a redelivery is the same message; bad input
 * gets a precise problem (415 for another content type, 413 over the size limit, 422 for mail with no
 * From) and stores nothing; another workspace's token gets 404 and a read token 403.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { tickets } from '../../src/store/schema.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { mime } from './mail-fixtures.js';

const MAX_BYTES = 64 * 1024;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`HTTP mail intake: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let shop: string;
    let sofa: string;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({ OPSBOOK_SUPPORT_MAX_BYTES: String(MAX_BYTES) }, { database: opened.database });
      const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      const other = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD, '10.2.0.1');
      shop = owner.me.workspaces[0]!.id;
      sofa = other.me.workspaces[0]!.id;
      const mint = async (session: typeof owner, ws: string, scope: string) => {
        const r = await t.app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}/tokens`,
          headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
          payload: { name: `mail-${scope}`, scope },
        });
        expect(r.statusCode).toBe(201);
        return r.json<{ token: string }>().token;
      };
      tokens.ingest = await mint(owner, shop, 'ingest');
      tokens.read = await mint(owner, shop, 'read');
      tokens.otherIngest = await mint(other, sofa, 'ingest');
    });
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    const post = (
      body: Buffer | string,
      token = tokens.ingest!,
      type = 'message/rfc822',
      ws = shop,
      query = '',
    ) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/inbound/email${query}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        payload: body,
      });
    const ticketCount = async () =>
      (await opened.database.inWorkspace(shop, (tx) => tx.select({ n: count() }).from(tickets)))[0]!.n;

    it('turns a posted message into a ticket, once', async () => {
      const raw = mime({ from: 'Asha <asha@shop.test>', subject: 'Invoice missing' });
      const r = await post(raw);
      expect(r.statusCode).toBe(202);
      const body = r.json<{ ticket: number; message: string; created: boolean }>();
      expect(body).toMatchObject({ created: true, acknowledged: true, quarantined: null });
      expect(body.message).toMatch(/^tm_/);
      const again = await post(raw);
      expect(again.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ ticket: body.ticket, message: body.message, created: false });
      const to = await post(
        mime({ from: 'asha@shop.test', subject: 'Via address' }),
        tokens.ingest,
        undefined,
        shop,
        '?to=ShopSmart@support.localhost',
      );
      expect(to.statusCode).toBe(202);
    });

    it('refuses bad input with a precise problem and stores nothing', async () => {
      const before = await ticketCount();
      const json = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${shop}/inbound/email`,
        headers: { authorization: `Bearer ${tokens.ingest}` },
        payload: { raw: 'From: a@b.test' },
      });
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({ code: 'OPS_UNSUPPORTED_MEDIA_TYPE' });
      expect((await post('From: a@b.test\r\n\r\nx', tokens.ingest, 'text/plain')).statusCode).toBe(415);
      const big = await post(mime({ text: 'x'.repeat(MAX_BYTES + 10) }));
      expect(big.statusCode).toBe(413);
      expect(big.json()).toMatchObject({ code: 'OPS_BODY_TOO_LARGE' });
      const anonymous = await post('Subject: Who?\r\n\r\nNobody');
      expect(anonymous.statusCode).toBe(422);
      expect(anonymous.json()).toMatchObject({
        code: 'OPS_MAIL_REFUSED',
        detail: 'The message was refused: it has no From address.',
      });
      const elsewhere = await post(
        mime({}),
        tokens.ingest,
        undefined,
        shop,
        '?to=sofacover@support.localhost',
      );
      expect(elsewhere.statusCode).toBe(400);
      expect(await ticketCount()).toBe(before);
    });

    it("answers 404 to another workspace's token and 403 to a read token", async () => {
      const before = await ticketCount();
      const other = await post(mime({}), tokens.otherIngest);
      expect(other.statusCode).toBe(404);
      const read = await post(mime({}), tokens.read);
      expect(read.statusCode).toBe(403);
      expect(await ticketCount()).toBe(before);
    });
  });
}
