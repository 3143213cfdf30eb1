/**
 * SMS, WhatsApp and voice calls over a Twilio-compatible REST API (issue 6). One adapter per kind, one
 * provider account per workspace, looked up on every send so a changed token takes effect at once.
 *
 * A voice call speaks the text twice with a pause between: people answering an unknown number miss the
 * first words. Each request carries `I-Twilio-Idempotency-Token: {delivery id}` so a send repeated after a
 * crash is recognisable as the same one by a provider (or our test receiver) that honours it. Twilio uses
 * that header on the webhooks it sends; its REST API documents no de-duplication, so a repeat may ring twice.
 *
 * The auth token travels only in the Authorization header; every error is scrubbed of it before it leaves.
 */
import { normalisePhone } from '../core/phone.js';
import { parseRetryAfterMs } from './webhook.js';
import type { ChannelAdapter, Delivery, HttpAnswer, HttpPost, SendOutcome } from './types.js';

export interface TwilioProvider {
  /** `https://api.twilio.com`, or a compatible provider's API root. */
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly smsFrom?: string;
  readonly whatsappFrom?: string;
  readonly voiceFrom?: string;
}

export type TwilioKind = 'sms' | 'whatsapp' | 'voice';

export interface TwilioAdapterOptions {
  readonly http: HttpPost;
  /** The workspace's provider account, or null when none is set up. */
  readonly provider: (workspaceId: string) => Promise<TwilioProvider | null>;
  /** Where the provider reports delivery status for a message (`StatusCallback`). */
  readonly statusCallbackUrl?: (workspaceId: string, messageId: string) => string;
}

type Names = { provider: string; thing: string; from: 'smsFrom' | 'whatsappFrom' | 'voiceFrom' };
/** How errors name the provider and one send, and where its sending number is, per kind. */
const NAMES: Record<TwilioKind, Names> = {
  sms: { provider: 'SMS', thing: 'SMS', from: 'smsFrom' },
  whatsapp: { provider: 'WhatsApp', thing: 'WhatsApp message', from: 'whatsappFrom' },
  voice: { provider: 'voice-call', thing: 'voice call', from: 'voiceFrom' },
};
const ADMIN = 'in Admin → Notifications';
/** Twilio refuses longer message bodies (error 21617). */
const BODY_MAX_CHARS = 1600;
/** Twilio refuses a longer `Twiml` parameter on Calls. */
const TWIML_MAX_CHARS = 4000;
/** Every step of a call reports back, so the log shows whether it rang and was answered. */
const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
/** A primary language's usual region for `<Say language>`, when the locale names none. */
const SAY_REGION: Readonly<Record<string, string>> = {
  en: 'US', hi: 'IN', bn: 'IN', gu: 'IN', kn: 'IN', ml: 'IN', mr: 'IN', pa: 'IN', ta: 'IN', te: 'IN',
  ar: 'AE', de: 'DE', es: 'ES', fr: 'FR', it: 'IT', ja: 'JP', ko: 'KR', nl: 'NL', pt: 'BR', ru: 'RU', zh: 'CN',
}; // prettier-ignore

/**
 * @example createTwilioAdapter('sms', { http: createOutboundHttp({ allow: [] }), provider: loadTwilio })
 */
export function createTwilioAdapter(kind: TwilioKind, options: TwilioAdapterOptions): ChannelAdapter {
  return {
    kind,
    async send(delivery, signal) {
      let provider: TwilioProvider | null;
      try {
        provider = await options.provider(delivery.workspaceId);
      } catch (error) {
        return fail(`could not read the ${NAMES[kind].provider} provider settings: ${describe(error)}`, true);
      }
      if (!provider) {
        return fail(
          `no ${NAMES[kind].provider} provider is set up for this workspace: add one ${ADMIN} ` +
            '(a Twilio-compatible API)',
          false,
        );
      }
      const outcome = await sendWith(kind, provider, delivery, signal, options);
      return outcome.ok ? outcome : { ...outcome, error: scrub(outcome.error, provider) };
    },
  };
}

