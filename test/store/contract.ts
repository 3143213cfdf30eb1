/**
 * The store contract: what every storage engine must do, run against each (as Hono runs one router suite
 * against every router). Isolation (S2), append-only history, keyed timers, the outbox and atomicity.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendTimeline, readTimeline } from '../../src/engine/timeline.js';
import { enqueueMessage } from '../../src/engine/outbox.js';
import { cancelTimer, claimDueTimers, scheduleTimer } from '../../src/engine/timers.js';
import type { Database } from '../../src/store/database.js';
import { pgCode, rowsOf } from '../../src/store/database.js';
import { migrationStatus } from '../../src/store/migrate.js';
import { memberships, outbox, timelineEvents, timers, users, workspaces } from '../../src/store/schema.js';
import type { EngineUnderTest, OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const T0 = new Date('2026-03-01T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function seedTenant(database: Database, workspaceId: string, tag: string): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    await appendTimeline(tx, workspaceId, {
      subject: `tkt_${tag}`,
      type: 'ticket.created',
      actor: 'test',
      data: { tag },
    });
    await scheduleTimer(tx, workspaceId, {
      key: `tkt_${tag}:sla`,
      kind: 'sla',
      subject: `tkt_${tag}`,
      runAt: at(10),
    });
    await enqueueMessage(tx, workspaceId, {
      idempotencyKey: `tkt_${tag}:welcome`,
      channel: 'email',
      payload: { tag },
    });
  });
}

export function runStoreContract(engine: EngineUnderTest): void {
  describe.runIf(engine.available)(`store contract: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let a: string;
    let b: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      a = await createWorkspace(database, 'A');
      b = await createWorkspace(database, 'B');
      await seedTenant(database, a, 'a');
      await seedTenant(database, b, 'b');
    });
    afterAll(async () => opened?.close());

    it('has every migration applied', async () => {
      const status = await migrationStatus(database.db);
      expect(status.current).toBe(true);
      expect(status.applied).toBe(status.expected);
    });

    it('runs as opsbook_app: not a superuser, not BYPASSRLS, owner of no table (S2)', async () => {
      const [role] = rowsOf<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean }>(
        await database.db.execute(
          sql`select current_user, r.rolsuper, r.rolbypassrls from pg_roles r where r.rolname = current_user`,
        ),
      );
      expect(role).toEqual({ current_user: 'opsbook_app', rolsuper: false, rolbypassrls: false });
      const owned = rowsOf<{ relname: string }>(
        await database.db.execute(
          sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r' and pg_get_userbyid(c.relowner) = current_user`,
        ),
      );
      expect(owned).toEqual([]);
    });

    it('logs in, on PostgreSQL, as a role that cannot switch to one bypassing RLS', async () => {
      const [login] = rowsOf<{ privileged: boolean }>(
        await database.db.execute(
          sql`select bool_or(rolsuper or rolbypassrls) as privileged from pg_roles where rolname = session_user`,
        ),
      );
      // PGlite's single user is its superuser: the process owns the folder, and is the only client.
      expect(login?.privileged).toBe(engine.name === 'pglite');
      expect(database.loginCanBypassRls).toBe(engine.name === 'pglite');
      if (engine.name === 'postgres') {
        await expect(database.db.execute(sql`set role postgres`)).rejects.toThrow();
      }
    });

    it('enables and forces row-level security on every table with a workspace_id (S2)', async () => {
      const tables = rowsOf<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        await database.db.execute(
          sql`select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
              join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r'
                and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped)
                     or c.relname = 'workspaces')
              order by c.relname`,
        ),
      );
      expect(tables.map((t) => t.relname)).toEqual([
        'account_contacts',
        'accounts',
        'alerts',
        'api_tokens',
        'audit_heads',
        'audit_log',
        'auto_replies',
        'check_days',
        'check_results',
        'check_status_changes',
        'checklist_items',
        'checklist_runs',
        'checkout_sessions',
        'component_status_changes',
        'component_uptime_days',
        'delivery_attempts',
        'destinations',
        'effects',
        'escalation_policies',
        'fact_receipts',
        'health_checks',
        'heartbeat_pings',
        'heartbeats',
        'incident_counters',
        'incident_reviews',
        'incident_updates',
        'incidents',
        'integrations',
        'invitations',
        'kb_articles',
        'mail_quarantine',
        'mailbox',
        'maintenance_windows',
        'masked_secrets',
        'memberships',
        'messaging_providers',
        'notifications',
        'oncall_overrides',
        'oncall_schedules',
        'outbox',
        'pack_versions',
        'pages',
        'payment_deliveries',
        'payment_webhooks',
        'record_counters',
        'records',
        'restore_drills',
        'status_components',
        'status_subscribers',
        'subjects',
        'support_addresses',
        'support_agents',
        'survey_invitations',
        'tasks',
        'threshold_states',
        'ticket_attachments',
        'ticket_counters',
        'ticket_messages',
        'tickets',
        'timeline_events',
        'timers',
        'unsubscribes',
        'vendor_scorecards',
        'workspaces',
      ]);
      const missing = tables.filter((t) => !t.relrowsecurity || !t.relforcerowsecurity).map((t) => t.relname);
      console.log(
        `RESULT S2 engine=${engine.name} tenant_tables=${tables.length} missing_rls=${missing.length}`,
      );
      expect(missing).toEqual([]);
    });

    it('shows no tenant rows to a query without a workspace', async () => {
      for (const table of [workspaces, memberships, timelineEvents, timers, outbox]) {
        expect(await database.db.select().from(table)).toEqual([]);
      }
      expect(await readTimeline(database.db, 'tkt_a')).toEqual([]);
    });

    it("never shows workspace B's rows inside workspace A", async () => {
      const seen = await database.inWorkspace(a, async (tx) => ({
        workspaces: (await tx.select().from(workspaces)).map((w) => w.id),
        timeline: (await tx.select().from(timelineEvents)).map((r) => r.workspaceId),
        timers: (await tx.select().from(timers)).map((r) => r.workspaceId),
        outbox: (await tx.select().from(outbox)).map((r) => r.workspaceId),
        bTimeline: await readTimeline(tx, 'tkt_b'),
      }));
      expect(seen).toEqual({ workspaces: [a], timeline: [a], timers: [a], outbox: [a], bTimeline: [] });
    });

    it('runs a report in one read-only snapshot of its own workspace', async () => {
      const seen = await database.inWorkspace(
        a,
        async (tx) => (await tx.select().from(timelineEvents)).map((r) => r.workspaceId),
        { report: true },
      );
      expect(seen).toEqual([a]);
      const refused = await database
        .inWorkspace(a, (tx) => appendTimeline(tx, a, { subject: 'tkt_a', type: 'x', actor: 'test' }), {
          report: true,
        })
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(pgCode(refused)).toBe('25006'); // read_only_sql_transaction
    });

    it("cannot write or change B's rows from inside A", async () => {
      await expect(
        database.inWorkspace(a, (tx) =>
          appendTimeline(tx, b, { subject: 'tkt_x', type: 'forged', actor: 'test' }),
        ),
      ).rejects.toThrow();
      const changed = await database.inWorkspace(a, (tx) =>
        tx
          .update(timers)
          .set({ runAt: at(999) })
          .where(eq(timers.workspaceId, b))
          .returning(),
      );
      expect(changed).toEqual([]);
      const deleted = await database.inWorkspace(a, (tx) =>
        tx.delete(outbox).where(eq(outbox.workspaceId, b)).returning(),
      );
      expect(deleted).toEqual([]);
      const bTimers = await database.inWorkspace(b, (tx) => tx.select().from(timers));
      expect(bTimers.map((t) => t.runAt)).toEqual([at(10)]);
    });

    it('lets a member read, but never change, their rows of another workspace', async () => {
      const userId = `usr_contract_${engine.name}`;
      await database.db
        .insert(users)
        .values({ id: userId, email: `${userId}@example.com`, name: 'Member of A and B' });
      for (const ws of [a, b]) {
        await database.inWorkspace(ws, (tx) =>
          tx.insert(memberships).values({ workspaceId: ws, userId, role: 'agent' }),
        );
      }
      const seen = await database.transaction(
        async (tx) => ({
          memberships: (await tx.select().from(memberships)).map((m) => m.workspaceId).sort(),
          workspaces: (await tx.select().from(workspaces)).map((w) => w.id).sort(),
        }),
        { userId },
      );
      expect(seen).toEqual({ memberships: [a, b].sort(), workspaces: [a, b].sort() });
      const changed = await database.inWorkspace(
        a,
        async (tx) => ({
          deleted: (await tx.delete(memberships).where(eq(memberships.userId, userId)).returning()).map(
            (m) => m.workspaceId,
          ),
          renamed: (
            await tx.update(workspaces).set({ name: 'hijacked' }).where(eq(workspaces.id, b)).returning()
          ).length,
        }),
        { userId },
      );
      expect(changed).toEqual({ deleted: [a], renamed: 0 });
      const inB = await database.inWorkspace(b, async (tx) => ({
        members: (await tx.select().from(memberships)).map((m) => m.userId),
        name: (await tx.select().from(workspaces))[0]?.name,
      }));
      expect(inB).toEqual({ members: [userId], name: 'B' });
    });

    it('keeps the timeline append-only, even for rows of the own workspace', async () => {
      await expect(
        database.inWorkspace(a, (tx) => tx.update(timelineEvents).set({ type: 'rewritten' })),
      ).rejects.toThrow();
      await expect(database.inWorkspace(a, (tx) => tx.delete(timelineEvents))).rejects.toThrow();
      const entries = await database.inWorkspace(a, (tx) => readTimeline(tx, 'tkt_a'));
      expect(entries.map((e) => e.type)).toEqual(['ticket.created']);
    });

    it('commits state, timeline, timers and outbox together or not at all', async () => {
      await expect(
        database.inWorkspace(a, async (tx) => {
          await appendTimeline(tx, a, { subject: 'tkt_atomic', type: 'ticket.created', actor: 'test' });
          await scheduleTimer(tx, a, {
            key: 'tkt_atomic:sla',
            kind: 'sla',
            subject: 'tkt_atomic',
            runAt: at(5),
          });
          await enqueueMessage(tx, a, { idempotencyKey: 'tkt_atomic:mail', channel: 'email', payload: {} });
          throw new Error('decided to fail');
        }),
      ).rejects.toThrow('decided to fail');
      const left = await database.inWorkspace(a, async (tx) => ({
        timeline: await readTimeline(tx, 'tkt_atomic'),
        timers: await tx.select().from(timers).where(eq(timers.subject, 'tkt_atomic')),
        outbox: await tx.select().from(outbox).where(eq(outbox.idempotencyKey, 'tkt_atomic:mail')),
      }));
      expect(left).toEqual({ timeline: [], timers: [], outbox: [] });
    });

    it('schedules timers by key: replace moves, keep-earliest keeps the earlier, cancel removes', async () => {
      const runAtOf = () =>
        database.inWorkspace(
          a,
          async (tx) => (await tx.select().from(timers).where(eq(timers.key, 'k:1')))[0]?.runAt,
        );
      await database.inWorkspace(a, (tx) =>
        scheduleTimer(tx, a, { key: 'k:1', kind: 'sla', subject: 's', runAt: at(30) }),
      );
      await database.inWorkspace(a, (tx) =>
        scheduleTimer(tx, a, { key: 'k:1', kind: 'sla', subject: 's', runAt: at(60) }),
      );
      expect(await runAtOf()).toEqual(at(60));
      await database.inWorkspace(a, (tx) =>
        scheduleTimer(tx, a, { key: 'k:1', kind: 'sla', subject: 's', runAt: at(90), mode: 'keep-earliest' }),
      );
      expect(await runAtOf()).toEqual(at(60));
      await database.inWorkspace(a, (tx) =>
        scheduleTimer(tx, a, { key: 'k:1', kind: 'sla', subject: 's', runAt: at(45), mode: 'keep-earliest' }),
      );
      expect(await runAtOf()).toEqual(at(45));
      expect(await database.inWorkspace(a, (tx) => cancelTimer(tx, a, 'k:1'))).toBe(true);
      expect(await database.inWorkspace(a, (tx) => cancelTimer(tx, a, 'k:1'))).toBe(false);
      expect(await runAtOf()).toBeUndefined();
    });

    it('claims only due timers, across workspaces, each once while its lease holds', async () => {
      expect(await claimDueTimers(database, 'w1', 100, 30, at(9))).toEqual([]);
      const first = await claimDueTimers(database, 'w1', 100, 30, at(10));
      expect(first.map((t) => t.workspaceId).sort()).toEqual([a, b].sort());
      expect(await claimDueTimers(database, 'w2', 100, 30, new Date(at(10).getTime() + 29_000))).toEqual([]);
      // The lease lapses 30 s after the claim: then another worker may take them.
      const retaken = await claimDueTimers(database, 'w2', 100, 30, new Date(at(10).getTime() + 30_000));
      expect(retaken.map((t) => t.key).sort()).toEqual(['tkt_a:sla', 'tkt_b:sla']);
      expect(retaken.every((t) => t.attempts === 2)).toBe(true);
    });

    it('records an effect once per idempotency key, with an id derived from it', async () => {
      const first = await database.inWorkspace(a, (tx) =>
        enqueueMessage(tx, a, { idempotencyKey: 'dup:1', channel: 'email', payload: { n: 1 } }),
      );
      const again = await database.inWorkspace(a, (tx) =>
        enqueueMessage(tx, a, { idempotencyKey: 'dup:1', channel: 'email', payload: { n: 2 } }),
      );
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: first.id, created: false });
      const rows = await database.inWorkspace(a, (tx) =>
        tx.select().from(outbox).where(eq(outbox.idempotencyKey, 'dup:1')),
      );
      expect(rows.map((r) => r.payload)).toEqual([{ n: 1 }]);
    });
  });
}
