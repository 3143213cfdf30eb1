/**
 * The mail intake on both engines, with the demo workspaces and their packs: a customer's mail opens a
 * ShopSmart ticket (requester, sanitised HTML, attachments, the acknowledgement); a redelivery changes
 * nothing; replies thread by In-Reply-To (also to our own `<msg_…@domain>` ids) and by `[#n]` only for
 * the ticket's own requester; a spoofed reply aimed at another workspace's ticket opens a new ticket where
 * it was sent; automated mail is kept but never acknowledged; our own mail coming back is quarantined;
 * acknowledgements stop at the pack's hourly limit per sender; bounces become notes or are quarantined.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadDemo } from '../../src/modules/admin/demo.js';
import { supportContext } from '../../src/modules/support/context.js';
import { findMailTarget, intakeMail, type MailTarget } from '../../src/modules/support/mail-intake.js';
import { readMail } from '../../src/modules/support/mail-parse.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import type { Database } from '../../src/store/database.js';
import {
  mailQuarantine,
  outbox,
  ticketAttachments,
  ticketMessages,
  tickets,
} from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { bounce, freshId, mime, type MailSpec } from './mail-fixtures.js';

const DOMAIN = 'support.localhost';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`mail intake: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ctx: SupportContext;
    let shop: MailTarget;
    let sofa: MailTarget;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      await loadDemo(database, new Date());
      ctx = supportContext({ database, now: () => new Date(), config: loadConfig({}) });
      shop = (await findMailTarget(database, 'ShopSmart@Support.localhost', DOMAIN))!;
      sofa = (await findMailTarget(database, 'sofacover@support.localhost', DOMAIN))!;
    });
    afterAll(async () => {
      await opened?.close();
    });

    async function deliver(spec: MailSpec | Buffer, target: MailTarget = shop) {
      const read = await readMail(Buffer.isBuffer(spec) ? spec : mime(spec));
      if (!read.ok) throw new Error(read.reason);
      return intakeMail(ctx, target, read.mail, 'smtp');
    }
    const stored = async (spec: MailSpec | Buffer, target: MailTarget = shop) => {
      const result = await deliver(spec, target);
      if (result.outcome !== 'stored') throw new Error(`quarantined: ${result.reason}`);
      return result;
    };
    const ticket = (target: MailTarget, number: number) =>
      database
        .inWorkspace(target.workspaceId, (tx) => tx.select().from(tickets).where(eq(tickets.number, number)))
        .then((rows) => rows[0]!);
    const messages = (target: MailTarget, number: number) =>
      database.inWorkspace(target.workspaceId, (tx) =>
        tx
          .select({ m: ticketMessages })
          .from(ticketMessages)
          .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
          .where(eq(tickets.number, number))
          .orderBy(ticketMessages.createdAt, ticketMessages.id)
          .then((rows) => rows.map((r) => r.m)),
      );
    /** The acknowledgement's outbox id: also its Message-ID, left of the @. */
    const ackId = async (number: number) => {
      const ack = (await messages(shop, number)).find((m) => m.kind === 'auto');
      return ack?.emailMessageId ?? null;
    };
    const mailTo = (address: string) =>
      database.inWorkspace(shop.workspaceId, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.channel, 'email'), eq(outbox.recipient, address))),
      );

    it('resolves <slug>@domain to its workspace and nothing else', async () => {
      expect(shop).toMatchObject({ channel: 'email', address: 'shopsmart@support.localhost' });
      expect(sofa.workspaceId).not.toBe(shop.workspaceId);
      expect(await findMailTarget(database, 'nobody@support.localhost', DOMAIN)).toBeNull();
      expect(await findMailTarget(database, 'shopsmart@elsewhere.test', DOMAIN)).toBeNull();
    });

    it('opens a ticket with the requester, sanitised HTML and the attachments, and acknowledges it', async () => {
      const result = await stored({
        from: '"Ravi Kumar" <Ravi.K@Shop.Test>',
        subject: 'Bill not printing',
        html: '<p onclick="steal()">Bill <b>not</b> printing<script>alert(1)</script></p><img src="cid:shot1"><img src="https://tracker.test/pixel.gif">',
        attachments: [
          { filename: '../invoice.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 x') },
          { filename: 'shot.png', contentType: 'image/png', data: PNG, inlineId: 'shot1' },
        ],
      });
      expect(result).toMatchObject({ created: true, acknowledged: true });
      const row = await ticket(shop, result.ticket);
      expect(row).toMatchObject({
        title: 'Bill not printing',
        channel: 'email',
        requesterEmail: 'ravi.k@shop.test',
        requesterName: 'Ravi Kumar',
        status: 'open',
      });
      const all = await messages(shop, result.ticket);
      const first = all.find((m) => m.kind === 'reply');
      const ack = all.find((m) => m.kind === 'auto');
      expect(first).toMatchObject({ kind: 'reply', direction: 'in', authorType: 'customer' });
      expect(first!.bodyText).toContain('The app crashes');
      expect(first!.bodyHtml).toContain('<b>not</b>');
      expect(first!.bodyHtml).not.toMatch(/script|onclick|alert|\ssrc="https/);
      expect(first!.bodyHtml).toContain('data-cid="shot1"');
      expect(first!.bodyHtml).toContain('data-remote-src="https://tracker.test/pixel.gif"');
      const files = await database.inWorkspace(shop.workspaceId, (tx) =>
        tx.select().from(ticketAttachments).where(eq(ticketAttachments.messageId, first!.id)),
      );
      expect(files.map((f) => [f.filename, f.contentType, f.sizeBytes]).sort()).toEqual([
        ['invoice.pdf', 'application/pdf', 10],
        ['shot.png', 'image/png', PNG.length],
      ]);
      expect(ack).toMatchObject({ kind: 'auto', direction: 'out' });
      const sent = await mailTo('ravi.k@shop.test');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.payload).toMatchObject({ automatic: true });
      expect(ack!.emailMessageId).toBe(sent[0]!.id);
    });

    it('stores a redelivered mail once', async () => {
      const raw = mime({ from: 'meera@shop.test', subject: 'Twice', messageId: freshId() });
      const first = await stored(raw);
      const again = await stored(raw);
      expect(again).toMatchObject({ ticket: first.ticket, message: first.message, created: false });
      expect(again.acknowledged).toBe(false);
      expect(await messages(shop, first.ticket)).toHaveLength(2); // the mail and its acknowledgement
      expect(await mailTo('meera@shop.test')).toHaveLength(1);
    });

    it('threads a reply by In-Reply-To to our acknowledgement, and by References', async () => {
      const original = freshId();
      const opened = await stored({ from: 'anil@shop.test', subject: 'Sync broken', messageId: original });
      const ours = await ackId(opened.ticket);
      expect(ours).toMatch(/^msg_/);
      const reply = await stored({
        from: 'Anil <anil@shop.test>',
        subject: 'Re: We received your request',
        inReplyTo: `<${ours}@opsbook.localhost>`,
        text: 'Still broken',
      });
      expect(reply).toMatchObject({ ticket: opened.ticket, created: true, acknowledged: false });
      const byReferences = await stored({
        from: 'colleague@shop.test',
        subject: 'Also seeing this',
        references: `<unknown@x.test> ${original}`,
      });
      expect(byReferences.ticket).toBe(opened.ticket);
      const all = await messages(shop, opened.ticket);
      expect(all.filter((m) => m.direction === 'in').map((m) => m.bodyText)).toEqual([
        'The app crashes when I log in.',
        'Still broken',
        'The app crashes when I log in.',
      ]);
    });

    it('threads by the [#n] subject token only for the ticket’s own requester', async () => {
      const opened = await stored({ from: 'priya@shop.test', subject: 'Refund' });
      const same = await stored({
        from: 'Priya <PRIYA@shop.test>',
        subject: `Re: [#${opened.ticket}] Refund`,
      });
      expect(same.ticket).toBe(opened.ticket);
      const stranger = await stored({ from: 'mallory@evil.test', subject: `Re: [#${opened.ticket}] Refund` });
      expect(stranger).toMatchObject({ created: true });
      expect(stranger.ticket).not.toBe(opened.ticket);
      expect((await ticket(shop, stranger.ticket)).requesterEmail).toBe('mallory@evil.test');
      expect((await messages(shop, opened.ticket)).filter((m) => m.direction === 'in')).toHaveLength(2);
    });

    it("lands a spoofed reply to another workspace's ticket as a new ticket where it was sent", async () => {
      const victim = await stored({ from: 'victim@shop.test', subject: 'Card charged twice' });
      const ours = await ackId(victim.ticket);
      const before = await messages(shop, victim.ticket);
      const spoof = await stored(
        {
          from: 'victim@shop.test',
          to: 'sofacover@support.localhost',
          subject: `Re: [#${victim.ticket}] Card charged twice`,
          inReplyTo: `<${ours}@opsbook.localhost>`,
        },
        sofa,
      );
      expect(spoof.created).toBe(true);
      const landed = await ticket(sofa, spoof.ticket);
      expect(landed.workspaceId).toBe(sofa.workspaceId);
      expect(landed.requesterEmail).toBe('victim@shop.test');
      expect(await messages(shop, victim.ticket)).toEqual(before);
    });

    it('keeps automated mail as a ticket but never acknowledges it', async () => {
      const cases: Record<string, string>[] = [
        { 'Auto-Submitted': 'auto-generated' },
        { Precedence: 'bulk' },
        { 'List-Id': '<news.shop.test>' },
        { 'X-Autoreply': 'yes' },
      ];
      for (const headers of cases) {
        const from = `robot-${Object.keys(headers)[0]!.toLowerCase()}@shop.test`;
        const result = await stored({ from, subject: 'Automated', headers });
        expect(result, JSON.stringify(headers)).toMatchObject({ created: true, acknowledged: false });
        expect(await mailTo(from)).toEqual([]);
      }
      const daemon = await stored({ from: 'noreply@shop.test', subject: 'Your order shipped' });
      expect(daemon.acknowledged).toBe(false);
    });

    it('quarantines our own mail coming back as a loop', async () => {
      const opened = await stored({ from: 'loop@shop.test', subject: 'Loop test' });
      const ours = await ackId(opened.ticket);
      const result = await deliver({
        from: 'shopsmart@support.localhost',
        subject: 'We received your request',
        messageId: `<${ours}@opsbook.localhost>`,
      });
      expect(result).toMatchObject({ outcome: 'quarantined', reason: 'loop' });
      const rows = await database.inWorkspace(shop.workspaceId, (tx) =>
        tx.select().from(mailQuarantine).where(eq(mailQuarantine.reason, 'loop')),
      );
      expect(rows.map((r) => r.messageId)).toContain(`${ours}@opsbook.localhost`);
      expect(await messages(shop, opened.ticket)).toHaveLength(2);
    });

    it("acknowledges at most the pack's 3 per sender per hour", async () => {
      const acks: boolean[] = [];
      for (let i = 0; i < 5; i++)
        acks.push((await stored({ from: 'busy@shop.test', subject: `Question ${i}` })).acknowledged);
      expect(acks).toEqual([true, true, true, false, false]);
      expect(await mailTo('busy@shop.test')).toHaveLength(3);
      expect((await stored({ from: 'calm@shop.test', subject: 'Other sender' })).acknowledged).toBe(true);
    });

    it('turns a bounce of our mail into a note on its ticket, and quarantines one naming no ticket', async () => {
      const opened = await stored({ from: 'gone@shop.test', subject: 'Mailbox full soon' });
      const ours = await ackId(opened.ticket);
      const noted = await stored(bounce(`<${ours}@opsbook.localhost>`));
      expect(noted).toMatchObject({ ticket: opened.ticket, created: true, acknowledged: false });
      const note = (await messages(shop, opened.ticket)).at(-1)!;
      expect(note).toMatchObject({ kind: 'note', direction: 'internal', authorType: 'bot' });
      expect(note.bodyText).toContain('mailbox full');
      expect((await ticket(shop, opened.ticket)).status).toBe('open');
      const stray = await deliver(bounce('<someone-else@elsewhere.test>'));
      expect(stray).toMatchObject({ outcome: 'quarantined', reason: 'bounce' });
    });
  });
}
