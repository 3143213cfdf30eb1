/**
 * The help desk's SMTP listener with a real client (swaks), on both engines and the demo workspaces:
 * mail to `shopsmart@support.localhost` opens a ticket and a reply threads onto it (issue 7, "Done
 * when"); an unknown recipient, a message with no From and a 50 MB attachment are refused with the SMTP
 * code that fits and nothing is stored; a database that is gone answers 451 (try later) and the process
 * keeps serving.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLog } from '../../src/engine/log.js';
import { startSupportSmtp, type RunningSupportSmtp } from '../../src/intake/support-smtp.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import { supportContext } from '../../src/modules/support/context.js';
import { findMailTarget } from '../../src/modules/support/mail-intake.js';
import type { Database } from '../../src/store/database.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { ticketMessages, tickets, workspaces } from '../../src/store/schema.js';
import {
  createPostgresDatabase,
  ENGINES,
  type EngineUnderTest,
  type OpenedDatabase,
} from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import { converse, swaks } from './smtp-client.js';

const DOMAIN = 'support.localhost';
const MAX_BYTES = 25 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'opsbook-mail-'));

function listen(database: Database): Promise<RunningSupportSmtp> {
  return startSupportSmtp({
    support: supportContext({ database, now: () => new Date(), config: loadConfig({}) }),
    log: silentLog,
    host: '127.0.0.1',
    port: 0,
    domain: DOMAIN,
    maxBytes: MAX_BYTES,
  });
}

/** A database of its own for the failure test, closed under the listener (and dropped afterwards). */
async function disposable(engine: EngineUnderTest): Promise<{ database: Database; drop(): Promise<void> }> {
  if (engine.name === 'pglite') return { database: await openPglite(), drop: async () => undefined };
  const created = await createPostgresDatabase();
  await created.migrate();
  return {
    database: await openPostgres({ url: created.appUrl, poolMax: 2, migrate: false }),
    drop: created.drop,
  };
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`support SMTP listener: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let smtp: RunningSupportSmtp;
    let shop: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      await loadDemo(database, new Date());
      shop = (await findMailTarget(database, `shopsmart@${DOMAIN}`, DOMAIN))!.workspaceId;
      smtp = await listen(database);
    });
    afterAll(async () => {
      await smtp?.stop();
      await opened?.close();
    });

    const ticketCount = async () =>
      (await database.inWorkspace(shop, (tx) => tx.select({ n: count() }).from(tickets)))[0]!.n;
    const numberIn = (replies: string[]) => {
      const ok = replies.find((r) => r.startsWith('250 OK: #'));
      if (!ok) throw new Error(`not stored: ${replies.join(' | ')}`);
      return Number(/#(\d+)/.exec(ok)![1]);
    };

    it('opens a ticket from mail sent with swaks, and threads a reply to it', async () => {
      const id = `<swaks-${engine.name}-${Date.now()}@shop.test>`;
      const first = await swaks(smtp.port, [
        ...['--to', `shopsmart@${DOMAIN}`, '--from', 'ravi@shop.test'],
        ...['--header', 'Subject: Payment page shows an error', '--header', `Message-Id: ${id}`],
        ...['--body', 'I cannot pay my invoice.'],
      ]);
      const number = numberIn(first);
      const [row] = await database.inWorkspace(shop, (tx) =>
        tx.select().from(tickets).where(eq(tickets.number, number)),
      );
      expect(row).toMatchObject({
        title: 'Payment page shows an error',
        requesterEmail: 'ravi@shop.test',
        channel: 'email',
      });
      const reply = await swaks(smtp.port, [
        ...['--to', `ShopSmart@${DOMAIN}`, '--from', 'ravi@shop.test'],
        ...['--header', 'Subject: Re: Payment page shows an error', '--header', `In-Reply-To: ${id}`],
        ...['--body', 'Still failing.'],
      ]);
      expect(numberIn(reply)).toBe(number);
      const texts = await database.inWorkspace(shop, (tx) =>
        tx
          .select({ text: ticketMessages.bodyText })
          .from(ticketMessages)
          .where(eq(ticketMessages.ticketId, row!.id)),
      );
      expect(texts.map((t) => t.text)).toEqual(
        expect.arrayContaining(['I cannot pay my invoice.', 'Still failing.']),
      );
    });

    it('refuses an unknown recipient with 550 and a reason', async () => {
      const before = await ticketCount();
      const replies = await swaks(smtp.port, ['--to', `nobody@${DOMAIN}`, '--from', 'ravi@shop.test']);
      expect(replies).toContainEqual(expect.stringMatching(/^550 .*No help desk receives mail at <nobody@/));
      expect(await ticketCount()).toBe(before);
    });

    it('refuses a message with no From', async () => {
      const file = join(dir, `no-from-${engine.name}.eml`);
      writeFileSync(file, 'To: shopsmart@support.localhost\r\nSubject: Anonymous\r\n\r\nWho am I?\r\n');
      const before = await ticketCount();
      const replies = await swaks(smtp.port, [
        '--to',
        `shopsmart@${DOMAIN}`,
        '--from',
        'ravi@shop.test',
        '--data',
        `@${file}`,
      ]);
      expect(replies).toContainEqual('550 Message refused: it has no From address');
      expect(await ticketCount()).toBe(before);
    });

    it('refuses a 50 MB attachment with 552 and stores nothing', async () => {
      const file = join(dir, `big-${engine.name}.bin`);
      writeFileSync(file, Buffer.alloc(50 * 1024 * 1024, 1));
      const before = await ticketCount();
      const replies = await swaks(smtp.port, [
        ...['--to', `shopsmart@${DOMAIN}`, '--from', 'ravi@shop.test'],
        ...['--header', 'Subject: Huge screenshot', '--attach', `@${file}`],
      ]);
      expect(replies).toContainEqual(expect.stringMatching(/^552 /));
      expect(await ticketCount()).toBe(before);
      // A client that declares its size up front is refused before it sends anything.
      const { greeting, talk } = await converse(smtp.port);
      expect(greeting).toMatch(/^220 /);
      expect(await talk.send('EHLO client.test')).toMatch(/^250 /);
      expect(await talk.send(`MAIL FROM:<ravi@shop.test> SIZE=${MAX_BYTES + 1}`)).toMatch(/^552 /);
      talk.close();
    });

    it('answers 451 when the database is gone, and keeps serving', async () => {
      const spare = await disposable(engine);
      const ws = await createWorkspace(spare.database, 'Gone');
      const [{ slug }] = (await spare.database.inWorkspace(ws, (tx) =>
        tx.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, ws)),
      )) as [{ slug: string }];
      const broken = await listen(spare.database);
      try {
        const { talk } = await converse(broken.port);
        await talk.send('EHLO client.test');
        expect(await talk.send('MAIL FROM:<ravi@shop.test>')).toMatch(/^250 /);
        expect(await talk.send(`RCPT TO:<${slug}@${DOMAIN}>`)).toMatch(/^250 /);
        await spare.database.close();
        expect(await talk.send('DATA')).toMatch(/^354 /);
        const data =
          'From: ravi@shop.test\r\nSubject: Lost?\r\nMessage-ID: <db-gone@shop.test>\r\n\r\nHello\r\n.';
        expect(await talk.send(data)).toMatch(/^451 .*try again later/);
        // The next recipient cannot even be checked: also "try later", not "no such address".
        expect(await talk.send('MAIL FROM:<ravi@shop.test>')).toMatch(/^250 /);
        expect(await talk.send(`RCPT TO:<${slug}@${DOMAIN}>`)).toMatch(/^451 /);
        talk.close();
        const again = await converse(broken.port);
        expect(again.greeting).toMatch(/^220 /);
        again.talk.close();
      } finally {
        await broken.stop();
        await spare.drop();
      }
    });
  });
}
