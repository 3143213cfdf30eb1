/**
 * S13: spoofed mail from a known customer, on both engines. The relay in front of the help desk
 * (authserv-id `mx.opsbook.test`, trusted through OPSBOOK_SUPPORT_AUTHSERV_IDS) reports DMARC or DKIM
 * failing: the mail names the customer's ticket every way it can (In-Reply-To, References, `[#n]`) yet
 * lands on a new ticket tagged `suspected-spoof`, with an internal note saying why and no
 * acknowledgement; the customer's conversation is untouched. Headers the relay did not write (another
 * authserv-id, or below its topmost header) change nothing, and without a trusted id nothing is flagged.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLog } from '../../src/engine/log.js';
import { startSupportSmtp, type RunningSupportSmtp } from '../../src/intake/support-smtp.js';
import { mailAuthOf, parseAuthenticationResults } from '../../src/modules/support/mail-auth.js';
import { supportContext } from '../../src/modules/support/context.js';
import {
  findMailTarget,
  intakeMail,
  SPOOF_TAG,
  type MailTarget,
} from '../../src/modules/support/mail-intake.js';
import { readMail } from '../../src/modules/support/mail-parse.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import type { Database } from '../../src/store/database.js';
import { outbox, ticketMessages, tickets } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { DOMAIN, mailWorkspace, SmtpSender } from './fault-mail-support.js';
import { freshId, mime, type MailSpec } from './mail-fixtures.js';

const RELAY = 'mx.opsbook.test';
const TRUSTED = [RELAY];
const ar = (results: string, by = RELAY) => ({ 'Authentication-Results': `${by}; ${results}` });

describe('Authentication-Results (RFC 8601)', () => {
  it('reads the authserv-id, each method and its properties, without comments', () => {
    expect(
      parseAuthenticationResults(
        'mx.opsbook.test 1; dkim=pass (2048-bit key; unprotected) header.d=shop.test header.s="s1"; ' +
          'spf=softfail smtp.mailfrom=x@y.test; dmarc=fail (p=REJECT sp=NONE) header.from=Shop.Test',
      ),
    ).toEqual({
      authservId: 'mx.opsbook.test',
      results: [
        { method: 'dkim', result: 'pass', props: { 'header.d': 'shop.test', 'header.s': 's1' } },
        { method: 'spf', result: 'softfail', props: { 'smtp.mailfrom': 'x@y.test' } },
        { method: 'dmarc', result: 'fail', props: { 'header.from': 'shop.test' } },
      ],
    });
    expect(parseAuthenticationResults('mx.opsbook.test; none')).toEqual({
      authservId: 'mx.opsbook.test',
      results: [],
    });
    expect(parseAuthenticationResults('; dmarc=fail')).toBeNull();
  });

  it('fails on dmarc=fail, or dkim=fail with no aligned pass; believes only the topmost trusted header', () => {
    const verdict = (values: string[], trusted = TRUSTED) =>
      mailAuthOf(
        values.map((value) => ({ key: 'authentication-results', value })),
        'ravi@shop.test',
        trusted,
      ).verdict;
    expect(verdict([`${RELAY}; dmarc=fail header.from=shop.test`])).toBe('fail');
    expect(verdict([`${RELAY}; dmarc=pass; dkim=fail header.d=shop.test`])).toBe('pass');
    expect(verdict([`${RELAY}; dkim=fail header.d=shop.test`])).toBe('fail');
    expect(verdict([`${RELAY}; dkim=fail header.d=shop.test; dkim=pass header.d=mail.shop.test`])).toBe(
      'pass',
    );
    expect(verdict([`${RELAY}; dkim=fail header.d=shop.test; dkim=pass header.d=evil.test`])).toBe('fail');
    expect(verdict([`${RELAY}; spf=fail smtp.mailfrom=shop.test`])).toBe('none');
    expect(verdict([`evil.test; dmarc=fail`])).toBe('none');
    expect(verdict([`${RELAY}; dmarc=fail`, `${RELAY}; dmarc=pass`])).toBe('fail');
    expect(verdict([`${RELAY}; dmarc=pass`, `${RELAY}; dmarc=fail`])).toBe('pass');
    expect(verdict([`${RELAY}; dmarc=fail`], [])).toBe('none');
  });
});

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`S13-mail: spoofed mail from a known customer: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ctx: SupportContext;
    let target: MailTarget;
    let smtp: RunningSupportSmtp;
    const figures: string[] = [];

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ctx = supportContext({ database, now: () => new Date(), config: loadConfig({}) });
      const { address } = await mailWorkspace(database, 'S13 mail');
      target = (await findMailTarget(database, address, DOMAIN))!;
      smtp = await startSupportSmtp({
        support: ctx,
        log: silentLog,
        host: '127.0.0.1',
        port: 0,
        domain: DOMAIN,
        maxBytes: 1024 * 1024,
        trustedAuthservIds: TRUSTED,
      });
    });
    afterAll(async () => {
      console.log(`RESULT S13-mail engine=${engine.name} ${figures.join(' ')}`);
      await smtp?.stop();
      await opened?.close();
    });

    const deliver = async (spec: MailSpec | Buffer, trusted: readonly string[] = TRUSTED) => {
      const read = await readMail(Buffer.isBuffer(spec) ? spec : mime(spec), { trustedAuthservIds: trusted });
      if (!read.ok) throw new Error(read.reason);
      const result = await intakeMail(ctx, target, read.mail, 'smtp');
      if (result.outcome !== 'stored') throw new Error(`quarantined: ${result.reason}`);
      return result;
    };
    const ticket = (number: number) =>
      database
        .inWorkspace(target.workspaceId, (tx) => tx.select().from(tickets).where(eq(tickets.number, number)))
        .then((rows) => rows[0]!);
    const messages = (number: number) =>
      database.inWorkspace(target.workspaceId, (tx) =>
        tx
          .select({ m: ticketMessages })
          .from(ticketMessages)
          .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
          .where(eq(tickets.number, number))
          .orderBy(ticketMessages.createdAt, ticketMessages.id)
          .then((rows) => rows.map((r) => r.m)),
      );
    const mailsTo = (address: string) =>
      database.inWorkspace(target.workspaceId, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.channel, 'email'), eq(outbox.recipient, address))),
      );

    /** A real conversation of `from`: their first mail (DMARC pass) and our acknowledgement. */
    async function conversation(from: string) {
      const first = freshId();
      const opened = await deliver({
        from,
        subject: 'Card charged twice',
        messageId: first,
        headers: ar('dmarc=pass header.from=shop.test'),
      });
      const ack = (await messages(opened.ticket)).find((m) => m.kind === 'auto')!.emailMessageId!;
      return { number: opened.ticket, first, ack, before: await messages(opened.ticket) };
    }

    /** The spoof names the real conversation every way a reply can. */
    const spoofOf = (
      from: string,
      real: { number: number; first: string; ack: string },
      results: string,
    ): MailSpec => ({
      from: `Ravi <${from}>`,
      subject: `Re: [#${real.number}] Card charged twice`,
      inReplyTo: `<${real.ack}@opsbook.localhost>`,
      references: `${real.first} <${real.ack}@opsbook.localhost>`,
      text: 'Please refund to my new account 12345.',
      headers: ar(results),
    });

    async function expectFlagged(from: string, number: number, real: { number: number; before: unknown }) {
      expect(number).not.toBe(real.number);
      const flagged = await ticket(number);
      expect(flagged.tags).toContain(SPOOF_TAG);
      expect(flagged.requesterEmail).toBe(from);
      const all = await messages(number);
      expect(all.filter((m) => m.kind === 'auto')).toEqual([]);
      const notes = all.filter((m) => m.kind === 'note' && m.direction === 'internal');
      expect(notes).toHaveLength(1);
      expect(notes[0]!.bodyText).toMatch(/Suspected spoof: mx\.opsbook\.test reports d(marc|kim)=fail/);
      expect(await messages(real.number)).toEqual(real.before);
    }

    it('opens a flagged ticket for dmarc=fail, never threads it onto the customer’s, never acknowledges', async () => {
      const from = `ravi-${engine.name}@shop.test`;
      const real = await conversation(from);
      const spoof = await deliver(spoofOf(from, real, 'dmarc=fail (p=reject) header.from=shop.test'));
      expect(spoof).toMatchObject({ created: true, acknowledged: false });
      await expectFlagged(from, spoof.ticket, real);
      expect(await mailsTo(from)).toHaveLength(1); // the real ticket's acknowledgement only
      figures.push('dmarc_fail=flagged');
    });

    it('does the same for dkim=fail with no aligned pass, and redelivery adds no second note', async () => {
      const from = `anil-${engine.name}@shop.test`;
      const real = await conversation(from);
      const raw = mime({
        ...spoofOf(from, real, 'dkim=fail header.d=shop.test; dkim=pass header.d=evil.test'),
        messageId: freshId(),
      });
      const spoof = await deliver(raw);
      const again = await deliver(raw);
      expect(again).toMatchObject({ ticket: spoof.ticket, created: false });
      await expectFlagged(from, spoof.ticket, real);
      figures.push('dkim_fail=flagged redelivery_notes=1');
    });

    it('threads as usual when the verdict passes, or comes from no trusted relay', async () => {
      const from = `meera-${engine.name}@shop.test`;
      const real = await conversation(from);
      const cases: [string, MailSpec, readonly string[]][] = [
        [
          'dkim-aligned-pass',
          spoofOf(from, real, 'dkim=fail header.d=shop.test; dkim=pass header.d=shop.test'),
          TRUSTED,
        ],
        ['no-trusted-ids', spoofOf(from, real, 'dmarc=fail'), []],
        ['untrusted-id', { ...spoofOf(from, real, ''), headers: ar('dmarc=fail', 'evil.test') }, TRUSTED],
        ['forged-below', { ...spoofOf(from, real, ''), headers: {} }, TRUSTED],
      ];
      for (const [name, spec, trusted] of cases) {
        const raw =
          name === 'forged-below'
            ? Buffer.from(
                `Authentication-Results: ${RELAY}; dmarc=pass header.from=shop.test\r\n` +
                  mime({ ...spec, messageId: freshId() })
                    .toString('latin1')
                    .replace(
                      'MIME-Version: 1.0',
                      `MIME-Version: 1.0\r\nAuthentication-Results: ${RELAY}; dmarc=fail`,
                    ),
                'latin1',
              )
            : mime({ ...spec, messageId: freshId() });
        const result = await deliver(raw, trusted);
        expect(result.ticket, name).toBe(real.number);
      }
      figures.push(`not_flagged_cases=${cases.length}`);
    });

    it('flags over SMTP with the listener’s trusted authserv-ids', async () => {
      const from = `priya-${engine.name}@shop.test`;
      const real = await conversation(from);
      const sender = await SmtpSender.open(smtp.port);
      const reply = await sender.send(
        from,
        target.address,
        mime(spoofOf(from, real, 'dmarc=fail header.from=shop.test')),
      );
      sender.close();
      expect(reply.code).toBe(250);
      const number = Number(/#(\d+)/.exec(reply.text)![1]);
      await expectFlagged(from, number, real);
      figures.push('smtp=flagged');
    });
  });
}
