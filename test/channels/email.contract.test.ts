/**
 * The email adapter against a real SMTP server on 127.0.0.1: the shared channel contract, then what only
 * email has (threading, RFC 3834 and RFC 8058 headers, header injection), asserted on what the receiver
 * parsed rather than on what the adapter says it sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmailAdapter, validateEmailAddress } from '../../src/channels/email.js';
import type { ChannelAdapter, Delivery } from '../../src/channels/types.js';
import { runChannelContract } from './contract.js';
import { startSmtpReceiver } from './smtp-receiver.js';
import type { ReceivedMail, SmtpReceiver } from './smtp-receiver.js';

const DOMAIN = 'mail.opsbook.test';

function adapterFor(receiver: SmtpReceiver, extra: { user?: string; password?: string } = {}) {
  return createEmailAdapter({
    host: receiver.host,
    port: receiver.port,
    secure: false,
    from: 'Opsbook <notifications@opsbook.test>',
    messageIdDomain: DOMAIN,
    connectionTimeoutMs: 2000,
    ...extra,
  });
}

runChannelContract({
  name: 'email (SMTP)',
  kind: 'email',
  skip: ['redirect'],
  async setup() {
    const receiver = await startSmtpReceiver();
    return {
      adapter: adapterFor(receiver),
      target: { address: 'asha@example.com', name: 'Asha Rao' },
      received: () => receiver.received(),
      redirectHits: () => 0,
      behave: (mode) => receiver.behave(mode),
      close: () => receiver.close(),
    };
  },
});

describe('email headers as the receiver parsed them', () => {
  let receiver: SmtpReceiver;
  let adapter: ChannelAdapter;
  let n = 0;
  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    adapter = adapterFor(receiver);
  });
  afterAll(async () => {
    await adapter?.close?.();
    await receiver?.close();
  });
  beforeEach(() => receiver.behave('ok'));

  const delivery = (overrides: Partial<Delivery> = {}): Delivery => ({
    id: `msg_headers${String(++n).padStart(4, '0')}`,
    workspaceId: 'ws_headers',
    attempt: 1,
    kind: 'email',
    target: { address: 'asha@example.com', name: 'Asha Rao' },
    subject: 'Your ticket was updated',
    text: 'Hello Asha',
    automatic: false,
    ...overrides,
  });

  async function deliver(d: Delivery): Promise<ReceivedMail> {
    const before = receiver.received().length;
    expect(await adapter.send(d, AbortSignal.timeout(5000))).toMatchObject({ ok: true, code: 250 });
    const got = receiver.received().slice(before);
    expect(got).toHaveLength(1);
    return got[0]!;
  }
  const header = (mail: ReceivedMail, name: string) => mail.headers[name];

  it('uses <delivery id@domain> as the Message-ID, the same on a retry', async () => {
    const d = delivery();
    const first = await deliver(d);
    const again = await deliver({ ...d, attempt: 2 });
    expect(first.id).toBe(`<${d.id}@${DOMAIN}>`);
    expect(again.id).toBe(first.id);
    expect(header(first, 'x-opsbook-workspace')).toEqual(['ws_headers']);
  });

  it('threads a reply with In-Reply-To (the last reference) and References (all, in order)', async () => {
    const mail = await deliver(delivery({ references: ['msg_first', '<CAF1x@mail.example.com>'] }));
    expect(header(mail, 'in-reply-to')).toEqual(['<CAF1x@mail.example.com>']);
    expect(header(mail, 'references')?.[0]?.split(/\s+/)).toEqual([
      `<msg_first@${DOMAIN}>`,
      '<CAF1x@mail.example.com>',
    ]);
  });

  it('marks automatic mail Auto-Submitted (RFC 3834) and leaves a person’s mail unmarked', async () => {
    const automatic = await deliver(delivery({ automatic: true }));
    expect(header(automatic, 'auto-submitted')).toEqual(['auto-generated']);
    expect(header(automatic, 'x-auto-response-suppress')).toEqual(['All']);
    const typed = await deliver(delivery({ automatic: false }));
    expect(header(typed, 'auto-submitted')).toBeUndefined();
    expect(header(typed, 'x-auto-response-suppress')).toBeUndefined();
  });

  it('offers one-click unsubscribe (RFC 8058) only when the message has an unsubscribe link', async () => {
    const url = 'https://opsbook.test/unsubscribe?token=abc123';
    const journey = await deliver(delivery({ unsubscribeUrl: url }));
    expect(header(journey, 'list-unsubscribe')).toEqual([`<${url}>`]);
    expect(header(journey, 'list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    const plain = await deliver(delivery());
    expect(header(plain, 'list-unsubscribe')).toBeUndefined();
  });

  it('keeps an injected CR/LF inside the subject: no Bcc header and no extra recipient', async () => {
    const mail = await deliver(delivery({ subject: 'Invoice\r\nBcc: thief@evil.test\r\nX-Evil: 1' }));
    expect(header(mail, 'subject')).toHaveLength(1);
    expect(mail.subject).toBe('Invoice Bcc: thief@evil.test X-Evil: 1');
    expect(header(mail, 'bcc')).toBeUndefined();
    expect(header(mail, 'x-evil')).toBeUndefined();
    expect(mail.envelope.to).toEqual(['asha@example.com']);
  });

  it('sends an HTML part when the template gives one, the text part always', async () => {
    const mail = await deliver(delivery({ text: 'Plain words', html: '<p>Rich <b>words</b></p>' }));
    expect(mail.text).toContain('Plain words');
    expect(mail.html).toContain('<b>words</b>');
    const textOnly = await deliver(delivery({ text: 'Only text' }));
    expect(textOnly.html).toBeUndefined();
  });

  it('writes the display name and address of the target in To', async () => {
    const mail = await deliver(delivery({ target: { address: 'asha@example.com', name: 'आशा Rao' } }));
    expect(header(mail, 'to')?.[0]).toContain('asha@example.com');
  });

  it('refuses a bad address or unsubscribe link without sending, as not retryable', async () => {
    const before = receiver.received().length;
    const bad = await adapter.send(delivery({ target: { address: 'asha@' } }), AbortSignal.timeout(5000));
    expect(bad).toMatchObject({ ok: false, retryable: false });
    const link = await adapter.send(
      delivery({ unsubscribeUrl: 'javascript:alert(1)' }),
      AbortSignal.timeout(5000),
    );
    expect(link).toMatchObject({ ok: false, retryable: false });
    expect(receiver.received().length).toBe(before);
  });

  it('never puts the password into an error', async () => {
    receiver.behave('error');
    const secret = 'hunter2-very-secret';
    const withAuth = adapterFor(receiver, { user: 'ops', password: secret });
    try {
      const outcome = await withAuth.send(delivery(), AbortSignal.timeout(5000));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).not.toContain(secret);
    } finally {
      await withAuth.close?.();
    }
  });
});

describe('email address validation', () => {
  it('accepts plain addresses', () => {
    for (const ok of ['asha@example.com', 'ops+p0@sub.example.co.in', 'first.last@example.org']) {
      expect(validateEmailAddress(ok)).toBeNull();
    }
  });

  it('says precisely what is wrong', () => {
    expect(validateEmailAddress('')).toMatch(/empty/);
    expect(validateEmailAddress('asha.example.com')).toMatch(/@ is missing/);
    expect(validateEmailAddress('asha@')).toMatch(/domain after the @ is missing/);
    expect(validateEmailAddress('@example.com')).toMatch(/nothing before the @/);
    expect(validateEmailAddress('asha@localhost')).toMatch(/no dot in its domain/);
    expect(validateEmailAddress('Asha <asha@example.com>')).toMatch(/display name/);
    expect(validateEmailAddress('a@example.com, b@example.com')).toMatch(/several addresses/);
    expect(validateEmailAddress('asha@example.com\r\nBcc: x@y.z')).toMatch(/control characters/);
    expect(validateEmailAddress(`${'a'.repeat(65)}@example.com`)).toMatch(/longer than 64/);
  });
});

describe('email settings', () => {
  const base = {
    host: '127.0.0.1',
    port: 2525,
    secure: false,
    from: 'Opsbook <n@opsbook.test>',
    messageIdDomain: 'opsbook.test',
  };
  it('refuses unusable settings at start-up with what to fix', () => {
    expect(() => createEmailAdapter({ ...base, from: 'Opsbook' })).toThrow(/"from".*not usable/);
    expect(() => createEmailAdapter({ ...base, from: 'a@x.test, b@x.test' })).toThrow(/exactly one address/);
    expect(() => createEmailAdapter({ ...base, messageIdDomain: 'bad domain>' })).toThrow(/not a domain/);
    expect(() => createEmailAdapter({ ...base, port: 70000 })).toThrow(/not a TCP port/);
  });
});

describe('throughput over the pool', () => {
  it('sends 300 messages concurrently, each received once', async () => {
    const receiver = await startSmtpReceiver();
    const adapter = adapterFor(receiver);
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          adapter.send(
            {
              id: `msg_bulk${i}`,
              workspaceId: 'ws_bulk',
              attempt: 1,
              kind: 'email',
              target: { address: `user${i}@example.com` },
              subject: `Bulk ${i}`,
              text: `Message ${i}`,
              automatic: true,
            },
            AbortSignal.timeout(30_000),
          ),
        ),
      );
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      const ids = new Set(receiver.received().map((m) => m.id));
      expect(ids.size).toBe(300);
    } finally {
      await adapter.close?.();
      await receiver.close();
    }
  });
});
