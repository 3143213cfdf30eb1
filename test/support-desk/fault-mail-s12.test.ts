/**
 * S12: mail loops, on both engines. Twenty mails from one sender arriving at once get no more
 * acknowledgements than the pack allows per sender per hour (the count is taken under a per-sender lock;
 * on PostgreSQL through two connection pools, as two processes would). Automated mail (RFC 3834
 * auto-replies, `Precedence: bulk`, lists, mailer-daemon bounces) gets none. And a loop between our
 * acknowledgements and a remote auto-responder that answers everything ends: in the worst case (it
 * strips our ticket token and threading headers and marks nothing as automatic) after the hourly limit.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { supportContext } from '../../src/modules/support/context.js';
import { findMailTarget, intakeMail, type MailTarget } from '../../src/modules/support/mail-intake.js';
import { readMail } from '../../src/modules/support/mail-parse.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import type { Database } from '../../src/store/database.js';
import { autoReplies, outbox } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { DOMAIN, mailWorkspace } from './fault-mail-support.js';
import { bounce, freshId, mime, type MailSpec } from './mail-fixtures.js';

/** The SofaCover pack's `desk.autoReply.maxPerSenderPerHour` (the schema's default); S12 asks ≤ 5. */
const PACK_LIMIT = 3;

/** How a remote auto-responder answers each of our acknowledgements. */
type Remote = (ack: { id: string; subject: string }, round: number) => MailSpec;

