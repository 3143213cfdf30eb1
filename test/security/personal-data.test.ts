/**
 * Secrets pasted into records are masked and only admins reveal them (audited); a contact's personal data
 * is exported and erased on request (RELIABILITY S14's "except the audit record of the deletion"), on both
 * database engines, with history rows rewritten only by an erasure.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { newId } from '../../src/shared/ids.js';
import { pgCode, rowsOf } from '../../src/store/database.js';
import { memberships, users } from '../../src/store/schema.js';
import { statusSubscribers } from '../../src/store/schema-incidents.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

const EMAIL = 'Jane.Doe@example.com';
const PASSWORD_TEXT = 'S3cret-Value!42';
const CARD = '4242 4242 4242 4242';

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`masking and personal data: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Awaited<ReturnType<typeof signInAs>>;
    let agent: Awaited<ReturnType<typeof signInAs>>;
    let ws = '';
    const h = (s: Awaited<ReturnType<typeof signInAs>>) => ({
      cookie: s.cookie,
      'x-csrf-token': s.csrfToken,
    });

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@sofacover.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces[0]!.id;
      const id = newId('usr', Date.now());
      await opened.database.db.insert(users).values({
        id,
        email: 'agent@pd.test',
        name: 'Agent',
        passwordHash: await hashPassword(DEMO_PASSWORD),
      });
      await opened.database.inWorkspace(ws, (tx) =>
        tx.insert(memberships).values({ workspaceId: ws, userId: id, role: 'agent-l1' }),
      );
      agent = await signInAs(t.app, 'agent@pd.test', DEMO_PASSWORD);
    }, 120_000);

    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    let secretId = '';

    it('masks a password and a card pasted into a ticket, for everyone', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/events`,
        headers: h(agent),
        payload: {
          type: 'ticket.created',
          ticket: 'PD-1',
          priority: 'p2',
          channel: 'email-support',
          customer: EMAIL,
          body: `Hi, I am ${EMAIL}. My password: ${PASSWORD_TEXT} and card ${CARD}, please fix`,
        },
      });
      expect(r.statusCode, r.body).toBe(202);
      const masked = r.json<{ masked: { field: string; kinds: string[]; secretId: string }[] }>().masked;
      expect(masked).toEqual([
        expect.objectContaining({
          field: '/body',
          kinds: expect.arrayContaining(['password', 'card-number']),
        }),
      ]);
      secretId = masked[0]!.secretId;
      const stored = JSON.stringify(
        rowsOf(
          await opened.database.inWorkspace(ws, (tx) =>
            tx.execute(
              sql`select s.state, t.data from subjects s join timeline_events t on t.subject = s.key`,
            ),
          ),
        ),
      );
      expect(stored).not.toContain(PASSWORD_TEXT);
      expect(stored).not.toContain('4242 4242 4242 4242');
      const sealed = JSON.stringify(
        rowsOf(await opened.database.inWorkspace(ws, (tx) => tx.execute(sql`select * from masked_secrets`))),
      );
      expect(sealed).not.toContain(PASSWORD_TEXT);
    });

    it('reveals the original to an admin only, and audits the reading', async () => {
      const url = `/api/v1/workspaces/${ws}/secrets/${secretId}`;
      const refused = await t.app.inject({ url, headers: h(agent) });
      expect(refused.statusCode).toBe(403);
      const shown = await t.app.inject({ url, headers: h(owner) });
      expect(shown.statusCode).toBe(200);
      expect(shown.headers['cache-control']).toBe('no-store');
      expect(shown.json<{ original: string }>().original).toContain(PASSWORD_TEXT);
      const audit = await t.app.inject({ url: `/api/v1/workspaces/${ws}/audit`, headers: h(owner) });
      const actions = audit.json<{ items: { action: string; target: string; data: unknown }[] }>().items;
      expect(actions.find((a) => a.action === 'secret.revealed')).toMatchObject({ target: secretId });
      expect(JSON.stringify(actions)).not.toContain(PASSWORD_TEXT);
    });

    it("exports a contact's records by email, to people with personal-data.manage only", async () => {
      const url = `/api/v1/workspaces/${ws}/personal-data?email=${encodeURIComponent(EMAIL.toLowerCase())}`;
      expect((await t.app.inject({ url, headers: h(agent) })).statusCode).toBe(403);
      const r = await t.app.inject({ url, headers: h(owner) });
      expect(r.statusCode).toBe(200);
      const body = r.json<{ subjects: { key: string }[]; timeline: unknown[] }>();
      expect(body.subjects.map((s) => s.key)).toEqual(['ticket:PD-1']);
      expect(body.timeline.length).toBeGreaterThan(0);
    });

    it('erases the email everywhere but the audit record of the erasure, which keeps only a hash', async () => {
      // A status-page subscription by that email (confirmed): erased with the rest.
      await opened.database.inWorkspace(ws, (tx) =>
        tx.insert(statusSubscribers).values({
          id: newId('sub', Date.now()),
          workspaceId: ws,
          kind: 'email',
          address: EMAIL.toLowerCase(),
          tokenHash: 'f'.repeat(64),
          confirmedAt: new Date(),
        }),
      );
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/personal-data/erase`,
        headers: h(owner),
        payload: { email: EMAIL.toLowerCase() },
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ records: 1, secrets: 1, subscribers: 1 });
      expect(r.json<{ history: number }>().history).toBeGreaterThan(0);
      const left = rowsOf<{ n: number }>(
        await opened.database.inWorkspace(ws, (tx) =>
          tx.execute(sql`select
              (select count(*) from subjects where state::text ilike ${`%${EMAIL}%`})
            + (select count(*) from timeline_events where data::text ilike ${`%${EMAIL}%`})
            + (select count(*) from effects where data::text ilike ${`%${EMAIL}%`})
            + (select count(*) from outbox where payload::text ilike ${`%${EMAIL}%`})
            + (select count(*) from status_subscribers where address ilike ${`%${EMAIL}%`})
            + (select count(*) from audit_log where data::text ilike ${`%${EMAIL}%`} or target ilike ${`%${EMAIL}%`})
              as n`),
        ),
      )[0]!;
      expect(Number(left.n)).toBe(0);
      const again = await t.app.inject({
        url: `/api/v1/workspaces/${ws}/personal-data?email=${encodeURIComponent(EMAIL)}`,
        headers: h(owner),
      });
      expect(again.json<{ subjects: unknown[] }>().subjects).toEqual([]);
      expect(
        (await t.app.inject({ url: `/api/v1/workspaces/${ws}/secrets/${secretId}`, headers: h(owner) }))
          .statusCode,
      ).toBe(404);
      const audit = await t.app.inject({ url: `/api/v1/workspaces/${ws}/audit`, headers: h(owner) });
      const erased = audit
        .json<{ items: { action: string; target: string }[] }>()
        .items.find((a) => a.action === 'personal-data.erased');
      expect(erased?.target).toMatch(/^[0-9a-f]{64}$/);
      const verify = await t.app.inject({ url: `/api/v1/workspaces/${ws}/audit/verify`, headers: h(owner) });
      expect(verify.json()).toMatchObject({ ok: true });
    });

    it('still refuses any other change to history rows', async () => {
      const refused = async (fn: () => Promise<unknown>) => {
        const err = await fn().then(
          () => null,
          (e: unknown) => e,
        );
        expect(pgCode(err)).toBe('42501'); // insufficient_privilege: the trigger or the grant
      };
      await refused(() =>
        opened.database.inWorkspace(ws, (tx) =>
          tx.execute(sql`update timeline_events set data = '{}'::jsonb`),
        ),
      );
      await refused(() =>
        opened.database.inWorkspace(ws, async (tx) => {
          await tx.execute(sql`select set_config('opsbook.erasure', 'on', true)`);
          await tx.execute(sql`update timeline_events set type = 'forged'`);
        }),
      );
      await refused(() =>
        opened.database.inWorkspace(ws, (tx) => tx.execute(sql`delete from timeline_events`)),
      );
    });
  });
}
