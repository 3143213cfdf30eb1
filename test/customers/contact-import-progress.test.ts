/**
 * The contact import's progress as NDJSON (`Accept: application/x-ndjson`), through inject() on both
 * engines, on the Smart Estate demo: a line when the file is being checked, one per chunk written, then the
 * same report the plain JSON answer gives; a client that does not ask gets the JSON answer as before; a
 * refusal before checking starts (no such account) is still a plain problem with its status; and, on
 * PostgreSQL, a phone taken by another transaction while the file is written ends the stream with the
 * conflict's problem and imports nothing.
 */
import { count as countOf, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { rowsOf } from '../../src/store/database.js';
import { accountContacts } from '../../src/store/schema-customers.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, PG_ADMIN_URL, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
type Line =
  | { phase: 'checking' }
  | { phase: 'writing'; rows: number; done: number; total: number }
  | { phase: 'done'; report: { imported: boolean; rows: number; created: number; problems: unknown[] } }
  | { phase: 'failed'; problem: { status: number; code: string } };

/** `count` residents of Green Acres with distinct valid Indian mobile numbers from `first`. */
function residents(count: number, first = 0): string {
  const lines = ['name,phone,unit,estate'];
  for (let i = first; i < first + count; i++)
    lines.push(`Resident ${i},+91987${String(i).padStart(7, '0')},A-${i},Green Acres`);
  return lines.join('\n');
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`contact import progress: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    const upload = (account: string, csv: string, query: string, accept?: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/accounts/${account}/contacts/import?country=IN&${query}`,
        headers: {
          cookie: owner.cookie,
          'x-csrf-token': owner.csrfToken,
          'content-type': 'text/csv',
          ...(accept ? { accept } : {}),
        },
        payload: csv,
      });
    const lines = (body: string) =>
      body
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line);
    const count = async (account: string) => {
      const [row] = await t.database.inWorkspace(ws, (tx) =>
        tx.select({ n: countOf() }).from(accountContacts).where(eq(accountContacts.accountId, account)),
      );
      return row?.n;
    };

    /**
     * Polls until a session of this database waits for a lock (the import's insert of the taken phone).
     * As the server's superuser: the app's login sees no wait events of its other sessions.
     */
    const waitForALockWait = async () => {
      const [{ name } = { name: '' }] = rowsOf<{ name: string }>(
        await t.database.inWorkspace(ws, (tx) => tx.execute(sql`select current_database() as name`)),
      );
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        for (let waited = 0; waited < 30_000; waited += 50) {
          const r = await admin.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'",
            [name],
          );
          if ((r.rows[0]?.n ?? 0) > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('the import never waited for the other transaction');
      } finally {
        await admin.end();
      }
    };

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
      for (const [id, name] of [
        ['GA-1', 'Green Acres'],
        ['LV-2', 'Lake View'],
      ]) {
        const r = await t.app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}/accounts`,
          headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
          payload: { id, name, kind: 'estate' },
        });
        expect(r.statusCode).toBe(201);
      }
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('streams checking, each chunk written and the report; without asking, the JSON answer', async () => {
      const csv = residents(5_000);
      const plain = await upload('GA-1', csv, 'dryRun=true');
      expect(plain.statusCode).toBe(200);
      expect(plain.headers['content-type']).toMatch(/^application\/json/);
      expect(plain.json()).toMatchObject({ dryRun: true, rows: 5_000, created: 5_000, problems: [] });

      const dry = await upload('GA-1', csv, 'dryRun=true', 'application/x-ndjson');
      expect(dry.statusCode).toBe(200);
      expect(dry.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(lines(dry.body)).toEqual([{ phase: 'checking' }, { phase: 'done', report: plain.json() }]);

      const real = await upload('GA-1', csv, 'dryRun=false', 'application/x-ndjson');
      const got = lines(real.body);
      expect(got.map((l) => (l.phase === 'writing' ? `writing ${l.done}/${l.total}` : l.phase))).toEqual([
        'checking',
        'writing 0/5000',
        'writing 2000/5000',
        'writing 4000/5000',
        'writing 5000/5000',
        'done',
      ]);
      expect(got.at(-1)).toEqual({
        phase: 'done',
        report: { ...plain.json(), dryRun: false, imported: true },
      });
      expect(await count('GA-1')).toBe(5_000);
    });

    it('answers a refusal before checking as a plain problem, and a refused file in the report', async () => {
      const missing = await upload('NOPE', residents(10), 'dryRun=false', 'application/x-ndjson');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);

      const bad = `${residents(3, 90_000)}\nDup,+919870090000,A-9,Green Acres`;
      const refused = lines((await upload('GA-1', bad, 'dryRun=false', 'application/x-ndjson')).body);
      expect(refused.map((l) => l.phase)).toEqual(['checking', 'done']);
      expect(refused[1]).toMatchObject({ report: { imported: false, rows: 4 } });
      expect(await count('GA-1')).toBe(5_000);
    });

    it.runIf(engine.name === 'postgres')(
      'ends with the conflict when another transaction takes a phone of the file meanwhile',
      async () => {
        const other = await opened.second();
        let release = () => {};
        let inserted = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        const taken = new Promise<void>((resolve) => (inserted = resolve));
        // Another estate's contact with the file's last phone, not yet committed: the import does not see
        // it when it checks, and its insert waits for that transaction, then fails on the unique phone.
        const taker = other.inWorkspace(ws, async (tx) => {
          await tx.execute(sql`
            insert into account_contacts (id, workspace_id, account_id, name, phone, status, created_at, updated_at)
            values ('ctc_taker', ${ws}, 'LV-2', 'Taker', '+919870070099', 'active', now(), now())`);
          inserted();
          await held;
        });
        await taken;
        // inject() sends when awaited: start it now.
        const importing = Promise.resolve(
          upload('GA-1', residents(100, 70_000), 'dryRun=false', 'application/x-ndjson'),
        );
        try {
          await waitForALockWait();
        } finally {
          release();
          await taker;
        }
        const got = lines((await importing).body);
        expect(got.map((l) => l.phase)).toEqual(['checking', 'writing', 'failed']);
        expect(got.at(-1)).toMatchObject({ problem: { status: 409, code: 'OPS_CONFLICT' } });
        expect(await count('GA-1')).toBe(5_000);
      },
      60_000,
    );
  });
}
