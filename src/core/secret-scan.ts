/**
 * Secret scanning: finds API keys, tokens, passwords, private keys and card numbers pasted into tickets,
 * notes, chat or email, so the shell can show everyone a masked copy and keep the original encrypted for
 * admins. Smart Estate SOP: "secrets never in tickets or screenshots" — people paste them anyway, so the
 * system masks them before anyone else reads (or screenshots) the text.
 *
 * Precision over recall on ordinary support text: order and phone numbers, dates, ticket ids, UUIDs and
 * git SHAs are left alone. Bare words are masked only with a vendor prefix (`ghp_`, `AKIA`, `sk_live_`…),
 * a known shape (JWT, PEM, Luhn-valid card) or a label (`password:`, `api_key=`, `Bearer`).
 *
 * Linear time on any input: every regex starts at a literal or at the start of a run (a look-behind on
 * the run's own class) and no quantified group can split the same text two ways; card numbers are
 * grouped by hand. A rare rescan makes masking idempotent (see `findSecrets`).
 */
import { findCardNumbers } from './card-number.js';

export type SecretKind =
  | 'card-number'
  | 'private-key'
  | 'jwt'
  | 'aws-access-key'
  | 'github-token'
  | 'slack-token'
  | 'stripe-key'
  | 'google-api-key'
  | 'bearer-token'
  | 'password'
  | 'generic-api-key'
  | 'opsbook-token'
  | 'url-credentials';

/** One secret; `[start, end)` are UTF-16 offsets covering only the secret value, not its label. */
export interface SecretFinding {
  readonly kind: SecretKind;
  readonly start: number;
  readonly end: number;
}

export interface MaskResult {
  readonly text: string;
  readonly findings: readonly SecretFinding[];
}

/** A finding plus its tie-break rank: on equal spans the more specific detector (lower rank) wins. */
export interface Candidate extends SecretFinding {
  readonly rank: number;
}

interface TokenPattern {
  readonly kind: SecretKind;
  readonly re: RegExp;
  /** The capture group holding the secret; the whole match when absent. */
  readonly group?: number;
  readonly rank?: number;
  readonly accept?: (value: string) => boolean;
}