async function sendWith(
  kind: TwilioKind,
  provider: TwilioProvider,
  delivery: Delivery,
  signal: AbortSignal,
  options: TwilioAdapterOptions,
): Promise<SendOutcome> {
  const { provider: name, thing } = NAMES[kind];
  const from = provider[NAMES[kind].from]?.trim().replace(/^whatsapp:/i, '');
  if (!from) return fail(`the ${name} provider has no number to send from: add one ${ADMIN}`, false);
  const to = normalisePhone(delivery.target.address);
  if (!to.ok) return fail(`the ${thing} cannot go to this address: ${to.error}`, false);
  const base = apiBase(provider.baseUrl);
  if (!base) {
    return fail(
      `the ${name} provider's API address “${provider.baseUrl}” is not an http(s) URL: fix it ${ADMIN}`,
      false,
    );
  }
  if (!delivery.text.trim())
    return fail(`the ${thing} has nothing to say: the template rendered empty`, false);
  const callback = options.statusCallbackUrl?.(delivery.workspaceId, delivery.id);
  const request =
    kind === 'voice'
      ? callRequest(from, to.e164, delivery, callback)
      : messageRequest(kind, from, to.e164, delivery.text, callback);
  if ('ok' in request) return request;
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(provider.accountSid)}/${request.resource}`;
  const headers = {
    authorization: `Basic ${basicCredentials(provider)}`,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    accept: 'application/json',
    'i-twilio-idempotency-token': delivery.id,
  };
  let answer: HttpAnswer;
  try {
    answer = await options.http(url, { headers, body: request.form.toString(), signal });
  } catch (error) {
    return fromThrown(kind, error, signal);
  }
  return readAnswer(kind, answer);
}

type ApiRequest = { resource: 'Calls.json' | 'Messages.json'; form: URLSearchParams } | SendOutcome;

/** A call that speaks the text, with status callbacks for every step of the call. */
function callRequest(from: string, to: string, delivery: Delivery, callback: string | undefined): ApiRequest {
  const twiml = sayTwice(delivery.text, delivery.locale);
  if (twiml.length > TWIML_MAX_CHARS)
    return tooLong('voice call', `${twiml.length} characters of TwiML`, TWIML_MAX_CHARS);
  const form = new URLSearchParams({ To: to, From: from, Twiml: twiml });
  if (callback) form.set('StatusCallback', callback);
  if (callback) for (const event of CALL_EVENTS) form.append('StatusCallbackEvent', event);
  return { resource: 'Calls.json', form };
}

/** An SMS, or a WhatsApp message (both numbers prefixed `whatsapp:`). */
function messageRequest(
  kind: TwilioKind,
  from: string,
  to: string,
  text: string,
  callback?: string,
): ApiRequest {
  const chars = [...text].length;
  if (chars > BODY_MAX_CHARS) return tooLong(NAMES[kind].thing, `${chars} characters`, BODY_MAX_CHARS);
  const prefix = kind === 'whatsapp' ? 'whatsapp:' : '';
  const form = new URLSearchParams({ To: prefix + to, From: prefix + from, Body: text });
  if (callback) form.set('StatusCallback', callback);
  return { resource: 'Messages.json', form };
}

function tooLong(thing: string, size: string, max: number): SendOutcome {
  return fail(`the ${thing} is ${size}, over the provider's limit of ${max}: shorten the template`, false);
}

/** `<Response><Say>…</Say><Pause length="1"/><Say>…</Say></Response>`, the text XML-escaped. */
export function sayTwice(text: string, locale: string | undefined): string {
  const say = `<Say language="${sayLanguage(locale)}">${escapeXml(text)}</Say>`;
  return `<Response>${say}<Pause length="1"/>${say}</Response>`;
}

/** A BCP 47 tag as `<Say language>` wants it: `hi` → `hi-IN`, `en-gb` → `en-GB`, none → `en-US`. */
export function sayLanguage(locale: string | undefined): string {
  const [language = '', region] = (locale ?? '').trim().split(/[-_]/);
  const lang = language.toLowerCase();
  if (!/^[a-z]{2,3}$/.test(lang)) return 'en-US';
  if (region && /^[a-z]{2}$/i.test(region)) return `${lang}-${region.toUpperCase()}`;
  const usual = SAY_REGION[lang];
  return usual ? `${lang}-${usual}` : lang;
}

