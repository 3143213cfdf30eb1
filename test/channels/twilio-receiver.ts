/**
 * The far end of the SMS, WhatsApp and voice channels in tests: a local HTTP server on 127.0.0.1 playing
 * the Twilio REST API (Messages.json and Calls.json), and nothing of our own code. It checks Basic auth and
 * the form as Twilio does, answers Twilio's JSON, records every request, and misbehaves on demand the way
 * a real provider does (test/channels/contract.ts). It also plays Twilio's status callbacks, signed with
 * `X-Twilio-Signature`, for tests of the callback route.
 *
 * Twilio's test magic number `+15005550001` is answered as Twilio answers it: 400, error 21211.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/channels/twilio-signature.js';
import type { ReceiverMode, Received } from './contract.js';

/** One request as the receiver got it, whatever it answered. */
export interface TwilioRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded form, each name with all its values in order (StatusCallbackEvent repeats). */
  readonly form: Readonly<Record<string, readonly string[]>>;
  /** What Basic auth carried, or null without it. */
  readonly auth: { readonly user: string; readonly password: string } | null;
  readonly status: number;
}

/** A message or call the receiver accepted (201). */
export interface TwilioReceived extends Received {
  readonly resource: 'Messages' | 'Calls';
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  /** The Twiml a call was given; the spoken text is `text`, the `<Say language>` is `language`. */
  readonly twiml?: string;
  readonly language?: string;
}

export interface TwilioReceiver {
  /** `http://127.0.0.1:{port}`: the provider's baseUrl. */
  readonly url: string;
  readonly port: number;
  readonly accountSid: string;
  readonly authToken: string;
  received(): TwilioReceived[];
  requests(): TwilioRequest[];
  redirectHits(): number;
  behave(mode: ReceiverMode): void;
  /** Resolves once a mode change that re-listens has bound the port again. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const SLOW_MS = 300;
/** Twilio's magic test number that it always refuses as invalid. */
const INVALID_MAGIC = '+15005550001';

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

function parseBasic(header: string | undefined): TwilioRequest['auth'] {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseForm(body: string): Record<string, string[]> {
  const form: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) (form[name] ??= []).push(value);
  return form;
}

/** The text inside the first `<Say>` of a TwiML document, entities decoded, and its language. */
function readSay(twiml: string): { text: string; language?: string } {
  const match = /<Say(?:\s+language="([^"]*)")?\s*>([\s\S]*?)<\/Say>/.exec(twiml);
  if (!match) return { text: '' };
  const text = match[2]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
  return match[1] === undefined ? { text } : { text, language: match[1] };
}

function headersOf(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * Starts the receiver on an ephemeral port in mode 'ok', accepting `accountSid` / `authToken`.
 *
 * @example const rx = await startTwilioReceiver(); rx.behave('throttle'); …; await rx.close();
 */
export async function startTwilioReceiver(
  accountSid = `AC${'0'.repeat(31)}1`,
  authToken = 'receiver-auth-token-0123456789',
): Promise<TwilioReceiver> {
  let mode: ReceiverMode = 'ok';
  let redirectHits = 0;
  let pending: Promise<void> = Promise.resolve();
  const accepted: TwilioReceived[] = [];
  const requests: TwilioRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const form = parseForm(body);
    const base = { method: req.method ?? '', path, headers: headersOf(req), form };
    const auth = parseBasic(req.headers.authorization);
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      requests.push({ ...base, auth, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    if (path === '/redirected') {
      redirectHits++;
      return answer(200, { sid: sid('SM'), status: 'queued' });
    }
    switch (mode) {
      case 'hang':
        requests.push({ ...base, auth, status: 0 });
        return;
      case 'error':
        return answer(500, { code: 20500, message: 'Internal Server Error', status: 500 });
      case 'throttle':
        return answer(
          429,
          { code: 20429, message: 'Too Many Requests', status: 429 },
          { 'retry-after': '7' },
        );
      case 'gone':
        return answer(410, { code: 20410, message: 'Gone', status: 410 });
      case 'redirect':
        return answer(302, {}, { location: '/redirected' });
      case 'slow':
        setTimeout(() => accept(req, path, form, auth, answer), SLOW_MS);
        return;
      case 'ok':
      case 'refuse':
        return accept(req, path, form, auth, answer);
    }
  }

  function accept(
    req: http.IncomingMessage,
    path: string,
    form: Record<string, string[]>,
    auth: TwilioRequest['auth'],
    answer: (status: number, json: unknown) => void,
  ): void {
    if (auth?.user !== accountSid || auth.password !== authToken) {
      return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(path);
    if (req.method !== 'POST' || !match || match[1] !== accountSid) {
      return answer(404, {
        code: 20404,
        message: `The requested resource ${path} was not found`,
        status: 404,
      });
    }
    const resource = match[2] as TwilioReceived['resource'];
    const one = (name: string) => form[name]?.[0] ?? '';
    const to = one('To');
    const from = one('From');
    if (!to) return answer(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!from)
      return answer(400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    if (to.replace(/^whatsapp:/, '') === INVALID_MAGIC) {
      const message = `The 'To' number ${to} is not a valid phone number.`;
      return answer(400, { code: 21211, message, status: 400 });
    }
    const id = req.headers['i-twilio-idempotency-token'];
    const common = {
      id: typeof id === 'string' ? id : '',
      to,
      from,
      sid: sid(resource === 'Calls' ? 'CA' : 'SM'),
    };
    if (resource === 'Calls') {
      const twiml = one('Twiml');
      if (!twiml) return answer(400, { code: 21205, message: 'Url or Twiml is required.', status: 400 });
      accepted.push({ ...common, resource, twiml, ...readSay(twiml) });
    } else {
      if (!one('Body'))
        return answer(400, { code: 21602, message: 'Message body is required.', status: 400 });
      accepted.push({ ...common, resource, text: one('Body') });
    }
    answer(201, { sid: common.sid, status: 'queued', to, from, account_sid: accountSid });
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: HOST }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Pooled keep-alive and hanging connections would outlive the listener and keep answering.
      server.closeAllConnections();
    });

  // Idle keep-alive sockets stay open for the whole test: a server closing one just as the client reuses it
  // would fail a send for a reason no test is about.
  server.keepAliveTimeout = 60_000;
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    port,
    accountSid,
    authToken,
    received: () => [...accepted],
    requests: () => [...requests],
    redirectHits: () => redirectHits,
    behave(next) {
      const wasRefusing = mode === 'refuse';
      mode = next;
      if (next === 'refuse' && !wasRefusing) pending = pending.then(stop);
      else if (next !== 'refuse' && wasRefusing) pending = pending.then(() => listen(port));
    },
    settled: () => pending,
    async close() {
      await pending;
      if (server.listening) await stop();
    },
  };
}

/**
 * Plays Twilio's status callback: POSTs `params` form-encoded to `url`, signed as Twilio signs it.
 *
 * @example await sendStatusCallback(callbackUrl, token, { MessageSid: 'SM…', MessageStatus: 'delivered' })
 */
export async function sendStatusCallback(
  url: string,
  authToken: string,
  params: Readonly<Record<string, string>>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.text() };
}