const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { kind: 'jwt', re: /(?<![\w-])eyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*/dg },
  { kind: 'aws-access-key', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/dg },
  { kind: 'github-token', re: /(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,})/dg },
  { kind: 'slack-token', re: /(?<![\w-])(?:xox[abposre](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]{10,}/dg },
  {
    kind: 'slack-token',
    re: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([\w/-]{10,})/dg,
    group: 1,
  },
  { kind: 'stripe-key', re: /(?<!\w)(?:[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{16,})/dg },
  { kind: 'google-api-key', re: /(?<![\w-])AIza[\w-]{35}(?![\w-])/dg },
  { kind: 'opsbook-token', re: /(?<![\w-])opsb_[\w-]{30,}/dg },
  {
    kind: 'bearer-token',
    re: /(?<![\w-])bearer[ \t]+([\w.~+/-]{20,}=*)/dgi,
    group: 1,
    rank: 1,
    accept: (v) => characterClasses(v) >= 2,
  },
  // Basic credentials are base64("user:password"), so they are a password, only encoded.
  {
    kind: 'password',
    re: /(?<![\w-])authorization[ \t]*:[ \t]*basic[ \t]+([A-Za-z0-9+/]{8,}={0,2})/dgi,
    group: 1,
  },
  {
    // scheme://user:password@host — only the password; it may contain `@`, so the last `@` before the host.
    kind: 'url-credentials',
    re: /(?<![\w+.-])[A-Za-z][\w+.-]{0,30}:\/\/[^\s:/?#@]*:([^\s/?#]*[^\s/?#@])@(?=[\w[])/dg,
    group: 1,
    rank: 1,
    accept: (v) => !isPlaceholder(v) && !/^(?:pass(?:word)?|secret)$/i.test(v),
  },
];

function findTokens(text: string, out: Candidate[]): void {
  for (const { kind, re, group = 0, rank = 0, accept } of TOKEN_PATTERNS) {
    for (const match of text.matchAll(re)) {
      const span = match.indices?.[group];
      const value = match[group];
      if (span === undefined || value === undefined || (accept !== undefined && !accept(value))) continue;
      out.push({ kind, start: span[0], end: span[1], rank });
    }
  }
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
/** Base64 lines after a BEGIN line; chunks on the same line only when long enough to be key material. */
const PEM_BODY = /(?:[ \t]*(?:\r?\n|\\r?\\n)[ \t]*[A-Za-z0-9+/=]+|[ \t]+[A-Za-z0-9+/=]{16,})*/y;

/**
 * PEM private keys, markers included. A key pasted without its END line still masks its base64 body.
 * END is searched forward once per key (never again for BEGINs inside a key), so this stays linear.
 */
function findPrivateKeys(text: string, out: Candidate[]): void {
  const ends = new RegExp(PEM_END);
  let nextEnd: { start: number; end: number } | undefined;
  let endsExhausted = false;
  let coveredUntil = 0;
  for (const begin of text.matchAll(PEM_BEGIN)) {
    if (begin.index < coveredUntil) continue;
    const bodyStart = begin.index + begin[0].length;
    if (!endsExhausted && (nextEnd === undefined || nextEnd.start < bodyStart)) {
      ends.lastIndex = bodyStart;
      const m = ends.exec(text);
      if (m === null) endsExhausted = true;
      else nextEnd = { start: m.index, end: m.index + m[0].length };
    }
    let end: number;
    if (nextEnd !== undefined && nextEnd.start >= bodyStart) {
      end = nextEnd.end;
    } else {
      const body = new RegExp(PEM_BODY);
      body.lastIndex = bodyStart;
      const run = body.exec(text)?.[0] ?? '';
      if (run.replace(/\s|\\[nr]/g, '').length < 16) continue;
      end = bodyStart + run.length;
    }
    out.push({ kind: 'private-key', start: begin.index, end, rank: 0 });
    coveredUntil = end;
  }
}

/**
 * `password: X`, `api_key=X`, `"client_secret": "X"`, `--db-password=X`, `the passcode is X`. Optional
 * `prefix_` words name the key (`DB_PASSWORD`, `aws_secret_access_key`); the value after the separator is
 * the quoted string or the next run of non-space characters.
 */
const LABEL = new RegExp(
  [
    String.raw`(?<![\p{L}\p{N}_.-])-{0,2}(?:[A-Za-z0-9]+[_.-])*`,
    String.raw`(?:(?<password>pass(?:word|wd|code|phrase)|pwd|pw|passwort|kennwort|contrase[ñn]a|senha`,
    String.raw`|mot[ _-]de[ _-]passe)|api[ _-]?key`,
    String.raw`|(?:(?:client|app|api|shared|signing|webhook|consumer)[ _-]?)?secret`,
    String.raw`(?:[ _-]?(?:access[ _-]?)?key)?`,
    String.raw`|(?:(?:access|auth|refresh|api|bot|session|personal[ _-]?access)[ _-]?)?token`,
    String.raw`|(?:private|access|encryption|signing|license)[ _-]?key)["'”’]?`,
    String.raw`(?:[ \t]*(?::=|=>|[:=：])[ \t]*|(?<prose>[ \t]+(?:is|was)(?:[ \t]*:)?[ \t]+))`,
  ].join(''),
  'giu',
);

const CLOSING_QUOTE: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '`': '`',
  '“': '”',
  '‘': '’',
  '«': '»',
};
const MAX_QUOTED_LENGTH = 256;

function findLabelledSecrets(text: string, out: Candidate[]): void {
  const label = new RegExp(LABEL);
  const nonSpace = /\S+/y;
  let runStart = -1;
  let runEnd = -1;
  for (let m = label.exec(text); m !== null; m = label.exec(text)) {
    const at = m.index + m[0].length;
    let span = quotedValue(text, at);
    if (span === undefined) {
      const from = CLOSING_QUOTE[text[at] ?? ''] === undefined ? at : at + 1;
      // A run is measured once even if many labels sit in it, so `password:password:…` stays linear.
      if (from >= runEnd || from < runStart) {
        nonSpace.lastIndex = from;
        runStart = from;
        runEnd = from + (nonSpace.exec(text)?.[0].length ?? 0);
      }
      span = [from, runEnd];
    }
    const value = text.slice(span[0], span[1]);
    const isPassword = m.groups?.['password'] !== undefined;
    const prose = m.groups?.['prose'] !== undefined;
    if (isPassword ? !acceptPassword(value, prose) : !acceptKey(value)) continue;
    out.push({ kind: isPassword ? 'password' : 'generic-api-key', start: span[0], end: span[1], rank: 2 });
  }
}

/** The inside of a quoted value closed on the same line, or undefined. */
function quotedValue(text: string, at: number): [number, number] | undefined {
  const close = CLOSING_QUOTE[text[at] ?? ''];
  if (close === undefined) return undefined;
  const limit = Math.min(text.length, at + 1 + MAX_QUOTED_LENGTH);
  for (let i = at + 1; i < limit; i++) {
    const c = text[i];
    if (c === close) return i > at + 1 ? [at + 1, i] : undefined;
    if (c === '\n' || c === '\r') return undefined;
  }
  return undefined;
}

/** Words that follow a label in ordinary prose: "password: reset", "the password is wrong". */
const NOT_SECRETS = new Set(
  (
    'reset expired expires expiring wrong incorrect invalid changed change forgotten forgot ' +
    'required policy field none null nil undefined true false yes no n/a na tbd todo unknown empty ' +
    'blank missing hidden redacted masked removed same unchanged see below above attached sent ' +
    'updated provided set unset ok okay fine correct valid working not the a an in on at for to of ' +
    'and or with from it this that my your our their his her we you he she they still also being been ' +
    'too very now here there case-sensitive mandatory optional needed strong weak long short ' +
    'protected generated stored saved encrypted must should will can cannot did does has have had ' +
    'needs only just please something anything nothing different new old temporary as like by via ' +
    'again already locked blocked disabled enabled active inactive pending revoked rotated leaked ' +
    'compromised exposed shared emailed good bad secure insecure safe unsafe requested sso manager ' +
    'length characters chars'
  ).split(' '),
);

function normalised(value: string): string {
  return value
    .slice(0, 64)
    .trim()
    .replace(/[.,;:!?)\]}'"”’]+$/u, '')
    .toLowerCase();
}

/** Template slots, env references, masks and our own redaction marker are not secrets. */
function isPlaceholder(value: string): boolean {
  return /^(?:[<[]|\{\{|\$\{|\$[A-Z_][A-Z0-9_]*$|%[A-Z_]+%$|[*•xX.…_-]+$)/u.test(value.slice(0, 64));
}

function isRejectedValue(value: string): boolean {
  const norm = normalised(value);
  return (
    NOT_SECRETS.has(norm) ||
    isPlaceholder(value) ||
    /^https?:\/\//i.test(value) ||
    /^[A-Za-z_$][\w$.]*\(/.test(value.slice(0, 64))
  );
}

function acceptPassword(value: string, prose: boolean): boolean {
  if (normalised(value).length < 3 || isRejectedValue(value)) return false;
  // In prose ("the password is Summer") a plain word is more likely English than a password.
  return !(prose && /^\p{L}\p{Ll}*(?:-\p{L}+)*[.,;:!?]*$/u.test(value.slice(0, 64)));
}

/** A labelled key must look like one: 8+ chars, letters and digits, or 20+ chars of mixed classes. */
function acceptKey(value: string): boolean {
  if (value.length < 8 || isRejectedValue(value)) return false;
  const head = value.slice(0, 64);
  if (!/\p{L}/u.test(head)) return false;
  return /[0-9]/.test(head) || (value.length >= 20 && characterClasses(head) >= 2);
}

function characterClasses(value: string): number {
  const head = value.slice(0, 64);
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(head)).length;
}

/**
 * Overlapping candidates form a cluster; the longest (then earliest, then most specific) wins. Whatever
 * of the cluster sticks out on either side is kept under its own kind, so no part of a secret is left.
 */
function resolveOverlaps(candidates: Candidate[]): SecretFinding[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
  const out: SecretFinding[] = [];
  let i = 0;
  while (i < candidates.length) {
    const first = candidates[i]!;
    let winner = first;
    let furthest = first;
    let j = i + 1;
    for (; j < candidates.length && candidates[j]!.start < furthest.end; j++) {
      const c = candidates[j]!;
      if (c.end - c.start > winner.end - winner.start) winner = c;
      if (c.end > furthest.end) furthest = c;
    }
    if (first.start < winner.start) out.push({ kind: first.kind, start: first.start, end: winner.start });
    out.push({ kind: winner.kind, start: winner.start, end: winner.end });
    if (furthest.end > winner.end) out.push({ kind: furthest.kind, start: winner.end, end: furthest.end });
    i = j;
  }
  return out;
}

/** Rescans are rare and short: each one only adds secrets that were glued to one masked before. */
const MAX_SCAN_ROUNDS = 4;

/**
 * Every secret in `text`, sorted by start and non-overlapping.
 *
 * A secret glued to another (`…KEY-----eyJ…`) can hide behind it: its neighbour looks like part of the same
 * word. Masking the first exposes it, so the masked text is rescanned and anything new outside the
 * redaction markers is mapped back and added, until nothing new appears: masking is then idempotent.
 *
 * @example findSecrets('password: hunter2!') // [{ kind: 'password', start: 10, end: 18 }]
 */
export function findSecrets(text: string): SecretFinding[] {
  let findings = scan(text);
  for (let round = 1; round < MAX_SCAN_ROUNDS && findings.length > 0; round++) {
    const masked = applyMasks(text, findings);
    const more = toOriginalOffsets(outside(scan(masked.text), masked.markers), masked.markers);
    if (more.length === 0) break;
    findings = [...findings, ...more].sort((a, b) => a.start - b.start);
  }
  return findings;
}

function scan(text: string): SecretFinding[] {
  const candidates: Candidate[] = [];
  findCardNumbers(text, candidates);
  findPrivateKeys(text, candidates);
  findTokens(text, candidates);
  findLabelledSecrets(text, candidates);
  return resolveOverlaps(candidates);
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** A redaction marker in the masked text; `shift` is masked minus original offset after it. */
interface Marker extends Span {
  readonly shift: number;
}

function applyMasks(text: string, findings: readonly SecretFinding[]): { text: string; markers: Marker[] } {
  const parts: string[] = [];
  const markers: Marker[] = [];
  let at = 0;
  let length = 0;
  for (const f of findings) {
    const marker = redaction(text.slice(f.start, f.end), f.kind);
    parts.push(text.slice(at, f.start), marker);
    length += f.start - at;
    markers.push({ start: length, end: length + marker.length, shift: length + marker.length - f.end });
    length += marker.length;
    at = f.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), markers };
}

/** The parts of the sorted `found` outside every one of the sorted `kept`. */
function outside(found: readonly SecretFinding[], kept: readonly Span[]): SecretFinding[] {
  const out: SecretFinding[] = [];
  let k = 0;
  for (const f of found) {
    while (k < kept.length && kept[k]!.end <= f.start) k++;
    let from = f.start;
    for (let i = k; i < kept.length && kept[i]!.start < f.end; i++) {
      if (kept[i]!.start > from) out.push({ kind: f.kind, start: from, end: kept[i]!.start });
      from = Math.max(from, kept[i]!.end);
    }
    if (from < f.end) out.push({ kind: f.kind, start: from, end: f.end });
  }
  return out;
}

/** Maps sorted findings that lie between markers in the masked text back to the original text. */
function toOriginalOffsets(found: readonly SecretFinding[], markers: readonly Marker[]): SecretFinding[] {
  let k = 0;
  let shift = 0;
  return found.map((f) => {
    for (; k < markers.length && markers[k]!.end <= f.start; k++) shift = markers[k]!.shift;
    return { kind: f.kind, start: f.start - shift, end: f.end - shift };
  });
}

/**
 * `text` with every secret replaced by `[redacted <kind>]`; a card keeps its last four digits so support
 * can still tell which card a customer means.
 *
 * @example maskSecrets('card 4242 4242 4242 4242').text // 'card [redacted card •••• 4242]'
 */
export function maskSecrets(text: string): MaskResult {
  const findings = findSecrets(text);
  return { text: applyMasks(text, findings).text, findings };
}

function redaction(value: string, kind: SecretKind): string {
  if (kind === 'card-number') return `[redacted card •••• ${value.replace(/[^0-9]/g, '').slice(-4)}]`;
  return `[redacted ${kind}]`;
}
