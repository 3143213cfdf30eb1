/**
 * The help desk's use cases on both engines, with a clock that moves only when told: a ShopSmart email
 * ticket gets its SOP-002 clocks, mirrored on the row with their derivations; an agent's reply meets the
 * first response and is recorded for the customer's channel; an L1 technical ticket not resolved in 30 min
 * moves to L2 by the engine's timer, and the row follows; overrides are audited; reopening within the window
 * counts; merging moves the conversation; round-robin shares tickets among the tier's agents on shift.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import {
  addMessage,
  mergeTickets,
  reopenTicket,
  resolveTicket,
  updateTicket,
} from '../../src/modules/support/tickets.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import { createTicket } from '../../src/modules/support/ticket-create.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import {
  auditLog,
  memberships,
  outbox,
  supportAgents,
  ticketMessages,
  users,
} from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z'; // Mon 09:30 IST

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`help desk use cases: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let ctx: SupportContext;
    let ws: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      ctx = {
        database,
        engine: new Engine(database, clock),
        now: () => clock.now(),
        publicUrl: 'http://opsbook.test',
      };
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
    });
    afterAll(async () => {
      await opened?.close();
    });

    const email = (n: number) => `customer${n}-${engine.name}@shop.test`;

    it('opens an email ticket with the P1 clocks, mirrored with their derivations', async () => {
      const { ticket, message, created } = await createTicket(ctx, ws, {
        title: 'App down since morning',
        text: 'Nothing loads',
        channel: 'email',
        requester: { name: 'Ravi', email: email(1) },
        priority: 'p1',
        actor: 'smtp',
        author: { type: 'customer' },
        emailMessageId: `m1-${engine.name}@shop.test`,
      });
      expect(created).toBe(true);
      expect(message.direction).toBe('in');
      expect(ticket.number).toBeGreaterThan(0);
      expect(ticket.priority).toBe('p1');
      expect(ticket.triage.set.priority).toBe('given');
      const first = ticket.clocks.find((c) => c.id === 'first-response');
      expect(first?.phase).toBe('running');
      expect(first?.due).toBe('2026-03-02T04:15:00.000Z');
      expect(first?.derivation).toMatch(/15 min/);
      expect(ticket.nextDueAt?.toISOString()).toBe('2026-03-02T04:15:00.000Z');

      // The same mail again is the same ticket, not a second one.
      const again = await createTicket(ctx, ws, {
        title: 'App down since morning',
        text: 'Nothing loads',
        channel: 'email',
        requester: { email: email(1) },
        actor: 'smtp',
        author: { type: 'customer' },
        emailMessageId: `m1-${engine.name}@shop.test`,
      });
      expect(again.created).toBe(false);
      expect(again.ticket.id).toBe(ticket.id);
    });

    it("meets the first response with an agent's reply, sent by email to the customer", async () => {
      const { ticket } = await createTicket(ctx, ws, {
        title: 'Cannot export',
        text: 'Export fails',
        channel: 'email',
        requester: { email: email(2) },
        priority: 'p2',
        actor: 'smtp',
        author: { type: 'customer' },
      });
      clock.advance(10 * 60_000);
      const added = await addMessage(ctx, ws, ticket.number, {
        kind: 'reply',
        author: { type: 'agent', id: 'usr_agent', name: 'Asha' },
        text: 'Looking into it',
        actor: 'user:usr_agent',
      });
      expect(added.message?.direction).toBe('out');
      expect(added.ticket.clocks.find((c) => c.id === 'first-response')?.phase).toBe('met');
      expect(added.ticket.firstResponseAt?.toISOString()).toBe(clock.now().toISOString());
      const sent = await database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(and(eq(outbox.channel, 'email'), eq(outbox.recipient, email(2)))),
      );
      expect(sent).toHaveLength(1);
      expect(sent[0]!.payload).toMatchObject({ text: 'Looking into it', automatic: false });
      expect((sent[0]!.payload as { subject?: string }).subject).toBe(`[#${ticket.number}] Cannot export`);
      expect(added.message?.emailMessageId).toBe(sent[0]!.id);
    });

    it('moves an unresolved L1 technical ticket to L2 after 30 min, and the row follows', async () => {
      const { ticket } = await createTicket(ctx, ws, {
        title: 'Sync broken',
        text: 'Sync is broken',
        channel: 'email',
        requester: { email: email(3) },
        priority: 'p2',
        category: 'technical',
        tier: 'l1-support',
        actor: 'smtp',
        author: { type: 'customer' },
      });
      expect(ticket.tier).toBe('l1-support');
      clock.advance(31 * 60_000);
      const worker = new Worker({
        database,
        workerId: `wrk_desk_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: ctx.engine.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await worker.runOnce()).timers > 0; i++);
      const row = await database.inWorkspace(ws, (tx) =>
        tx.query.tickets.findFirst({ where: (t, { eq: e }) => e(t.id, ticket.id) }),
      );
      expect(row?.tier).toBe('l2-support');
      expect(row?.escalatedAt).not.toBeNull();
      // The timed escalation tells L2 in the app, as one made by hand does.
      const told = await database.inWorkspace(ws, (tx) =>
        tx.select().from(outbox).where(eq(outbox.channel, 'notify')),
      );
      expect(
        told.filter((m) => {
          const p = m.payload as { subject?: string; to?: string[] };
          return p.subject === `ticket:${ticket.number}` && p.to?.includes('tier:l2-support');
        }),
      ).toHaveLength(1);
    });

    it('audits a priority override and re-targets the clocks', async () => {
      const { ticket } = await createTicket(ctx, ws, {
        title: 'How do I add staff?',
        text: 'question',
        channel: 'email',
        requester: { email: email(4) },
        priority: 'p3',
        actor: 'smtp',
        author: { type: 'customer' },
      });
      const changed = await updateTicket(ctx, ws, ticket.number, { priority: 'p1' }, 'user:usr_lead');
      expect(changed.priority).toBe('p1');
      expect(changed.triage.overrides).toEqual([
        expect.objectContaining({ field: 'priority', from: 'p3', to: 'p1', by: 'user:usr_lead' }),
      ]);
      const due = changed.clocks.find((c) => c.id === 'first-response')?.due;
      expect(new Date(due!).getTime() - ticket.createdAt.getTime()).toBe(15 * 60_000);
      const audit = await database.inWorkspace(ws, (tx) =>
        tx.select().from(auditLog).where(eq(auditLog.action, 'ticket.priority.overridden')),
      );
      expect(audit.length).toBeGreaterThanOrEqual(1);
      await expect(updateTicket(ctx, ws, ticket.number, { priority: 'p9' }, 'user:x')).rejects.toThrow(/p9/);
    });

    it('counts a reopen within the window, and a customer reply reopens a resolved ticket', async () => {
      const { ticket } = await createTicket(ctx, ws, {
        title: 'Printer',
        text: 'Printer offline',
        channel: 'email',
        requester: { email: email(5) },
        priority: 'p3',
        actor: 'smtp',
        author: { type: 'customer' },
      });
      const resolved = await resolveTicket(ctx, ws, ticket.number, {}, 'user:usr_agent');
      expect(resolved.status).toBe('resolved');
      expect(resolved.resolvedAt).not.toBeNull();
      clock.advance(60 * 60_000);
      const replied = await addMessage(ctx, ws, ticket.number, {
        kind: 'reply',
        author: { type: 'customer' },
        text: 'Still offline',
        actor: 'smtp',
      });
      expect(replied.ticket.status).toBe('open');
      expect(replied.ticket.reopenedCount).toBe(1);
      expect(replied.ticket.reopenedInWindow).toBe(true);
      await resolveTicket(ctx, ws, ticket.number, {}, 'user:usr_agent');
      const again = await reopenTicket(ctx, ws, ticket.number, 'user:usr_agent');
      expect(again.reopenedCount).toBe(2);
    });

    it('merges a duplicate: its messages move, it is resolved and points at the target', async () => {
      const a = await createTicket(ctx, ws, {
        title: 'Login fails',
        text: 'first',
        channel: 'email',
        requester: { email: email(6) },
        priority: 'p2',
        actor: 'smtp',
        author: { type: 'customer' },
      });
      const b = await createTicket(ctx, ws, {
        title: 'Login fails again',
        text: 'second',
        channel: 'email',
        requester: { email: email(6) },
        priority: 'p2',
        actor: 'smtp',
        author: { type: 'customer' },
      });
      const target = await mergeTickets(ctx, ws, b.ticket.number, a.ticket.number, 'user:usr_agent');
      const messages = await database.inWorkspace(ws, (tx) =>
        tx.select().from(ticketMessages).where(eq(ticketMessages.ticketId, target.id)),
      );
      expect(messages.map((m) => m.bodyText)).toEqual(
        expect.arrayContaining([
          'first',
          'second',
          `Ticket #${b.ticket.number} was merged into this ticket.`,
        ]),
      );
      await expect(
        addMessage(ctx, ws, b.ticket.number, {
          kind: 'note',
          author: { type: 'agent' },
          text: 'x',
          actor: 'user:x',
        }),
      ).rejects.toThrow(/merged/);
    });

    it('shares L1 tickets round-robin among the agents on shift', async () => {
      const agents = ['a', 'b', 'c'].map((x) => `usr_rr_${x}_${engine.name}`);
      for (const [i, id] of agents.entries()) {
        await database.db
          .insert(users)
          .values({ id, email: `${id}@shop.test`, name: id })
          .onConflictDoNothing();
        await database.inWorkspace(ws, async (tx) => {
          await tx.insert(memberships).values({ workspaceId: ws, userId: id, role: 'agent-l1' });
          await tx
            .insert(supportAgents)
            .values({ workspaceId: ws, userId: id, tiers: ['l1-support'], onShift: i < 2 });
        });
      }
      const pack = await loadPack('packs/shopsmart-pro');
      // ShopSmart's pack shares L1 round-robin (its README records the choice).
      expect(pack.ok && pack.pack.desk?.assignment.find((a) => a.tier === 'l1-support')?.strategy).toBe(
        'round-robin',
      );
      const got: (string | null)[] = [];
      for (let i = 0; i < 4; i++) {
        clock.advance(1000);
        const { ticket } = await createTicket(ctx, ws, {
          title: `Q${i}`,
          text: 'q',
          channel: 'email',
          requester: { email: email(7) },
          priority: 'p3',
          tier: 'l1-support',
          actor: 'smtp',
          author: { type: 'customer' },
        });
        got.push(ticket.assigneeId);
      }
      // Agent c is off shift: a and b alternate.
      expect(new Set(got)).toEqual(new Set([agents[0], agents[1]]));
      expect(got[0]).not.toBe(got[1]);
      expect(got[2]).toBe(got[0]);
    });
  });
}
