/**
 * The built-in mailbox on both database engines: real mail sent with nodemailer (through the email adapter,
 * as production does, and raw for hostile input) to the SMTP server inside the process, asserted on the
 * rows it committed and on the SMTP answers it gave.
 */
import { createTransport } from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAdapter } from '../../src/channels/email.js';
import { clearMailbox, readMailbox, startMailbox } from '../../src/channels/mailbox.js';
import type { RunningMailbox } from '../../src/channels/mailbox.js';
import type { ChannelAdapter, Delivery } from '../../src/channels/types.js';
import type { Database } from '../../src/store/database.js';
import { ENGINES } from '../support/databases.js';
import type { OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const LIMIT_BYTES = 256 * 1024;
const quietLog = { warn: () => undefined, error: () => undefined };

/** Sends one raw RFC 5322 message; resolves to the SMTP code the mailbox answered. */
async function sendRaw(port: number, raw: string): Promise<number> {
  const transport = createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    logger: false,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from: 'ops@opsbook.test', to: ['asha@example.com'] },
      raw,
    });
    return Number(info.response.slice(0, 3));
  } catch (err) {
    const code = (err as NodemailerError).responseCode;
    if (typeof code !== 'number') throw err;
    return code;
  } finally {
    transport.close();
  }
}

function message(workspaceId: string | null, body: string, extraHeaders = ''): string {
  const ws = workspaceId ? `X-Opsbook-Workspace: ${workspaceId}\r\n` : '';
  return `From: ops@opsbook.test\r\nTo: asha@example.com\r\nSubject: raw\r\nMessage-ID: <raw-${Math.random()}@t>\r\n${ws}${extraHeaders}\r\n${body}\r\n`;
}

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`built-in mailbox: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let box: RunningMailbox;
    let adapter: ChannelAdapter;
    let ws: string;
    let other: string;
    const count = (workspaceId: string) =>
      database.inWorkspace(workspaceId, (tx) => readMailbox(tx, { limit: 500 })).then((rows) => rows.length);

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database, 'Mailbox');
      other = await createWorkspace(database, 'Other');
      box = await startMailbox({ database, log: quietLog, maxMessageBytes: LIMIT_BYTES });
      adapter = createEmailAdapter({
        host: box.host,
        port: box.port,
        secure: false,
        from: 'Opsbook <notifications@opsbook.test>',
        messageIdDomain: 'opsbook.test',
      });
    });
    afterAll(async () => {
      await adapter?.close?.();
      await box?.stop();
      await opened?.close();
    });

    const delivery = (id: string, overrides: Partial<Delivery> = {}): Delivery => ({
      id,
      workspaceId: ws,
      attempt: 1,
      kind: 'email',
      target: { address: 'asha@example.com', name: 'Asha Rao' },
      subject: 'Ticket T-1 opened',
      text: 'नमस्ते Asha, your ticket is open.',
      html: '<p>नमस्ते Asha, your ticket is <b>open</b>.</p>',
      automatic: true,
      ...overrides,
    });

    it('stores what the email adapter sends, in its workspace only, and answers 250 after the commit', async () => {
      const outcome = await adapter.send(delivery('msg_box0001'), AbortSignal.timeout(10_000));
      expect(outcome).toMatchObject({ ok: true, code: 250 });
      const [row] = await database.inWorkspace(ws, (tx) => readMailbox(tx, { limit: 1 }));
      expect(row).toMatchObject({
        workspaceId: ws,
        messageId: '<msg_box0001@opsbook.test>',
        from: 'Opsbook <notifications@opsbook.test>',
        to: ['asha@example.com'],
        subject: 'Ticket T-1 opened',
      });
      expect(row!.text.trim()).toBe('नमस्ते Asha, your ticket is open.');
      expect(row!.html?.trim()).toBe('<p>नमस्ते Asha, your ticket is <b>open</b>.</p>');
      expect(row!.id).toMatch(/^mail_/);
      expect(row!.headers['auto-submitted']).toBe('auto-generated');
      expect(row!.headers['x-opsbook-workspace']).toBe(ws);
      expect(row!.sizeBytes).toBeGreaterThan(100);
      expect(await count(other)).toBe(0);
    });

    it('keeps text from HTML-only mail, and lists newest first with paging by time', async () => {
      expect(
        await sendRaw(
          box.port,
          message(ws, '<p>Only <i>HTML</i> &amp; more</p>', 'Content-Type: text/html; charset=utf-8\r\n'),
        ),
      ).toBe(250);
      const rows = await database.inWorkspace(ws, (tx) => readMailbox(tx, {}));
      expect(rows[0]!.text).toBe('Only HTML & more');
      const times = rows.map((r) => r.receivedAt.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const older = await database.inWorkspace(ws, (tx) => readMailbox(tx, { before: rows[0]!.receivedAt }));
      expect(older.every((r) => r.receivedAt < rows[0]!.receivedAt)).toBe(true);
    });

    it('refuses mail without X-Opsbook-Workspace, or for an unknown workspace, with 550 and stores nothing', async () => {
      const before = await count(ws);
      expect(await sendRaw(box.port, message(null, 'who am I for?'))).toBe(550);
      expect(await sendRaw(box.port, message('ws_nosuchworkspace', 'hello'))).toBe(550);
      expect(await sendRaw(box.port, message('ws_1; drop table mailbox', 'hello'))).toBe(550);
      expect(await count(ws)).toBe(before);
    });

    it('refuses an oversize message with 552 and stores nothing', async () => {
      const before = await count(ws);
      const big = 'x'
        .repeat(76)
        .concat('\r\n')
        .repeat(Math.ceil((LIMIT_BYTES * 1.5) / 78));
      expect(await sendRaw(box.port, message(ws, big))).toBe(552);
      expect(await count(ws)).toBe(before);
    });

    it('survives hostile MIME (deep nesting, a 60 KB header, bad base64, NUL bytes) and keeps answering', async () => {
      const nested = (levels: number) => {
        let body = 'innermost';
        for (let depth = levels - 1; depth >= 0; depth--) {
          body = `--b${depth}\r\nContent-Type: multipart/mixed; boundary="b${depth + 1}"\r\n\r\n${body}\r\n--b${depth}--`;
        }
        return message(ws, body, 'Content-Type: multipart/mixed; boundary="b0"\r\n');
      };
      const hostile = [
        nested(200),
        nested(1000), // past postal-mime's nesting limit: refused, not a stack overflow
        message(ws, 'long header', `X-Long: ${'a'.repeat(60 * 1024)}\r\n`),
        message(ws, '!!!not*base64@@@\r\n====', 'Content-Transfer-Encoding: base64\r\n'),
        message(ws, 'nul \u0000 inside', 'X-Nul: a\u0000b\r\n'),
        message(ws, '', 'Content-Type: multipart/mixed\r\n'),
      ];
      for (const raw of hostile) {
        expect([250, 550, 552]).toContain(await sendRaw(box.port, raw));
      }
      const outcome = await adapter.send(delivery('msg_box_after'), AbortSignal.timeout(10_000));
      expect(outcome).toMatchObject({ ok: true });
      const [latest] = await database.inWorkspace(ws, (tx) => readMailbox(tx, { limit: 1 }));
      expect(latest!.messageId).toBe('<msg_box_after@opsbook.test>');
    });

    it('caps stored headers at 100 names of 2,000 characters', async () => {
      const many = Array.from(
        { length: 150 },
        (_, i) => `X-H${i}: ${'v'.repeat(i < 5 ? 3000 : 20)}\r\n`,
      ).join('');
      expect(await sendRaw(box.port, message(ws, 'many headers', many))).toBe(250);
      const [row] = await database.inWorkspace(ws, (tx) => readMailbox(tx, { limit: 1 }));
      expect(Object.keys(row!.headers).length).toBeLessThanOrEqual(100);
      expect(Math.max(...Object.values(row!.headers).map((v) => v.length))).toBeLessThanOrEqual(2000);
    });

    it('clears one workspace’s mailbox only', async () => {
      expect(await sendRaw(box.port, message(other, 'for the other workspace'))).toBe(250);
      const removed = await database.inWorkspace(ws, (tx) => clearMailbox(tx));
      expect(removed).toBeGreaterThan(0);
      expect(await count(ws)).toBe(0);
      expect(await count(other)).toBe(1);
    });

    it('answers 451 (try later) when the database cannot store, never 250', async () => {
      const spare = await engine.open();
      const spareWs = await createWorkspace(spare.database, 'Spare');
      const spareBox = await startMailbox({ database: spare.database, log: quietLog });
      try {
        await spare.close();
        expect(await sendRaw(spareBox.port, message(spareWs, 'nowhere to put it'))).toBe(451);
      } finally {
        await spareBox.stop();
      }
    });
  });
}
