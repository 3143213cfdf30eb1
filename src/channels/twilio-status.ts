/**
 * What a Twilio status callback says about a message or call we sent, as data the delivery log can record
 * (issue 6: "status callbacks update delivery state"). Pure: the route verifies the signature first
 * (twilio-signature.ts), then hands the form parameters here.
 *
 * `final` means the outcome is settled: no later callback can turn a success into a failure or back.
 * A WhatsApp message may still report `read` after `delivered`; that is recorded, not a change of outcome.
 * Shapes or statuses we do not know give null, so a new Twilio status is never guessed into "delivered".
 */

export interface TwilioStatus {
  readonly kind: 'message' | 'call';
  /** MessageSid or CallSid: the providerId the adapter recorded when it sent. */
  readonly providerId: string;
  /** Twilio's status word, lower case (`delivered`, `no-answer`). */
  readonly status: string;
  readonly final: boolean;
  readonly failed: boolean;
  /** Why it failed: Twilio's ErrorCode and ErrorMessage, or what the call status means. */
  readonly error?: string;
}

interface StatusMeaning {
  readonly final: boolean;
  readonly failed: boolean;
  /** Said when a failure comes without an ErrorCode (calls rarely carry one). */
  readonly explain?: string;
}

const MESSAGE_STATUSES: Readonly<Record<string, StatusMeaning>> = {
  accepted: { final: false, failed: false },
  scheduled: { final: false, failed: false },
  queued: { final: false, failed: false },
  sending: { final: false, failed: false },
  // Many networks never confirm delivery, so `sent` can be the last word; it is still not a settled success.
  sent: { final: false, failed: false },
  delivered: { final: true, failed: false },
  read: { final: true, failed: false },
  undelivered: { final: true, failed: true, explain: 'the carrier could not deliver the message' },
  failed: { final: true, failed: true, explain: 'the provider could not send the message' },
  canceled: { final: true, failed: true, explain: 'the message was canceled before it was sent' },
};

const CALL_STATUSES: Readonly<Record<string, StatusMeaning>> = {
  queued: { final: false, failed: false },
  initiated: { final: false, failed: false },
  ringing: { final: false, failed: false },
  'in-progress': { final: false, failed: false },
  completed: { final: true, failed: false },
  busy: { final: true, failed: true, explain: 'the line was busy' },
  'no-answer': { final: true, failed: true, explain: 'nobody answered the call' },
  failed: { final: true, failed: true, explain: 'the call could not be connected' },
  canceled: { final: true, failed: true, explain: 'the call was canceled before it was answered' },
};

/** Twilio SIDs: two letters and 32 hex digits; compatible providers use similar opaque ids. */
const SID = /^[A-Za-z0-9_-]{2,64}$/;

/**
 * The delivery state a Twilio status callback reports, or null when it is not one we understand.
 *
 * @example readTwilioStatus({ MessageSid: 'SM…', MessageStatus: 'undelivered', ErrorCode: '30003' })
 * // { kind: 'message', providerId: 'SM…', status: 'undelivered', final: true, failed: true,
 * //   error: 'Twilio error 30003' }
 */
export function readTwilioStatus(params: Readonly<Record<string, string | undefined>>): TwilioStatus | null {
  // A call's callback has CallSid and CallStatus; a message's has MessageSid and MessageStatus (or the
  // older SmsSid and SmsStatus). Messages sent during a call carry a CallSid too, so messages win.
  const messageSid = params['MessageSid'] ?? params['SmsSid'];
  const messageStatus = params['MessageStatus'] ?? params['SmsStatus'];
  if (messageSid !== undefined && messageStatus !== undefined) {
    return build('message', messageSid, messageStatus, MESSAGE_STATUSES, params);
  }
  const callSid = params['CallSid'];
  const callStatus = params['CallStatus'];
  if (callSid !== undefined && callStatus !== undefined) {
    return build('call', callSid, callStatus, CALL_STATUSES, params);
  }
  return null;
}

function build(
  kind: TwilioStatus['kind'],
  sid: string,
  rawStatus: string,
  table: Readonly<Record<string, StatusMeaning>>,
  params: Readonly<Record<string, string | undefined>>,
): TwilioStatus | null {
  const status = rawStatus.trim().toLowerCase();
  const meaning = Object.hasOwn(table, status) ? table[status] : undefined;
  if (!meaning || !SID.test(sid)) return null;
  const base = { kind, providerId: sid, status, final: meaning.final, failed: meaning.failed };
  const error = describeError(params, meaning);
  return error === undefined ? base : { ...base, error };
}

function describeError(
  params: Readonly<Record<string, string | undefined>>,
  meaning: StatusMeaning,
): string | undefined {
  const code = params['ErrorCode']?.trim();
  const message = params['ErrorMessage']?.trim();
  if (code && message) return `Twilio error ${code}: ${message}`;
  if (code) return `Twilio error ${code}${meaning.explain ? ` (${meaning.explain})` : ''}`;
  if (message) return message;
  return meaning.failed ? meaning.explain : undefined;
}
