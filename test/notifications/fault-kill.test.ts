/**
 * R8 for the dispatcher (RELIABILITY.md "external duplicates are bounded and recognisable"): a worker
 * process sends 2,000 recorded emails to an SMTP receiver in this process and is killed -9 in the middle
 * of its batches, then started again, several times. With a 2 s lease a killed worker's messages come
 * back at once. In the end every message is `sent`, the receiver has each at least once (0 lost), and
 * every repeat carries the Message-ID of its first copy, so the receiver can drop it.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/engine/outbox.js';
import { rowsOf, type Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { startSmtpReceiver } from '../channels/smtp-receiver.js';
import { seeded, seedOf, sleep } from '../engine/fault-support.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import {
  killHard,
  outboxIdIn,
  startDispatcherChild,
  stopChild,
  tallyReceipts,
  type DispatcherChild,
} from './fault-support.js';

const MESSAGES = 2_000;
const KILLS = 5;
const LEASE_S = 2;

async function sentIds(database: Database, ws: string): Promise<Set<string>> {
  const rows = await database.inWorkspace(ws, (tx) =>
    tx.execute(sql`select id from outbox where status = 'sent'`).then(rowsOf<{ id: string }>),
  );
  return new Set(rows.map((r) => r.id));
}

describe.runIf(postgresAvailable)(
  `R8-dispatch: kill -9 of the dispatcher mid-batch${postgresSkipReason}`,
  () => {
    it(
      `sends ${MESSAGES} emails at least once each, every repeat with its Message-ID`,
      { timeout: 120_000 },
      async () => {
        const seed = seedOf();
        const random = seeded(seed);
        const created = await createPostgresDatabase();
        await created.migrate();
        const database = await openPostgres({ url: created.appUrl, poolMax: 3, migrate: false });
        const smtp = await startSmtpReceiver();
        let current: DispatcherChild | null = null;
        try {
          const ws = await createWorkspace(database, 'R8 dispatch');
          const ids = await database.inWorkspace(ws, async (tx) => {
            const out: string[] = [];
            for (let i = 0; i < MESSAGES; i++) {
              const payload = {
                to: `customer-${i}@example.test`,
                subject: `Ticket T-${i} was updated`,
                text: `Your ticket T-${i} has a new reply.`,
                automatic: true,
              };
              out.push(
                (await enqueueMessage(tx, ws, { idempotencyKey: `r8:${i}`, channel: 'email', payload })).id,
              );
            }
            return out;
          });
          let generation = 0;
          const spawnChild = () =>
            startDispatcherChild(created.appUrl, `dsp_kill.g${++generation}`, smtp.port, LEASE_S);

          let kills = 0;
          let midBatch = 0;
          let sent = new Set<string>();
          const deadline = Date.now() + 90_000;
          current = await spawnChild();
          while (kills < KILLS && Date.now() < deadline) {
            // Let this worker get a few batches' worth through, then kill it wherever it is.
            const from = smtp.received().length;
            const quota = 80 + Math.floor(random() * 160);
            while (smtp.received().length - from < quota && sent.size < MESSAGES && Date.now() < deadline) {
              await sleep(20);
              if (random() < 0.1) sent = await sentIds(database, ws);
            }
            sent = await sentIds(database, ws);
            if (sent.size >= MESSAGES) break;
            await killHard(current);
            kills++;
            // Received but not recorded: the kill fell between sending and recording.
            sent = await sentIds(database, ws);
            if (smtp.received().some((m) => !sent.has(outboxIdIn(m.id) ?? ''))) midBatch++;
            current = await spawnChild();
          }
          while (sent.size < MESSAGES && Date.now() < deadline) {
            await sleep(200);
            sent = await sentIds(database, ws);
          }

          const receipts = tallyReceipts(smtp.received().map((m) => outboxIdIn(m.id)));
          const lost = ids.filter((id) => !sent.has(id) || !receipts.byId.has(id)).length;
          const firstCopy = new Map<string, { messageId: string; subject: string }>();
          let mismatched = 0;
          for (const mail of smtp.received()) {
            const id = outboxIdIn(mail.id) ?? '';
            const first = firstCopy.get(id);
            if (!first) firstCopy.set(id, { messageId: mail.id, subject: mail.subject });
            else if (first.messageId !== mail.id || first.subject !== mail.subject) mismatched++;
          }
          const known = new Set(ids);
          console.log(
            `RESULT R8-dispatch messages=${MESSAGES} lost=${lost} dup_sends=${receipts.duplicates} kills=${kills} ` +
              `mid_batch_kills=${midBatch} lease_s=${LEASE_S} seed=${seed}`,
          );
          expect(sent.size).toBe(MESSAGES);
          expect(lost).toBe(0);
          expect(mismatched).toBe(0);
          expect([...receipts.byId.keys()].filter((id) => !known.has(id))).toEqual([]);
          expect(kills).toBe(KILLS);
        } finally {
          if (current) await stopChild(current);
          await smtp.close();
          await database.close();
          await created.drop();
        }
      },
    );
  },
);