const REMOTES: Record<string, { first: MailSpec; answer: Remote; maxAcks: number }> = {
  // Worst case: a fresh Message-ID, no In-Reply-To, our [#n] token stripped, nothing marked automatic.
  'naive-stripping': {
    first: { subject: 'Hello' },
    answer: (_ack, round) => ({ subject: `Out of office ${round}` }),
    maxAcks: PACK_LIMIT,
  },
  // Answers in the thread: the reply lands on the ticket, which acknowledges nothing.
  'naive-threading': {
    first: { subject: 'Hello' },
    answer: (ack) => ({ subject: `Re: ${ack.subject}`, inReplyTo: `<${ack.id}@opsbook.localhost>` }),
    maxAcks: 1,
  },
  // RFC 3834: its replies say Auto-Submitted, and so does its first mail.
  rfc3834: {
    first: { subject: 'Automatic reply', headers: { 'Auto-Submitted': 'auto-replied' } },
    answer: (_ack, round) => ({
      subject: `Automatic reply ${round}`,
      headers: { 'Auto-Submitted': 'auto-replied' },
    }),
    maxAcks: 0,
  },
  'precedence-bulk': {
    first: { subject: 'Newsletter', headers: { Precedence: 'bulk' } },
    answer: (_ack, round) => ({ subject: `Newsletter ${round}`, headers: { Precedence: 'bulk' } }),
    maxAcks: 0,
  },
  'mailing-list': {
    first: { subject: 'Digest', headers: { 'List-Id': '<news.shop.test>' } },
    answer: (_ack, round) => ({ subject: `Digest ${round}`, headers: { 'List-Id': '<news.shop.test>' } }),
    maxAcks: 0,
  },
};

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`S12-mail: loops and the acknowledgement limit: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ctx: SupportContext;
    let target: MailTarget;
    const figures: string[] = [];

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ctx = supportContext({ database, now: () => new Date(), config: loadConfig({}) });
      const { address } = await mailWorkspace(database, 'S12 mail');
      target = (await findMailTarget(database, address, DOMAIN))!;
    });
    afterAll(async () => {
      console.log(`RESULT S12-mail engine=${engine.name} pack_limit=${PACK_LIMIT} ${figures.join(' ')}`);
      await opened?.close();
    });

    const deliver = async (on: SupportContext, spec: MailSpec | Buffer) => {
      const read = await readMail(Buffer.isBuffer(spec) ? spec : mime(spec));
      if (!read.ok) throw new Error(read.reason);
      return intakeMail(on, target, read.mail, 'smtp');
    };
    const acksTo = (address: string) =>
      database.inWorkspace(target.workspaceId, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.channel, 'email'), eq(outbox.recipient, address)))
          .orderBy(outbox.createdAt, outbox.id),
      );

    it('acknowledges at most the pack limit when 20 mails from one sender arrive at once', async () => {
      const from = `burst-${engine.name}@shop.test`;
      // Two pools on PostgreSQL, as two processes behind one relay would be.
      const other =
        engine.name === 'postgres'
          ? supportContext({ database: await opened.second(), now: () => new Date(), config: loadConfig({}) })
          : ctx;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => deliver(i % 2 ? other : ctx, { from, subject: `Burst ${i}` })),
      );
      const acknowledged = results.filter((r) => r.outcome === 'stored' && r.acknowledged).length;
      const sent = await acksTo(from);
      const slots = await database.inWorkspace(target.workspaceId, (tx) =>
        tx.select().from(autoReplies).where(eq(autoReplies.address, from)),
      );
      figures.push(`burst_mails=20 burst_acks=${sent.length}`);
      expect(results.every((r) => r.outcome === 'stored' && r.created)).toBe(true);
      expect(acknowledged).toBe(PACK_LIMIT);
      expect(sent).toHaveLength(PACK_LIMIT);
      expect(slots).toHaveLength(PACK_LIMIT);
      expect(sent.every((m) => (m.payload as { automatic?: boolean }).automatic === true)).toBe(true);
    });

    it('never acknowledges automated mail, bounces included', async () => {
      const cases: MailSpec[] = [
        { from: 'ooo@shop.test', headers: { 'Auto-Submitted': 'auto-replied' } },
        { from: 'gen@shop.test', headers: { 'Auto-Submitted': 'auto-generated' } },
        { from: 'bulk@shop.test', headers: { Precedence: 'bulk' } },
        { from: 'junk@shop.test', headers: { Precedence: 'junk' } },
        { from: 'list@shop.test', headers: { 'List-Unsubscribe': '<mailto:u@shop.test>' } },
        { from: 'xar@shop.test', headers: { 'X-Autoreply': 'yes' } },
        { from: 'exchange@shop.test', headers: { 'X-Auto-Response-Suppress': 'All' } },
        { from: 'MAILER-DAEMON@shop.test' },
        { from: 'no-reply@shop.test' },
      ];
      for (const spec of cases) await deliver(ctx, { ...spec, subject: 'Automated', messageId: freshId() });
      await deliver(ctx, bounce(`<${freshId().slice(1, -1)}>`, target.address));
      let acks = 0;
      for (const spec of cases) acks += (await acksTo(spec.from!.toLowerCase())).length;
      acks += (await acksTo('mailer-daemon@mx.shop.test')).length;
      figures.push(`automated_mails=${cases.length + 1} replies_to_automated=${acks}`);
      expect(acks).toBe(0);
    });

    it('ends a loop with a remote auto-responder that answers everything', async () => {
      for (const [name, remote] of Object.entries(REMOTES)) {
        const address = `${name}-${engine.name}@remote.test`;
        await deliver(ctx, { ...remote.first, from: `Remote <${address}>` });
        const answered = new Set<string>();
        let rounds = 0;
        // Each new message of ours to the remote gets an answer; the loop ends when we send nothing new.
        for (; rounds < 50; rounds++) {
          const fresh = (await acksTo(address)).filter((m) => !answered.has(m.id));
          if (fresh.length === 0) break;
          for (const m of fresh) {
            answered.add(m.id);
            const subject = (m.payload as { subject?: string }).subject ?? '';
            await deliver(ctx, {
              ...remote.answer({ id: m.id, subject }, rounds),
              from: `Remote <${address}>`,
            });
          }
        }
        figures.push(`loop_${name}_acks=${answered.size}/rounds=${rounds}`);
        expect(rounds, name).toBeLessThan(50);
        expect(answered.size, name).toBe(remote.maxAcks);
      }
    });
  });
}
