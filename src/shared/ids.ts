/**
 * Prefixed, time-ordered ids (`ws_…`, `usr_…`, `msg_…`): 48 bits of milliseconds then 80 random bits,
 * Crockford base32, so ids sort by creation and say what they name.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix =
  | 'ws'
  | 'usr'
  | 'ses'
  | 'msg'
  | 'wrk'
  | 'req'
  | 'pv'
  | 'tsk'
  | 'inv'
  | 'tok'
  | 'chl'
  | 'sec'
  | 'dsp'
  | 'mail'
  | 'tkt'
  | 'tm'
  | 'att'
  | 'kb'
  | 'qm'
  // The incident system (issue 8): incidents, updates, integrations, alerts, checks, heartbeats,
  // maintenance, components, subscribers, on-call schedules, overrides, escalation policies, pages.
  | 'inc'
  | 'upd'
  | 'int'
  | 'alr'
  | 'chk'
  | 'hb'
  | 'mnt'
  | 'cmp'
  | 'sub'
  | 'onc'
  | 'ovr'
  | 'esc'
  | 'pg'
  // Customers (issue 9): contacts of accounts, payment webhooks, survey invitations.
  | 'ctc'
  | 'pwh'
  | 'sv'
  | 'cs'
  // Checklist runs opened from a pack's checklists.
  | 'ckr'
  // Operations (issue 10): bugs and releases, vendor scorecards, restore drills.
  | 'rec'
  | 'vsc'
  | 'drl';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** @example newId('ws', Date.now()) // 'ws_01jd…' */
export function newId(prefix: IdPrefix, nowMs: number): string {
  const bytes = new Uint8Array(16);
  let t = nowMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes.set(randomBytes(10), 6);
  return `${prefix}_${base32(bytes)}`;
}
