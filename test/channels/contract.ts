/**
 * The shared contract every channel adapter passes (issue 6), run against the adapter's own local
 * receiver: an in-process SMTP server for email, a local HTTP server playing Slack, the Twilio-compatible
 * provider or a webhook endpoint. Each receiver can be told to misbehave the way real ones do; the suite
 * asserts on what the receiver actually got, not on what the adapter says it sent.
 *
 * @example
 * runChannelContract({ name: 'webhook', kind: 'webhook', setup: async () => ({ adapter, target, ... }) });
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter, Delivery, DeliveryKind, DeliveryTarget } from '../../src/channels/types.js';

/** How the receiver behaves for the next requests. */
export type ReceiverMode =
  | 'ok'
  /** Nothing listens: connections are refused. */
  | 'refuse'
  /** Accepts the connection and never answers. */
  | 'hang'
  /** Answers after 300 ms (under the adapter's timeout). */
  | 'slow'
  /** A server error: HTTP 500, SMTP 451. */
  | 'error'
  /** Too many requests: HTTP 429 with `Retry-After: 7`, SMTP 421. */
  | 'throttle'
  /** Gone for good: HTTP 410, SMTP 550 (mailbox unavailable). */
  | 'gone'
  /** HTTP 302 to another path of the same receiver (which counts any hit). */
  | 'redirect';

/** One message as the receiver got it. */
export interface Received {
  /** The id the receiver saw: Message-ID, webhook-id, Twilio request's idempotency header, … */
  readonly id: string;
  /** The text as the receiver decoded it (the email's text part, the SMS Body, the Slack text). */
  readonly text: string;
}

export interface ContractRig {
  readonly adapter: ChannelAdapter;
  /** Where deliveries go (the receiver's address). */
  readonly target: DeliveryTarget;
  /** What the receiver accepted so far, in order. */
  received(): Received[];
  /** Hits on the redirect's target: must stay 0, redirects are never followed. */
  redirectHits(): number;
  behave(mode: ReceiverMode): void;
  close(): Promise<void>;
}

export interface ContractSubject {
  readonly name: string;
  readonly kind: DeliveryKind;
  /** Modes the transport has no equivalent of (SMTP has no redirect). */
  readonly skip?: readonly ReceiverMode[];
  /** Starts the receiver and an adapter pointed at it. */
  setup(): Promise<ContractRig>;
}

const SEND_TIMEOUT_MS = 1500;

let sequence = 0;
function delivery(kind: DeliveryKind, target: DeliveryTarget, overrides: Partial<Delivery> = {}): Delivery {
  sequence++;
  return {
    id: `msg_contract${String(sequence).padStart(4, '0')}aaaaaaaaaaaaaa`,
    workspaceId: 'wsp_contract',
    attempt: 1,
    kind,
    target,
    subject: `Incident declared ${sequence}`,
    text: `P0: checkout is down (${sequence})`,
    automatic: true,
    context: { subject: 'incident:INC-1', eventType: 'incident.declared', level: 'p0' },
    ...overrides,
  };
}

export function runChannelContract(subject: ContractSubject): void {
  const skip = new Set(subject.skip ?? []);
  // A mode the transport has no equivalent of is not a case of its contract at all (not a skipped test).
  const maybe =
    (mode: ReceiverMode) =>
    (name: string, fn: () => Promise<void>): void => {
      if (!skip.has(mode)) it(name, fn);
    };

  describe(`channel contract: ${subject.name}`, () => {
    let rig: ContractRig;
    beforeAll(async () => {
      rig = await subject.setup();
    });
    afterAll(async () => {
      await rig?.close();
      await rig?.adapter.close?.();
    });
    beforeEach(() => rig.behave('ok'));

    const send = (d: Delivery) => rig.adapter.send(d, AbortSignal.timeout(SEND_TIMEOUT_MS));

    it('delivers one message that the receiver gets once, with its id and text', async () => {
      const before = rig.received().length;
      const d = delivery(subject.kind, rig.target);
      const outcome = await send(d);
      expect(outcome).toMatchObject({ ok: true });
      const got = rig.received().slice(before);
      expect(got).toHaveLength(1);
      expect(got[0]!.id).toContain(d.id);
      expect(got[0]!.text).toContain(d.text);
    });

    it('carries the same id when the same message is sent again (a retry after a crash)', async () => {
      const before = rig.received().length;
      const d = delivery(subject.kind, rig.target);
      expect(await send(d)).toMatchObject({ ok: true });
      expect(await send({ ...d, attempt: 2 })).toMatchObject({ ok: true });
      const got = rig.received().slice(before);
      expect(got).toHaveLength(2);
      expect(got[0]!.id).toBe(got[1]!.id);
    });

    it('keeps Hindi and emoji text intact', async () => {
      const before = rig.received().length;
      const text = 'नमस्ते! आपका टिकट खुल गया है 🎫';
      expect(await send(delivery(subject.kind, rig.target, { text, locale: 'hi' }))).toMatchObject({
        ok: true,
      });
      expect(rig.received().slice(before)[0]!.text).toContain(text);
    });

    maybe('refuse')('reports a refused connection as retryable', async () => {
      rig.behave('refuse');
      const outcome = await send(delivery(subject.kind, rig.target));
      expect(outcome).toMatchObject({ ok: false, retryable: true });
    });

    maybe('hang')(
      'gives up on a receiver that never answers when the signal fires, as retryable',
      async () => {
        rig.behave('hang');
        const started = performance.now();
        const outcome = await send(delivery(subject.kind, rig.target));
        expect(outcome).toMatchObject({ ok: false, retryable: true });
        expect(performance.now() - started).toBeLessThan(SEND_TIMEOUT_MS + 3000);
      },
    );

    maybe('slow')('waits for a slow receiver within the timeout', async () => {
      rig.behave('slow');
      expect(await send(delivery(subject.kind, rig.target))).toMatchObject({ ok: true });
    });

    maybe('error')('reports a server error as retryable', async () => {
      rig.behave('error');
      expect(await send(delivery(subject.kind, rig.target))).toMatchObject({ ok: false, retryable: true });
    });

    maybe('throttle')('reports throttling as retryable, with the wait the receiver asked for', async () => {
      rig.behave('throttle');
      const outcome = await send(delivery(subject.kind, rig.target));
      expect(outcome).toMatchObject({ ok: false, retryable: true });
      if (subject.kind !== 'email') expect(outcome).toMatchObject({ retryAfterMs: 7000 });
    });

    maybe('gone')('reports a gone address as not retryable', async () => {
      rig.behave('gone');
      const outcome = await send(delivery(subject.kind, rig.target));
      expect(outcome).toMatchObject({ ok: false, retryable: false });
    });

    maybe('redirect')('never follows a redirect', async () => {
      rig.behave('redirect');
      const outcome = await send(delivery(subject.kind, rig.target));
      expect(outcome.ok).toBe(false);
      expect(rig.redirectHits()).toBe(0);
    });

    it('delivers again once the receiver heals', async () => {
      rig.behave('error');
      expect((await send(delivery(subject.kind, rig.target))).ok).toBe(false);
      rig.behave('ok');
      const before = rig.received().length;
      expect(await send(delivery(subject.kind, rig.target))).toMatchObject({ ok: true });
      expect(rig.received().length).toBe(before + 1);
    });
  });
}
