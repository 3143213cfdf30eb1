/**
 * A security incident is restricted (SOP-008): whoever may not read security incidents learns neither its
 * title nor its existence, through any route, on both engines. Declared by ShopSmart's owner as a data
 * breach, it is tried by an L1 agent (records.read, incidents.write, no security-incidents.read): the room,
 * the engine's record and its events, the alerts list filtered by the incident, an alert of it, and the
 * messages the declaration sent to the route's channels.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { newId } from '../../src/shared/ids.js';
import { memberships, outbox, users } from '../../src/store/schema.js';
import { alerts } from '../../src/store/schema-incidents.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const TITLE = 'SQL injection in the admin panel';
type Session = Awaited<ReturnType<typeof signInAs>>;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`a restricted incident stays hidden: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let agent: Session;
    let ws: string;
    let number: number;
    let alertId: string;
    const as = (who: Session, method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken },
        ...(payload ? { payload } : {}),
      });

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'shopsmart')!.id;
      const id = newId('usr', Date.now());
      await opened.database.db.insert(users).values({
        id,
        email: 'l1@restricted.test',
        name: 'L1 Agent',
        passwordHash: await hashPassword(DEMO_PASSWORD),
      });
      await opened.database.inWorkspace(ws, (tx) =>
        tx.insert(memberships).values({ workspaceId: ws, userId: id, role: 'agent-l1' }),
      );
      agent = await signInAs(t.app, 'l1@restricted.test', DEMO_PASSWORD);
      const declared = await as(owner, 'POST', '/incidents', { title: TITLE, kind: 'data-breach' });
      expect(declared.statusCode, declared.body).toBe(201);
      number = declared.json<{ number: number }>().number;
      const incidentId = declared.json<{ id: string }>().id;
      // An alert joined to it (as a monitor's alert would be), whose summary names the breach.
      alertId = newId('alr', Date.now());
      await opened.database.inWorkspace(ws, (tx) =>
        tx.insert(alerts).values({
          id: alertId,
          workspaceId: ws,
          source: 'generic:int_restricted',
          dedupKey: 'admin-sqli',
          status: 'firing',
          severity: 'sev1',
          summary: TITLE,
          incidentId,
          startedAt: new Date(),
          lastSeenAt: new Date(),
        }),
      );
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('answers the agent exactly as for an incident that does not exist', async () => {
      const missing = 999_999;
      const pairs: [string, string][] = [
        [`/incidents/${number}`, `/incidents/${missing}`],
        [`/subjects/incident:${number}`, `/subjects/incident:${missing}`],
        [`/alerts/${alertId}`, '/alerts/alr_doesnotexist'],
      ];
      for (const [hidden, absent] of pairs) {
        const a = await as(agent, 'GET', hidden);
        const b = await as(agent, 'GET', absent);
        expect(a.statusCode, hidden).toBe(404);
        expect(a.body).not.toContain(TITLE);
        const detail = (r: typeof a) => r.json<{ detail: string }>().detail.replace(/\d+|alr_\w+/g, 'X');
        if (!hidden.startsWith('/alerts')) expect(detail(a), hidden).toBe(detail(b));
      }
      // The agent may record events (events.write), but not on an incident it may not see.
      const event = (n: number) =>
        as(agent, 'POST', '/events', { type: 'incident.updated', incident: String(n), audience: 'internal' });
      const [onHidden, onAbsent] = [await event(number), await event(missing)];
      expect(onAbsent.statusCode, onAbsent.body).toBe(404);
      expect(onHidden.statusCode).toBe(404);
      expect(onHidden.json<{ detail: string }>().detail.replace(/\d+/g, 'X')).toBe(
        onAbsent.json<{ detail: string }>().detail.replace(/\d+/g, 'X'),
      );
      const listed = await as(agent, 'GET', `/alerts?incident=${number}&status=all`);
      expect(listed.statusCode).toBe(200);
      expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
      const all = await as(agent, 'GET', '/alerts?status=all&limit=200');
      expect(all.body).not.toContain(TITLE);
      expect((await as(agent, 'POST', `/alerts/${alertId}/resolve`)).statusCode).toBe(404);
    });

    it('shows the owner (security-incidents.read) everything', async () => {
      expect((await as(owner, 'GET', `/incidents/${number}`)).body).toContain(TITLE);
      expect((await as(owner, 'GET', `/subjects/incident:${number}`)).statusCode).toBe(200);
      const listed = await as(owner, 'GET', `/alerts?incident=${number}&status=all`);
      expect(listed.json<{ items: { summary: string }[] }>().items.map((a) => a.summary)).toEqual([TITLE]);
    });

    it("keeps the title out of the engine's record and of every message the declaration sent", async () => {
      const record = await as(owner, 'GET', `/subjects/incident:${number}`);
      expect(record.json<{ fields: { title: string } }>().fields.title).toBe(
        `Security incident INC-${number}`,
      );
      const sent = await opened.database.inWorkspace(ws, (tx) =>
        tx.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.workspaceId, ws)),
      );
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((m) => JSON.stringify(m.payload).includes(TITLE))).toEqual([]);
    });
  });
}
