/**
 * Status callbacks from a Twilio-compatible provider: the signature that makes them believable, and what a
 * verified callback says (twilio-status.ts), over a real HTTP exchange with the test receiver as Twilio.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendStatusCallback } from '../../test/channels/twilio-receiver.js';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature.js';
import { readTwilioStatus, type TwilioStatus } from './twilio-status.js';

// Twilio's documented example ("Webhooks security", validating signatures).
const DOCS: { authToken: string; url: string; params: Record<string, string>; signature: string } = {
  authToken: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  },
  signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
};

describe('twilioSignature', () => {
  it("reproduces Twilio's documented example", () => {
    expect(twilioSignature(DOCS.authToken, DOCS.url, DOCS.params)).toBe(DOCS.signature);
  });

  it('does not depend on the order the parameters come in', () => {
    const reversed = Object.fromEntries(Object.entries(DOCS.params).reverse());
    expect(twilioSignature(DOCS.authToken, DOCS.url, reversed)).toBe(DOCS.signature);
  });
});

describe('verifyTwilioSignature', () => {
  const verify = (overrides: Partial<typeof DOCS> = {}) => {
    const d = { ...DOCS, ...overrides };
    return verifyTwilioSignature(d.authToken, d.url, d.params, d.signature);
  };

  it('accepts the documented example', () => {
    expect(verify()).toBe(true);
  });

  it('refuses a changed parameter, URL, token or signature', () => {
    expect(verify({ params: { ...DOCS.params, Digits: '1235' } })).toBe(false);
    expect(verify({ params: { ...DOCS.params, Extra: '' } })).toBe(false);
    expect(verify({ url: 'https://mycompany.com/myapp.php?foo=1&bar=3' })).toBe(false);
    expect(verify({ url: 'http://mycompany.com/myapp.php?foo=1&bar=2' })).toBe(false);
    expect(verify({ authToken: '12346' })).toBe(false);
    expect(verify({ signature: '1/KCTR6DLpKmkAf8muzZqo1nDgQ=' })).toBe(false);
    expect(verify({ signature: DOCS.signature.slice(0, -1) })).toBe(false);
  });

  it('refuses a missing header or an empty token', () => {
    expect(verifyTwilioSignature(DOCS.authToken, DOCS.url, DOCS.params, undefined)).toBe(false);
    expect(verifyTwilioSignature(DOCS.authToken, DOCS.url, DOCS.params, '')).toBe(false);
    expect(verifyTwilioSignature('', DOCS.url, DOCS.params, twilioSignature('', DOCS.url, DOCS.params))).toBe(
      false,
    );
  });

  it('accepts the URL with or without its default port, as a proxy may report it', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(verify({ url: withPort })).toBe(true);
    const signedWithPort = twilioSignature(DOCS.authToken, withPort, DOCS.params);
    expect(verify({ signature: signedWithPort })).toBe(true);
    expect(verify({ url: 'https://mycompany.com:8443/myapp.php?foo=1&bar=2' })).toBe(false);
  });

  it('accepts exactly what it signs, for any parameters', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string()),
        (token, params) => {
          const url = 'https://opsbook.example/hooks/twilio/ws_1/msg_1';
          const signature = twilioSignature(token, url, params);
          expect(verifyTwilioSignature(token, url, params, signature)).toBe(true);
          expect(verifyTwilioSignature(`${token}x`, url, params, signature)).toBe(false);
        },
      ),
    );
  });
});

describe('Twilio status callbacks', () => {
  const token = 'callback-auth-token';
  let server: http.Server;
  let url: string;
  const seen: (TwilioStatus | null)[] = [];

  beforeAll(async () => {
    // Plays our callback route: verify the signature over the URL Twilio was given, then read the status.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body));
        const header = req.headers['x-twilio-signature'];
        if (!verifyTwilioSignature(token, url, params, typeof header === 'string' ? header : undefined)) {
          res.writeHead(403).end();
          return;
        }
        seen.push(readTwilioStatus(params));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/twilio/wsp_1/msg_1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('accepts a signed callback and reads an undelivered SMS with its error', async () => {
    const params = {
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
      ErrorMessage: 'Unreachable destination handset',
      AccountSid: 'AC1',
    };
    expect((await sendStatusCallback(url, token, params)).status).toBe(204);
    expect(seen.at(-1)).toEqual({
      kind: 'message',
      providerId: params.MessageSid,
      status: 'undelivered',
      final: true,
      failed: true,
      error: 'Twilio error 30003: Unreachable destination handset',
    });
  });

  it('refuses a callback signed with another token', async () => {
    const before = seen.length;
    const params = { CallSid: 'CA1', CallStatus: 'completed' };
    expect((await sendStatusCallback(url, 'not-the-token', params)).status).toBe(403);
    expect(seen.length).toBe(before);
  });

  it.each([
    [
      { MessageSid: 'SM1', MessageStatus: 'sent' },
      { status: 'sent', final: false, failed: false },
    ],
    [
      { MessageSid: 'SM1', MessageStatus: 'delivered' },
      { status: 'delivered', final: true, failed: false },
    ],
    [
      { SmsSid: 'SM1', SmsStatus: 'failed' },
      { status: 'failed', final: true, failed: true },
    ],
    [
      { MessageSid: 'SM1', MessageStatus: 'read', CallSid: 'CA9' },
      { kind: 'message', status: 'read' },
    ],
    [
      { CallSid: 'CA1', CallStatus: 'ringing' },
      { kind: 'call', providerId: 'CA1', final: false },
    ],
    [
      { CallSid: 'CA1', CallStatus: 'completed' },
      { final: true, failed: false },
    ],
    [
      { CallSid: 'CA1', CallStatus: 'no-answer' },
      { final: true, failed: true, error: 'nobody answered the call' },
    ],
    [
      { CallSid: 'CA1', CallStatus: 'busy' },
      { final: true, failed: true, error: 'the line was busy' },
    ],
  ])('reads %j', (params, expected) => {
    expect(readTwilioStatus(params)).toMatchObject(expected);
  });

  it('gives null for shapes and statuses it does not know', () => {
    expect(readTwilioStatus({})).toBeNull();
    expect(readTwilioStatus({ MessageSid: 'SM1' })).toBeNull();
    expect(readTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'teleported' })).toBeNull();
    expect(readTwilioStatus({ CallSid: 'CA1', CallStatus: 'toString' })).toBeNull();
    expect(readTwilioStatus({ CallSid: '', CallStatus: 'completed' })).toBeNull();
  });
});
