import { describe, expect, it } from 'vitest';
import {
  acknowledgementAllowed,
  automationOf,
  normaliseMessageId,
  outboxIdOf,
  parseMessageIds,
  reportedMessageIds,
  safeContentType,
  safeFilename,
  storedIdCandidates,
  threadTokenOf,
} from './mail-rules.js';

const OURS = 'msg_abcdefghijklmnopqrstuvwxyz';

describe('automated mail', () => {
  const reasons = (headers: Record<string, string>, from = 'ravi@shop.test', type = 'text/plain') =>
    automationOf(headers, from, type).reasons;

  it('is plain mail from a person when nothing says otherwise', () => {
    expect(automationOf({ subject: 'Help' }, 'ravi@shop.test', 'text/plain')).toEqual({
      reasons: [],
      machineReply: false,
    });
    expect(reasons({ 'auto-submitted': 'no' })).toEqual([]);
    expect(reasons({ 'auto-submitted': ' No ; comment' })).toEqual([]);
  });

  it('follows RFC 3834 Auto-Submitted: any value but "no"', () => {
    expect(automationOf({ 'auto-submitted': 'auto-replied' }, 'a@b.test', 'text/plain')).toEqual({
      reasons: ['auto-submitted'],
      machineReply: true,
    });
    expect(automationOf({ 'auto-submitted': 'auto-generated' }, 'a@b.test', 'text/plain').machineReply).toBe(
      false,
    );
  });

  it('knows bulk, list and junk precedence, list headers and auto-reply headers', () => {
    for (const p of ['bulk', 'list', 'junk', 'Bulk'])
      expect(reasons({ precedence: p })).toEqual(['precedence']);
    expect(reasons({ precedence: 'first-class' })).toEqual([]);
    expect(reasons({ 'list-id': '<news.shop.test>' })).toEqual(['mailing-list']);
    expect(reasons({ 'list-unsubscribe': '<mailto:u@x.test>' })).toEqual(['mailing-list']);
    expect(reasons({ 'x-autoreply': 'yes' })).toEqual(['auto-reply-header']);
    expect(reasons({ 'x-autorespond': '' })).toEqual(['auto-reply-header']);
    expect(reasons({ 'x-auto-response-suppress': 'OOF, AutoReply' })).toEqual(['suppress-auto-response']);
  });

  it('knows system senders by their local part', () => {
    for (const from of [
      'MAILER-DAEMON@mx.test',
      'postmaster@shop.test',
      'noreply@shop.test',
      'no-reply@shop.test',
      'do_not_reply@shop.test',
      'bounces+123@lists.test',
    ])
      expect(reasons({}, from), from).toEqual(['system-sender']);
    for (const from of ['norah@shop.test', 'replies@shop.test', 'post@shop.test'])
      expect(reasons({}, from), from).toEqual([]);
  });

  it('treats a delivery report as a machine reply', () => {
    const a = automationOf({}, 'a@b.test', 'multipart/report; report-type=delivery-status; boundary=x');
    expect(a).toEqual({ reasons: ['delivery-report'], machineReply: true });
  });

  it('acknowledges people only, up to the hourly limit per sender', () => {
    const allowed = (automated: boolean, sentInLastHour: number) =>
      acknowledgementAllowed({ automated, sentInLastHour, maxPerSenderPerHour: 3 });
    expect(allowed(false, 0)).toBe(true);
    expect(allowed(false, 2)).toBe(true);
    expect(allowed(false, 3)).toBe(false);
    expect(allowed(true, 0)).toBe(false);
  });
});

describe('threading', () => {
  it('reads Message-IDs without brackets, in order, once each', () => {
    expect(parseMessageIds('<a@x.test> <b@y.test>\r\n <a@x.test>')).toEqual(['a@x.test', 'b@y.test']);
    expect(parseMessageIds('a@x.test')).toEqual(['a@x.test']);
    expect(parseMessageIds('')).toEqual([]);
    expect(parseMessageIds(undefined)).toEqual([]);
    expect(parseMessageIds(Array.from({ length: 80 }, (_, i) => `<${i}@x>`).join(' '))).toHaveLength(50);
    expect(normaliseMessageId(' <a\u0000b@x> ')).toBe('ab@x');
    expect(normaliseMessageId('<>')).toBeNull();
  });

  it('recognises our own Message-IDs, which outbound messages store without the domain', () => {
    expect(outboxIdOf(`${OURS}@opsbook.localhost`)).toBe(OURS);
    expect(outboxIdOf(OURS)).toBe(OURS);
    expect(outboxIdOf('msg_short@x.test')).toBeNull();
    expect(outboxIdOf('CAF=abc@mail.gmail.com')).toBeNull();
    expect(storedIdCandidates(`${OURS}@opsbook.localhost`)).toEqual([`${OURS}@opsbook.localhost`, OURS]);
    expect(storedIdCandidates('abc@mail.test')).toEqual(['abc@mail.test']);
  });

  it('finds the [#1042] token of a subject', () => {
    expect(threadTokenOf('Re: [#1042] Cannot log in')).toBe(1042);
    expect(threadTokenOf('Fwd: Re: [#7] [#9] x')).toBe(7);
    expect(threadTokenOf('#1042 without brackets')).toBeNull();
    expect(threadTokenOf('[#0] zero')).toBeNull();
    expect(threadTokenOf('[#12345678901] too long')).toBeNull();
  });

  it("finds the returned message's Message-ID in a bounce", () => {
    const body = [
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Original-Envelope-Id: x',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${OURS}@opsbook.localhost>`,
      'Subject: [#3] Your ticket',
    ].join('\r\n');
    expect(reportedMessageIds(body)).toEqual([`${OURS}@opsbook.localhost`]);
    expect(reportedMessageIds('no headers here Message-ID: <x@y>')).toEqual([]);
  });
});

describe('attachments', () => {
  it('keeps a well-formed content type only', () => {
    expect(safeContentType('Image/PNG; name="a.png"')).toBe('image/png');
    expect(safeContentType('text/html\r\nX-Evil: 1')).toBe('application/octet-stream');
    expect(safeContentType(undefined)).toBe('application/octet-stream');
  });

  it('makes file names safe to store and to download', () => {
    expect(safeFilename('../../etc/passwd', 1, 'text/plain')).toBe('passwd');
    expect(safeFilename('C:\\Users\\a\\report.pdf', 1, 'application/pdf')).toBe('report.pdf');
    expect(safeFilename('in\u202evoice.exe', 1, 'application/pdf')).toBe('invoice.exe');
    expect(safeFilename('a\r\nb<>:"|?*.txt', 1, 'text/plain')).toBe('ab.txt');
    expect(safeFilename('...', 2, 'image/png')).toBe('attachment-2.png');
    expect(safeFilename(null, 3, 'application/x-unknown')).toBe('attachment-3.bin');
    const long = safeFilename(`${'x'.repeat(300)}.pdf`, 1, 'application/pdf');
    expect(long).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});