function escapeXml(text: string): string {
  return (
    text
      // Control characters and lone surrogates are not allowed in XML 1.0 at all, escaped or not.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu, '') // eslint-disable-line no-control-regex
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function apiBase(baseUrl: string): string | null {
  try {
    const url = new URL(baseUrl.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

function readAnswer(kind: TwilioKind, answer: HttpAnswer): SendOutcome {
  const { status } = answer;
  const who = `the ${NAMES[kind].provider} provider`;
  if (status >= 200 && status < 300) {
    const sid = parseJson(answer.body)?.['sid'];
    return typeof sid === 'string' && sid
      ? { ok: true, providerId: sid, code: status }
      : { ok: true, code: status };
  }
  const said = `HTTP ${status}${providerError(answer.body)}`;
  if (status === 429 || status === 503) {
    // The dispatcher caps how long a Retry-After may park a message.
    const retryAfterMs = parseRetryAfterMs(answer.headers['retry-after'], Date.now());
    const error = `${who} is ${status === 429 ? 'throttling us' : 'unavailable'} (${said})`;
    const outcome = { ok: false, error, retryable: true, code: status } as const;
    return retryAfterMs === undefined ? outcome : { ...outcome, retryAfterMs };
  }
  if (status >= 300 && status < 400) {
    const to = answer.headers['location'] ? ` to ${answer.headers['location']}` : '';
    return fail(
      `${who} answered with a redirect (${said}${to}), never followed: check its API address ${ADMIN}`,
      true,
      status,
    );
  }
  if (status === 401 || status === 403) {
    return fail(
      `${who} refused the credentials (${said}): check the Account SID and auth token ${ADMIN}`,
      false,
      status,
    );
  }
  if (status === 404) {
    return fail(
      `${who} has no such API resource (${said}): check the API address and Account SID ${ADMIN}`,
      false,
      status,
    );
  }
  if (status === 400) return fail(`${who} refused the ${NAMES[kind].thing} (${said})`, false, status);
  if (status === 408 || status >= 500) return fail(`${who} failed (${said})`, true, status);
  // 410 means nothing special to Twilio: no endpoint to disable (disable stays unset), this request refused.
  return fail(`${who} refused the request (${said})`, false, status);
}

/** `, error 21211: The 'To' number … is not a valid phone number.` from Twilio's JSON error body. */
function providerError(body: string): string {
  const json = parseJson(body);
  if (!json) return '';
  const code =
    typeof json['code'] === 'number' || typeof json['code'] === 'string' ? String(json['code']) : '';
  const message = typeof json['message'] === 'string' ? json['message'].slice(0, 300) : '';
  if (code && message) return `, error ${code}: ${message}`;
  return code ? `, error ${code}` : message ? `: ${message}` : '';
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function fromThrown(kind: TwilioKind, error: unknown, signal: AbortSignal): SendOutcome {
  const who = `the ${NAMES[kind].provider} provider`;
  const outbound =
    error instanceof Error && 'kind' in error && typeof error.kind === 'string' ? error.kind : '';
  // The outbound client's verdicts that no retry can change (OutboundError in outbound-http.ts).
  if (outbound === 'forbidden-address' || outbound === 'invalid-url' || outbound === 'too-large') {
    return fail(`${who} cannot be reached: ${error instanceof Error ? error.message : ''}`, false);
  }
  if (signal.aborted || outbound === 'timeout') {
    return fail(`${who} did not answer in time (${describe(error)})`, true);
  }
  return fail(`${who} could not be reached: ${describe(error)}`, true);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Removes the auth token (and the Basic credentials carrying it) from anything said about a failure. */
function scrub(text: string, provider: TwilioProvider): string {
  const secrets = [provider.authToken, basicCredentials(provider)].filter((s) => s.length >= 4);
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function basicCredentials(provider: TwilioProvider): string {
  return Buffer.from(`${provider.accountSid}:${provider.authToken}`, 'utf8').toString('base64');
}

function fail(error: string, retryable: boolean, code?: number): SendOutcome {
  return code === undefined ? { ok: false, error, retryable } : { ok: false, error, retryable, code };
}
