/**
 * R8 for the mail intake: 2,000 emails over SMTP from 16 client connections to the help desk's listener
 * in a child process on PostgreSQL, which is killed -9 20 times at random moments and replaced. The
 * clients behave like sending MTAs: a mail whose connection died, or that got a 4xx, is sent again (same
 * Message-ID) until it gets a 250. A quarter of the mails are replies (In-Reply-To) to an earlier one.
 * In the end every mail that got a 250 is stored exactly once: a new mail as one ticket, a reply as one
 * message on its conversation's ticket.
 *
 * Each replacement process is started while its predecessor still serves, and takes over (on a port of
 * its own) a random moment after the kill: the run measures what a kill does to mail, not how long Node
 * takes to start on a busy machine. OPSBOOK_SOAK=1 (or OPSBOOK_R8_MAILS / _KILLS / _CLIENTS) for more.
 */
import { count, eq, like, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { tickets } from '../../src/store/schema.js';
import { seeded, seedOf, sleep, SOAK } from '../engine/fault-support.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../support/databases.js';
import {
  freePort,
  killHard,
  mailWorkspace,
  SmtpSender,
  startListenerChild,
  stopChild,
  type ListenerChild,
} from './fault-mail-support.js';

const MAILS = Number(process.env.OPSBOOK_R8_MAILS ?? (SOAK ? 20_000 : 2_000));
const KILLS = Number(process.env.OPSBOOK_R8_KILLS ?? (SOAK ? 100 : 20));
const CLIENTS = Number(process.env.OPSBOOK_R8_CLIENTS ?? 16);
const REPLY_SHARE = 0.25;

interface Mail {
  readonly index: number;
  readonly id: string;
  readonly from: string;
  /** The Message-ID of the mail whose ticket it must land on: its own for a new one. */
  root: string;
  reply: boolean;
  accepted: boolean;
}

interface Figures {
  accepted: number;
  /** 250 "already stored": the listener committed, then died before the client read its 250. */
  redelivered: number;
  tempFailures: number;
  connectionRetries: number;
  refused: string[];
}

function rawMail(mail: Mail, parent: Mail | null, seed: number): Buffer {
  const subject = parent ? `Re: R8 mail ${parent.index}` : `R8 mail ${mail.index}`;
  return Buffer.from(
    [
      `From: Customer <${mail.from}>`,
      `Subject: ${subject}`,
      `Message-ID: <${mail.id}>`,
      ...(parent ? [`In-Reply-To: <${parent.id}>`] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Mail ${mail.index} of run ${seed}.`,
      '',
    ].join('\r\n'),
  );
}

/** One client: sends its mails in order, each until it gets a 250, reconnecting as an MTA would. */
async function runClient(
  port: () => number,
  to: string,
  mails: Mail[],
  random: () => number,
  seed: number,
  figures: Figures,
  deadline: number,
): Promise<void> {
  let conn: SmtpSender | null = null;
  const done: Mail[] = [];
  for (const mail of mails) {
    const parent = mail.reply && done.length > 0 ? done[Math.floor(random() * done.length)]! : null;
    mail.reply = parent !== null;
    mail.root = parent ? parent.root : mail.id;
    const raw = rawMail(mail, parent, seed);
    for (;;) {
      if (Date.now() > deadline) throw new Error(`mail ${mail.index} still not accepted at the deadline`);
      try {
        conn ??= await SmtpSender.open(port());
        const reply = await conn.send(mail.from, to, raw);
        if (reply.code === 250) {
          if (reply.text.includes('already stored')) figures.redelivered++;
          break;
        }
        if (reply.code >= 500) {
          figures.refused.push(`${mail.index}: ${reply.code} ${reply.text}`);
          break;
        }
        figures.tempFailures++;
      } catch {
        conn?.close();
        conn = null;
        figures.connectionRetries++;
      }
      await sleep(50 + random() * 250);
    }
    mail.accepted = true;
    figures.accepted++;
    done.push(mail);
  }
  conn?.close();
}

describe.runIf(postgresAvailable)(`R8-mail: kill -9 of the SMTP listener${postgresSkipReason}`, () => {
  it(
    `stores ${MAILS} mails sent over SMTP exactly once while the listener is killed ${KILLS} times`,
    { timeout: SOAK ? 1_800_000 : 420_000 },
    async () => {
      const seed = seedOf();
      const random = seeded(seed);
      const created = await createPostgresDatabase();
      await created.migrate();
      const database = await openPostgres({ url: created.appUrl, poolMax: 3, migrate: false });
      const spare = async () => startListenerChild(created.appUrl, await freePort());
      let child: ListenerChild | null = null;
      let standby: Promise<ListenerChild> | null = null;
      try {
        const { ws, address } = await mailWorkspace(database, 'R8 mail');
        child = await spare();
        let port = child.port;
        standby = spare();
        standby.catch(() => undefined);
        const startedAt = Date.now();
        const deadline = startedAt + (SOAK ? 1_500_000 : 360_000);

        const mails: Mail[] = Array.from({ length: MAILS }, (_, index) => {
          const id = `r8-${seed}-${index}@shop.test`;
          const from = `customer-${index % CLIENTS}-${index % 11}@shop.test`;
          return { index, id, from, root: id, reply: random() < REPLY_SHARE, accepted: false };
        });
        const figures: Figures = {
          accepted: 0,
          redelivered: 0,
          tempFailures: 0,
          connectionRetries: 0,
          refused: [],
        };
        const sending = Promise.all(
          Array.from({ length: CLIENTS }, (_, c) =>
            runClient(
              () => port,
              address,
              mails.filter((m) => m.index % CLIENTS === c),
              seeded(seed + c + 1),
              seed,
              figures,
              deadline,
            ),
          ),
        );
        let finished = false;
        void sending.then(
          () => (finished = true),
          () => (finished = true),
        );

        let kills = 0;
        let downMs = 0;
        while (kills < KILLS && !finished) {
          // Serve a random share of what is left for the remaining kills, then die wherever it is.
          const left = MAILS - figures.accepted;
          const quota = Math.max(3, Math.floor((left / (KILLS - kills + 1)) * (0.3 + random())));
          const from = figures.accepted;
          while (figures.accepted - from < quota && !finished) await sleep(2);
          if (finished) break;
          const next = await standby;
          await sleep(random() * 40);
          await killHard(child);
          kills++;
          const downAt = Date.now();
          await sleep(random() * 300); // clients meet a closed port for a while
          child = next;
          port = next.port;
          downMs += Date.now() - downAt;
          standby = spare();
          standby.catch(() => undefined);
        }
        await sending;
        const durationMs = Date.now() - startedAt;

        const stored = await database.inWorkspace(ws, (tx) =>
          tx
            .execute(
              sql`select m.email_message_id as id, t.id as ticket from ticket_messages m
                  join tickets t on t.id = m.ticket_id
                  where m.direction = 'in' and m.email_message_id like ${`r8-${seed}-%`}`,
            )
            .then(rowsOf<{ id: string; ticket: string }>),
        );
        const ticketOf = new Map<string, string>();
        let dupMessages = 0;
        for (const row of stored) {
          if (ticketOf.has(row.id)) dupMessages++;
          ticketOf.set(row.id, row.ticket);
        }
        const accepted = mails.filter((m) => m.accepted);
        const lost = accepted.filter((m) => !ticketOf.has(m.id)).length;
        const misthreaded = accepted.filter(
          (m) => m.reply && ticketOf.has(m.id) && ticketOf.get(m.id) !== ticketOf.get(m.root),
        ).length;
        const [made] = await database.inWorkspace(ws, (tx) =>
          tx.select({ n: count() }).from(tickets).where(like(tickets.title, 'R8 mail %')),
        );
        const [empty] = await database.inWorkspace(ws, (tx) =>
          tx.select({ n: count() }).from(tickets).where(eq(tickets.messageCount, 0)),
        );
        const dupTickets = (made?.n ?? 0) - accepted.filter((m) => !m.reply).length;
        const [acks] = await database.inWorkspace(ws, (tx) =>
          tx
            .execute(
              sql`select coalesce(max(n), 0)::int as max
                  from (select count(*) as n from auto_replies group by address) per_sender`,
            )
            .then(rowsOf<{ max: number }>),
        );
        console.log(
          `RESULT R8-mail mails=${MAILS} accepted=${accepted.length} lost=${lost} dup_tickets=${dupTickets} ` +
            `dup_messages=${dupMessages} kills=${kills} replies=${accepted.filter((m) => m.reply).length} ` +
            `misthreaded=${misthreaded} redelivered_after_commit=${figures.redelivered} ` +
            `temp_failures=${figures.tempFailures} connection_retries=${figures.connectionRetries} ` +
            `max_acks_per_sender=${acks?.max ?? 0} clients=${CLIENTS} down_ms=${downMs} ` +
            `duration_ms=${durationMs} seed=${seed}`,
        );
        expect(figures.refused).toEqual([]);
        expect(accepted.length).toBe(MAILS);
        expect(lost).toBe(0);
        expect(dupMessages).toBe(0);
        expect(dupTickets).toBe(0);
        expect(misthreaded).toBe(0);
        expect(empty?.n).toBe(0);
        expect(ticketOf.size).toBe(MAILS);
        expect(kills).toBe(KILLS);
      } finally {
        if (child) await stopChild(child);
        const left = await standby?.catch(() => null);
        if (left) await stopChild(left);
        await database.close();
        await created.drop();
      }
    },
  );
});
