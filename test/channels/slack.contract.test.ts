/**
 * The Slack adapter against a local receiver playing an incoming webhook: the shared channel contract, then
 * the Block Kit it sends and how it reads Slack's error answers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundHttp } from '../../src/channels/outbound-http.js';
import { createSlackAdapter } from '../../src/channels/slack.js';
import type { Delivery } from '../../src/channels/types.js';
import { runChannelContract } from './contract.js';
import { startHttpReceiver, type HttpReceiver, type RecordedRequest } from './http-receiver.js';

const PATH = '/services/T0001/B0002/XyZsecretToken';

interface SlackBody {
  text: string;
  blocks: {
    type: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { text: string }[];
  }[];
  metadata: { event_type: string; event_payload: { id: string } };
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function extract(request: RecordedRequest) {
  const body = JSON.parse(request.body) as SlackBody;
  return { id: body.metadata.event_payload.id, text: unescape(body.text) };
}

const startSlack = () => startHttpReceiver({ extract, okBody: 'ok', goneBody: 'channel_is_archived' });

runChannelContract({
  name: 'slack',
  kind: 'slack',
  async setup() {
    const receiver = await startSlack();
    const adapter = createSlackAdapter({ http: createOutboundHttp({ allow: ['127.0.0.1'] }) });
    return { ...receiver, adapter, target: { address: `${receiver.origin}${PATH}` } };
  },
});

describe('slack adapter: Block Kit and Slack answers', () => {
  let receiver: HttpReceiver;
  const adapter = createSlackAdapter({
    http: createOutboundHttp({ allow: ['127.0.0.1'] }),
    now: () => new Date(Date.UTC(2026, 2, 1, 9)),
  });
  let n = 0;
  const delivery = (overrides: Partial<Delivery> = {}): Delivery => ({
    id: `msg_slack${String(++n).padStart(4, '0')}`,
    workspaceId: 'wsp_test',
    attempt: 1,
    kind: 'slack',
    target: { address: `${receiver.origin}${PATH}` },
    subject: 'Incident declared: checkout',
    text: 'P0 <checkout> & payments are down',
    automatic: true,
    context: {
      subject: 'incident:INC-1',
      level: 'p0',
      url: 'https://ops.example/incidents/1?tab=timeline&x=1',
      fields: { Commander: 'Asha Rao' },
    },
    ...overrides,
  });
  const send = (d: Delivery) => adapter.send(d, AbortSignal.timeout(2000));
  const lastBody = () => JSON.parse(receiver.accepted().at(-1)!.body) as SlackBody;

  beforeAll(async () => {
    receiver = await startSlack();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.behave('ok');
    receiver.respondWith(null);
  });

  it('sends a header, the escaped text, the level and subject, a link and the ref', async () => {
    const d = delivery();
    expect(await send(d)).toEqual({ ok: true, code: 200 });
    const body = lastBody();
    expect(body.text).toBe('Incident declared: checkout: P0 &lt;checkout&gt; &amp; payments are down');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(body.blocks[0]!.text!.text).toBe('Incident declared: checkout');
    expect(body.blocks[1]!.text!.text).toBe('P0 &lt;checkout&gt; &amp; payments are down');
    expect(body.blocks[2]!.fields!.map((f) => f.text)).toEqual([
      '*Level*\np0',
      '*About*\nincident:INC-1',
      '*Commander*\nAsha Rao',
    ]);
    expect(body.blocks[3]!.text!.text).toBe(
      '<https://ops.example/incidents/1?tab=timeline&amp;x=1|Open incident:INC-1 in Opsbook>',
    );
    expect(body.blocks[4]!.elements![0]!.text).toBe(`ref ${d.id}`);
    expect(body.metadata).toEqual({ event_type: 'opsbook_notification', event_payload: { id: d.id } });
    expect(receiver.accepted().at(-1)!.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('leaves out what the message does not have, and keeps long text within Block Kit limits', async () => {
    const text = 'x'.repeat(5000);
    await send(delivery({ subject: undefined, context: undefined, text }));
    const body = lastBody();
    expect(body.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect([...body.blocks[0]!.text!.text].length).toBe(3000);
    expect(body.text).toBe(text);
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'no_service'],
    [404, 'channel_not_found'],
  ])('treats %i %s as final, naming the error', async (status, word) => {
    receiver.respondWith({ status, body: word });
    const outcome = await send(delivery());
    expect(outcome).toMatchObject({ ok: false, retryable: false, code: status });
    expect(outcome.ok || outcome.error).toBe(
      `${receiver.origin} answered ${status}: ${word}; check the Slack webhook URL and channel`,
    );
  });

  it('disables an archived channel (410) and waits as long as a 429 asks', async () => {
    receiver.behave('gone');
    expect(await send(delivery())).toMatchObject({
      ok: false,
      retryable: false,
      disable: true,
      error: `${receiver.origin} answered 410: channel_is_archived; the destination is disabled`,
    });
    receiver.respondWith({ status: 429, headers: { 'retry-after': '30' } });
    expect(await send(delivery())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 30_000 });
  });

  it('retries a redirect without following it, and a 5xx', async () => {
    receiver.behave('redirect');
    expect(await send(delivery())).toMatchObject({ ok: false, retryable: true, code: 302 });
    expect(receiver.redirectHits()).toBe(0);
    receiver.behave('error');
    const outcome = await send(delivery());
    expect(outcome).toMatchObject({ ok: false, retryable: true, code: 500 });
    expect(JSON.stringify(outcome)).not.toContain('XyZsecretToken');
  });

  it('refuses a metadata address for good without touching the network', async () => {
    const strict = createSlackAdapter({ http: createOutboundHttp({ allow: [] }) });
    const outcome = await strict.send(
      delivery({ target: { address: 'https://169.254.169.254/services/T/B/secret' } }),
      AbortSignal.timeout(2000),
    );
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok || outcome.error).toMatch(
      /^https:\/\/169\.254\.169\.254\/ resolves to 169\.254\.169\.254, a link-local/,
    );
  });
});
