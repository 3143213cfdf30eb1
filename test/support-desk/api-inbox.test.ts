/**
 * The inbox through inject(), on both engines: keyset pages return every ticket exactly once in every
 * sort (also with shared due times and tickets with none), the cursor is refused when forged or from
 * another sort; search finds by title, requester email and name, and by number; filters and queues
 * count open work; bulk changes report each ticket; another workspace's ticket is 404.
 */
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../src/modules/support/ticket-view.js';
import { rowsOf } from '../../src/store/database.js';
import { tickets } from '../../src/store/schema.js';
import { ENGINES } from '../support/databases.js';
import { openDesk, signInOther, type Desk } from './api-helpers.js';

type Page = { items: TicketView[]; nextCursor: string | null };

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`help-desk inbox: ${engine.title}`, () => {
    let desk: Desk;
    const made: TicketView[] = [];
    const email = (n: number) => `inbox-${n}-${engine.name}@shop.test`;

    beforeAll(async () => {
      desk = await openDesk(engine);
      const words = [
        'app is down',
        'export is not working',
        'how do i add a customer',
        'please add dark mode',
      ];
      for (let i = 0; i < 23; i++) {
        made.push(
          await desk.open({
            title: `Inbox ticket ${i} ${words[i % 4]}`,
            text: words[i % 4]!,
            channel: 'email',
            requester: { name: i === 5 ? 'Zubeida Quraishi' : `Customer ${i}`, email: email(i) },
          }),
        );
      }
      // Some resolved (no due time), and some sharing one due time, so keys tie.
      for (const t of made.slice(0, 4)) await desk.call('POST', `/tickets/${t.number}/resolve`, {});
      await desk.t.database.inWorkspace(desk.ws, (tx) =>
        tx
          .update(tickets)
          .set({
            nextDueAt: new Date('2030-01-01T00:00:00.123456Z'),
            updatedAt: new Date('2029-01-01T00:00:00Z'),
          })
          .where(
            inArray(
              tickets.number,
              made.slice(6, 12).map((t) => t.number),
            ),
          ),
      );
    }, 300_000);
    afterAll(async () => desk?.close());

    async function pageAll(query: string, limit: number): Promise<number[]> {
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i++) {
        const r = await desk.call(
          'GET',
          `/tickets?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(r.statusCode, r.body).toBe(200);
        const page = r.json<Page>();
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((t) => t.number));
        cursor = page.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error('paging did not end');
    }

    it('returns every ticket exactly once, page after page, in every sort', async () => {
      for (const sort of ['due', 'updated', 'created']) {
        const whole = (await desk.call('GET', `/tickets?status=all&sort=${sort}&limit=200`)).json<Page>();
        const all = whole.items.map((t) => t.number);
        expect(all.length).toBeGreaterThanOrEqual(made.length);
        expect(new Set(all).size).toBe(all.length);
        for (const limit of [1, 4, 7]) expect(await pageAll(`status=all&sort=${sort}`, limit)).toEqual(all);
      }
      // Due order: soonest first, the tickets with no due time (resolved) last.
      const due = (await desk.call('GET', '/tickets?status=all&sort=due&limit=200')).json<Page>().items;
      const keys = due.map((t) => (t.nextDueAt ? Date.parse(t.nextDueAt) : Infinity));
      expect([...keys].sort((a, b) => a - b)).toEqual(keys);
      // The default inbox is open work only.
      const open = await pageAll('sort=due', 5);
      expect(open).not.toContain(made[0]!.number);
      expect(open).toContain(made[4]!.number);
    });

    it('refuses a forged cursor or one of another sort, precisely', async () => {
      const first = (await desk.call('GET', '/tickets?status=all&sort=created&limit=2')).json<Page>();
      const other = await desk.call('GET', `/tickets?status=all&sort=due&cursor=${first.nextCursor}`);
      expect(other.statusCode).toBe(400);
      expect(other.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/querystring/cursor');
      for (const forged of [
        'not-a-cursor',
        Buffer.from('{"s":"due","k":"1; drop table tickets","n":1}').toString('base64url'),
      ]) {
        const r = await desk.call('GET', `/tickets?cursor=${forged}`);
        expect(r.statusCode).toBe(400);
        expect(r.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('finds tickets by title words, requester email and name, and number', async () => {
      const find = async (q: string) =>
        (await desk.call('GET', `/tickets?status=all&limit=200&q=${encodeURIComponent(q)}`))
          .json<Page>()
          .items.map((t) => t.number);
      expect(await find('dark mode')).toEqual(
        expect.arrayContaining(made.filter((_, i) => i % 4 === 3).map((t) => t.number)),
      );
      expect(await find('dark mode')).not.toContain(made[0]!.number);
      expect(await find(email(7))).toEqual([made[7]!.number]);
      expect(await find(`inbox-7-${engine.name}`)).toEqual([made[7]!.number]);
      expect(await find('zubeida')).toEqual([made[5]!.number]);
      expect(await find(`#${made[9]!.number}`)).toContain(made[9]!.number);
      expect(await find("' OR 1=1 --")).toEqual([]);
      expect(await find('&|!():*')).toEqual([]);
    });

    it('searches open work in the inbox view, and every status when asked', async () => {
      const word = `quasar${engine.name}`;
      const open = await desk.call('POST', '/tickets', {
        title: `Open ${word} ticket`,
        text: 'Still open.',
        requester: { email: 'open.search@example.test' },
      });
      const done = await desk.call('POST', '/tickets', {
        title: `Resolved ${word} ticket`,
        text: 'Done.',
        requester: { email: 'done.search@example.test' },
      });
      const [o, d] = [open.json<{ number: number }>().number, done.json<{ number: number }>().number];
      expect((await desk.call('POST', `/tickets/${d}/resolve`, {})).statusCode).toBe(200);
      const numbers = async (query: string) =>
        (await desk.call('GET', `/tickets?limit=200&${query}`)).json<Page>().items.map((t) => t.number);
      expect(await numbers(`q=${word}`)).toEqual([o]);
      expect((await numbers(`status=all&q=${word}`)).sort()).toEqual([o, d].sort());
      expect(await numbers(`status=resolved&q=${word}`)).toEqual([d]);
    });

    it('filters by priority and breach, and counts open work per tier', async () => {
      const p4 = (await desk.call('GET', '/tickets?priority=p4&limit=200')).json<Page>().items;
      expect(p4.length).toBeGreaterThan(0);
      expect(p4.every((t) => t.priority === 'p4')).toBe(true);
      expect((await desk.call('GET', '/tickets?breached=true')).json<Page>().items).toEqual([]);
      const queues = (await desk.call('GET', '/tickets/queues')).json<{ tier: string; open: number }[]>();
      expect(queues.map((q) => q.tier)).toEqual(['l1-support', 'l2-support', 'l3-tech', 'untiered']);
      const [open] = rowsOf<{ n: number }>(
        await desk.t.database.inWorkspace(desk.ws, (tx) =>
          tx.execute(
            sql`select count(*)::int as n from tickets where status not in ('resolved','closed') and merged_into is null`,
          ),
        ),
      );
      const n = open!.n;
      expect(queues.reduce((sum, q) => sum + q.open, 0)).toBe(n);
      const bad = await desk.call('GET', '/tickets?clock=first-response');
      expect(bad.statusCode).toBe(400);
    });

    it('applies a bulk change ticket by ticket and reports the ones it could not change', async () => {
      const numbers = [made[13]!.number, made[14]!.number, 987654];
      const r = await desk.call('POST', '/tickets/bulk', { numbers, action: 'priority', value: 'p2' });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({
        done: [made[13]!.number, made[14]!.number],
        failed: [{ number: 987654, detail: expect.stringContaining('987654') }],
      });
      const tagged = await desk.call('POST', '/tickets/bulk', {
        numbers: numbers.slice(0, 2),
        action: 'tag',
        value: 'vip',
      });
      expect(tagged.json<{ done: number[] }>().done).toHaveLength(2);
      const assigned = await desk.call('POST', '/tickets/bulk', {
        numbers: numbers.slice(0, 2),
        action: 'assign',
        value: desk.userId,
      });
      expect(assigned.json<{ done: number[] }>().done).toHaveLength(2);
      const mine = (await desk.call('GET', '/tickets?assignee=me&limit=200')).json<Page>().items;
      expect(mine.map((t) => t.number)).toEqual(expect.arrayContaining(numbers.slice(0, 2)));
      expect(mine.find((t) => t.number === made[13]!.number)).toMatchObject({
        priority: 'p2',
        tags: ['vip'],
      });
      const bad = await desk.call('POST', '/tickets/bulk', { numbers, action: 'status', value: 'resolved' });
      expect(bad.statusCode).toBe(400);
      const badPriority = await desk.call('POST', '/tickets/bulk', {
        numbers,
        action: 'priority',
        value: 'p0',
      });
      expect(badPriority.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/body/value');
    });

    it("answers 404 for another workspace's ticket, and changes nothing there", async () => {
      const other = await signInOther(desk, 'sofacover');
      const number = made[20]!.number;
      for (const [method, path, body] of [
        ['GET', `/tickets/${number}`, undefined],
        ['PATCH', `/tickets/${number}`, { title: 'hijacked' }],
        ['POST', `/tickets/${number}/resolve`, {}],
      ] as const) {
        const r = await desk.t.app.inject({
          method,
          url: `/api/v1/workspaces/${desk.ws}${path}`,
          headers: other.headers,
          ...(body ? { payload: body } : {}),
        });
        expect(r.statusCode).toBe(404);
      }
      // The same number in its own workspace is another ticket, or none.
      const own = await other.call('GET', `/tickets/${number}`);
      if (own.statusCode === 200) expect(own.json<TicketView>().id).not.toBe(made[20]!.id);
      const mine = (await desk.call('GET', `/tickets/${number}`)).json<TicketView>();
      expect(mine.title).toBe(made[20]!.title);
      expect(mine.status).toBe('open');
    });
  });
}
