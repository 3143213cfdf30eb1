/**
 * Resident import through inject() on both engines, on the Smart Estate demo ("Resident Data SOP"): a dry
 * run reports without writing; a file with any problem (a duplicate phone, a resident of another estate, a
 * phone already taken by another estate) imports nothing; a good file imports all; the same file again
 * changes nothing; a re-import with changes updates and, when asked, suspends the missing residents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Report {
  dryRun: boolean;
  imported: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  suspended: number;
  fatal: { code: string; message: string } | null;
  problems: { line: number; code: string; message: string }[];
}

const GOOD = [
  'name,phone,unit,estate,role',
  'Meera Iyer,+91 98450 11111,A-101,Green Acres,resident',
  'Arjun Rao,09845022222,A-102,Green Acres,',
  'Kavya Nair,+919845033333,B-201,GA-1,guard',
].join('\r\n');

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`contact import: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let owner: Session;
    let ws: string;
    const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
      t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        ...(payload ? { payload } : {}),
      });
    const upload = async (account: string, csv: string, query: string) => {
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/accounts/${account}/contacts/import?country=IN&${query}`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken, 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json<Report>();
    };
    const contacts = async (account: string) =>
      (await call('GET', `/accounts/${account}/contacts?limit=500`)).json<{
        items: { name: string; phone: string; unit: string; role: string; status: string }[];
      }>().items;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      owner = await signInAs(t.app, 'owner@smart-estate.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces.find((w) => w.slug === 'smart-estate')!.id;
      for (const [id, name] of [
        ['GA-1', 'Green Acres'],
        ['LV-2', 'Lake View'],
      ])
        expect((await call('POST', '/accounts', { id, name, kind: 'estate' })).statusCode).toBe(201);
      const taken = await call('POST', '/accounts/LV-2/contacts', { name: 'Lake', phone: '+919845099999' });
      expect(taken.statusCode).toBe(201);
    }, 120_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    it('reports a dry run without writing, then imports the good file whole', async () => {
      const dry = await upload('GA-1', GOOD, 'role=resident');
      expect(dry).toMatchObject({ dryRun: true, imported: false, rows: 3, created: 3, problems: [] });
      expect(await contacts('GA-1')).toEqual([]);
      const real = await upload('GA-1', GOOD, 'role=resident&dryRun=false');
      expect(real).toMatchObject({ imported: true, created: 3 });
      const rows = await contacts('GA-1');
      expect(rows.map((c) => [c.name, c.phone, c.role]).sort()).toEqual([
        ['Arjun Rao', '+919845022222', 'resident'],
        ['Kavya Nair', '+919845033333', 'guard'],
        ['Meera Iyer', '+919845011111', 'resident'],
      ]);
      // The same file again: every row is there already, nothing changes.
      expect(await upload('GA-1', GOOD, 'dryRun=false')).toMatchObject({
        created: 0,
        updated: 0,
        unchanged: 3,
      });
    });

    it('imports nothing from a file with a duplicate phone, another estate or a taken phone', async () => {
      const bad = [
        'name,phone,unit,estate',
        'Dev,+919845044444,C-301,Green Acres',
        'Dev again,9845044444,C-302,Green Acres',
        'Outsider,+919845055555,D-1,Lake View',
        'Borrowed,+919845099999,C-303,Green Acres',
      ].join('\n');
      const report = await upload('GA-1', bad, 'dryRun=false');
      expect(report.imported).toBe(false);
      const codes = report.problems.map((p) => [p.line, p.code]);
      expect(codes).toEqual(
        expect.arrayContaining([
          [2, 'IMPORT_DUPLICATE_PHONE'],
          [3, 'IMPORT_DUPLICATE_PHONE'],
          [4, 'IMPORT_OTHER_ACCOUNT'],
          [5, 'IMPORT_PHONE_TAKEN'],
        ]),
      );
      expect(await contacts('GA-1')).toHaveLength(3);
      const header = await upload('GA-1', 'name,mobile,estate\nX,+919845066666,Green Acres', 'dryRun=false');
      expect(header.fatal?.code).toBe('IMPORT_HEADER');
      expect(header.fatal?.message).toContain('unit');
    });

    it('updates changed rows on a re-import and suspends, never deletes, the missing ones of its roles', async () => {
      const next = ['name,phone,unit,estate', 'Meera Iyer,+919845011111,A-109,Green Acres'].join('\n');
      const report = await upload('GA-1', next, 'dryRun=false&suspendAbsent=true');
      expect(report).toMatchObject({ imported: true, updated: 1, suspended: 1 });
      const rows = await contacts('GA-1');
      expect(rows).toHaveLength(3);
      expect(rows.find((c) => c.name === 'Meera Iyer')).toMatchObject({ unit: 'A-109', status: 'active' });
      // A residents file says nothing of the guards: Kavya stays active.
      expect(rows.filter((c) => c.status === 'suspended').map((c) => c.name)).toEqual(['Arjun Rao']);
      expect(rows.find((c) => c.name === 'Kavya Nair')?.status).toBe('active');
    });

    it('refuses a role the pack does not have, and a body that is not a file', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/accounts/GA-1/contacts/import?country=IN&role=astronaut`,
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken, 'content-type': 'text/csv' },
        payload: GOOD,
      });
      expect(r.statusCode).toBe(400);
      expect(r.body).toContain('resident');
      const json = await call('POST', '/accounts/GA-1/contacts/import?country=IN', { rows: [] });
      expect(json.statusCode).toBe(415);
    });
  });
}
