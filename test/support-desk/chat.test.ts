/**
 * The chat widget's API on both engines, through the real app: a visitor starts a conversation (a ticket on
 * ShopSmart's in-app chat channel) and the pack's bot answers at once with help-centre articles, without
 * counting as the team's first response; the visitor writes again; a wrong or missing token is a 404; bad
 * input is a precise 400 that changes nothing; an agent's reply reaches the live stream (a note does not);
 * once resolved the visitor rates the help with the same token. Then the widget script itself.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { supportContext } from '../../src/modules/support/context.js';
import { addMessage, resolveTicket } from '../../src/modules/support/tickets.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import { WIDGET_SOURCE } from '../../src/modules/support/widget/widget-source.js';
import { loadPack } from '../../src/packs/load.js';
import { kbArticles, ticketMessages, tickets } from '../../src/store/schema.js';
import type { Database } from '../../src/store/database.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';

const PUBLIC_URL = 'https://opsbook.example';
const BOT_TEMPLATE = 'chat-bot-test';

/**
 * ShopSmart's pack with a chat bot: the seed pack when it has one, else a copy with `desk.bot` added (the
 * help desk's pack sections arrive separately).
 */
async function ensureChatBot(database: Database, workspaceId: string): Promise<void> {
  const seed = await loadPack('packs/shopsmart-pro');
  if (seed.ok && seed.pack.desk?.bot?.channel === 'in-app-chat') return;
  const dir = mkdtempSync(join(tmpdir(), 'opsbook-chat-pack-'));
  cpSync('packs/shopsmart-pro', dir, { recursive: true });
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'pack.yaml');
  const docs = new Map(
    files.map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>]),
  );
  const deskFile = files.find((f) => docs.get(f)?.desk) ?? 'desk.yaml';
  const deskDoc = docs.get(deskFile) ?? {};
  deskDoc.desk = {
    defaultPriority: 'p3',
    ...(deskDoc.desk as object | undefined),
    bot: { channel: 'in-app-chat', template: BOT_TEMPLATE, suggestArticles: 3 },
  };
  writeFileSync(join(dir, deskFile), stringify(deskDoc));
  const templates = docs.get('templates.yaml')!;
  (templates.templates as unknown[]).push({
    id: BOT_TEMPLATE,
    label: 'Chat bot (test)',
    channel: 'in-app-chat',
    audience: 'customer',
    variables: [
      { name: 'customer_name', description: 'Name', required: false },
      { name: 'ticket_number', description: 'Number' },
      { name: 'articles', description: 'Articles' },
    ],
    locales: {
      en: { body: 'Hi {{ customer_name }}! Ticket {{ ticket_number }}. These may help:\n{{ articles }}' },
    },
  });
  writeFileSync(join(dir, 'templates.yaml'), stringify(templates));
  const loaded = await loadPack(dir);
  if (!loaded.ok) throw new Error(`the chat pack fixture does not load: ${JSON.stringify(loaded.problems)}`);
  await activatePack(database, workspaceId, loaded, 'test', new Date());
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`chat widget API: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let ws: string;
    let ctx: SupportContext;
    const api = () => `/api/v1/chat/${ws}/conversations`;

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({ OPSBOOK_PUBLIC_URL: PUBLIC_URL }, { database: opened.database });
      const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      ws = owner.me.workspaces[0]!.id;
      await ensureChatBot(t.database, ws);
      ctx = supportContext({
        database: t.database,
        now: () => new Date(),
        config: loadConfig({ LOG_LEVEL: 'silent', OPSBOOK_PUBLIC_URL: PUBLIC_URL }),
      });
      await t.database.inWorkspace(ws, (tx) =>
        tx.insert(kbArticles).values({
          id: `kb_chat_${engine.name}`,
          workspaceId: ws,
          slug: 'reset-your-password',
          title: 'Reset your password',
          body: 'Open the login screen and choose "Forgot password" to reset your password.',
          category: 'account',
          published: true,
        }),
      );
    }, 300_000);
    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    const ticketRow = async (number: number) => {
      const [row] = await t.database.inWorkspace(ws, (tx) =>
        tx
          .select()
          .from(tickets)
          .where(and(eq(tickets.workspaceId, ws), eq(tickets.number, number))),
      );
      return row!;
    };
    const countTickets = async () =>
      (await t.database.inWorkspace(ws, (tx) => tx.select({ id: tickets.id }).from(tickets))).length;

    let number = 0;
    let token = '';

    it('starts a conversation: an in-app chat ticket, and the bot answers at once with articles', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: api(),
        headers: { origin: 'https://shop.example' },
        payload: { name: 'Ramesh', email: 'Ramesh@Shop.example', text: 'How do I reset my password?' },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.headers['access-control-allow-credentials']).toBeUndefined();
      ({ number, token } = r.json<{ number: number; token: string }>());
      expect(token.length).toBeGreaterThanOrEqual(32);
      const row = await ticketRow(number);
      expect(row).toMatchObject({
        channel: 'in-app-chat',
        requesterName: 'Ramesh',
        requesterEmail: 'ramesh@shop.example',
      });
      // The bot is not the team: the first response is still to come.
      expect(row.firstResponseAt).toBeNull();
      const read = await t.app.inject({ url: `${api()}/${number}?t=${token}` });
      expect(read.statusCode, read.body).toBe(200);
      const conversation = read.json<{
        resolved: boolean;
        messages: { from: string; text: string; articles?: { title: string; url: string }[] }[];
      }>();
      expect(conversation.resolved).toBe(false);
      expect(conversation.messages.map((m) => m.from)).toEqual(['customer', 'bot']);
      const bot = conversation.messages[1]!;
      expect(bot.text).toContain('Ramesh');
      expect(bot.text).toContain(String(number));
      expect(bot.articles).toEqual([
        { title: 'Reset your password', url: `${PUBLIC_URL}/help/shopsmart/articles/reset-your-password` },
      ]);
      expect(bot.text).toContain(`${PUBLIC_URL}/help/shopsmart/articles/reset-your-password`);
    });

    it('appends the visitor’s next message, and answers 404 to a wrong or missing token', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: `${api()}/${number}/messages`,
        payload: { t: token, text: 'It still fails.' },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ number, message: { from: 'customer', text: 'It still fails.' } });
      expect((await ticketRow(number)).messageCount).toBe(3);
      for (const wrong of [
        { method: 'GET' as const, url: `${api()}/${number}?t=${'x'.repeat(32)}` },
        { method: 'GET' as const, url: `${api()}/${number}` },
        { method: 'GET' as const, url: `${api()}/${number + 1000}?t=${token}` },
        { method: 'POST' as const, url: `${api()}/${number}/messages`, payload: { t: 'nope', text: 'x' } },
        { method: 'GET' as const, url: `${api()}/${number}/stream` },
        { method: 'POST' as const, url: `${api()}/${number}/csat`, payload: { t: 'x'.repeat(32), score: 5 } },
      ]) {
        const res = await t.app.inject(wrong);
        expect(res.statusCode, wrong.url).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect((await ticketRow(number)).messageCount).toBe(3);
    });

    it('refuses bad input precisely and stores nothing', async () => {
      const before = await countTickets();
      const cases: [object, string][] = [
        [{ text: '   ' }, '/body/text'],
        [{ text: 'x'.repeat(4001) }, '/body/text'],
        [{ text: 'hi', email: 'not-an-address' }, '/body/email'],
        [{ text: 'hi', name: 'n'.repeat(101) }, '/body/name'],
        [{ text: 'hi', admin: true }, '/body/admin'],
        [{ text: 'hi', locale: '<script>' }, '/body/locale'],
      ];
      for (const [payload, pointer] of cases) {
        const r = await t.app.inject({ method: 'POST', url: api(), payload, remoteAddress: '10.7.0.1' });
        expect(r.statusCode, JSON.stringify(payload)).toBe(400);
        const problem = r.json<{ code: string; errors: { pointer: string }[] }>();
        expect(problem.code).toBe('OPS_VALIDATION');
        expect(problem.errors.map((e) => e.pointer)).toContain(pointer);
      }
      const csat = await t.app.inject({
        method: 'POST',
        url: `${api()}/${number}/csat`,
        payload: { t: token, score: 9 },
      });
      expect(csat.statusCode).toBe(400);
      expect(await countTickets()).toBe(before);
    });

    it('answers 404 for a workspace that offers no chat, or none at all', async () => {
      const admin = await signInAs(t.app, 'owner@company-ops.demo', DEMO_PASSWORD);
      for (const workspaceId of [admin.me.workspaces[0]!.id, 'ws_nonexistent']) {
        const r = await t.app.inject({
          method: 'POST',
          url: `/api/v1/chat/${workspaceId}/conversations`,
          payload: { text: 'Hello?' },
        });
        expect(r.statusCode, r.body).toBe(404);
      }
    });

    it('answers the browser’s preflight for any site, without credentials', async () => {
      const r = await t.app.inject({
        method: 'OPTIONS',
        url: `${api()}/${number}/messages`,
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(r.statusCode).toBe(204);
      expect(r.headers).toMatchObject({
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'content-type',
      });
      expect(r.headers['access-control-allow-methods']).toContain('POST');
      expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('streams an agent’s reply to the widget live, and never an internal note', async () => {
      const app = t.app;
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      const read = await app.inject({ url: `${api()}/${number}?t=${token}` });
      const last = read.json<{ messages: { id: string }[] }>().messages.at(-1)!.id;
      const controller = new AbortController();
      const response = await fetch(
        `http://127.0.0.1:${port}${api()}/${number}/stream?t=${token}&after=${last}`,
        {
          signal: controller.signal,
        },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await addMessage(ctx, ws, number, {
        kind: 'note',
        author: { type: 'agent', name: 'Priya' },
        text: 'internal: check the auth logs',
        actor: 'test',
      });
      await addMessage(ctx, ws, number, {
        kind: 'reply',
        author: { type: 'agent', name: 'Priya' },
        text: 'Please try the reset link again now.',
        actor: 'test',
      });
      let received = '';
      while (!received.includes('Please try the reset link')) {
        const { value, done } = await reader.read();
        if (done) break;
        received += new TextDecoder().decode(value);
      }
      controller.abort();
      expect(received).toContain('event: message');
      expect(received).toMatch(
        /"from":"agent","name":"Priya","text":"Please try the reset link again now\."/,
      );
      expect(received).not.toContain('internal: check the auth logs');
      expect(received).not.toContain(`id: ${last}\n`);
      // The agent's reply is the first response; the bot's was not.
      expect((await ticketRow(number)).firstResponseAt).not.toBeNull();
    });

    it('lets the visitor rate the help once resolved, with the same token', async () => {
      const early = await t.app.inject({
        method: 'POST',
        url: `${api()}/${number}/csat`,
        payload: { t: token, score: 5 },
      });
      expect(early.statusCode).toBe(409);
      await resolveTicket(ctx, ws, number, {}, 'test');
      const read = await t.app.inject({ url: `${api()}/${number}?t=${token}` });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toMatchObject({ resolved: true, csat: null });
      const rated = await t.app.inject({
        method: 'POST',
        url: `${api()}/${number}/csat`,
        payload: { t: token, score: 5, comment: 'Quick and kind' },
      });
      expect(rated.statusCode, rated.body).toBe(200);
      expect(rated.json()).toMatchObject({ resolved: true, csat: { score: 5 } });
      const row = await ticketRow(number);
      expect(row).toMatchObject({ csatScore: 5, csatComment: 'Quick and kind' });
      const visible = await t.database.inWorkspace(ws, (tx) =>
        tx
          .select({ kind: ticketMessages.kind })
          .from(ticketMessages)
          .where(eq(ticketMessages.ticketId, row.id)),
      );
      expect(visible.map((m) => m.kind)).toContain('bot');
    });

    it('limits how many conversations one address starts', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: api(),
          payload: { text: `Question ${i}` },
          remoteAddress: '10.8.0.1',
        });
        statuses.push(r.statusCode);
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.at(-1)).toBe(429);
    });
  });
}

describe('the widget script', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({}, { demo: false });
  });
  afterAll(async () => t?.close());

  it('is served as JavaScript any site may load, cached long and revalidated by ETag', async () => {
    const r = await t.app.inject({ url: '/widget.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toMatch(/max-age=86400/);
    expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const etag = r.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(r.body).toBe(WIDGET_SOURCE);
    const again = await t.app.inject({ url: '/widget.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('parses, depends on nothing, and never parses text as HTML', () => {
    expect(() => new Script(WIDGET_SOURCE)).not.toThrow();
    for (const html of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'import(',
    ]) {
      expect(WIDGET_SOURCE, html).not.toContain(html);
    }
    expect(WIDGET_SOURCE).toContain('textContent');
    expect(WIDGET_SOURCE).toContain('localStorage');
    expect(WIDGET_SOURCE).toContain('EventSource');
    expect(WIDGET_SOURCE).toContain("credentials: 'omit'");
  });
});
