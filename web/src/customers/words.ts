/** How the customers pages say states, times, values and what happened to an account. */
import type { AccessLevel, Contact, FactValue } from '../customers-api';

export const CUSTOMERS_PATH = '/customers';

/** The signup review queue (Smart Estate's pack). */
export const REVIEW_PATH = `${CUSTOMERS_PATH}/review`;

/** The area's own pages under /customers, whose names an account id could also be. */
const SUB_PAGES: ReadonlySet<string> = new Set(['review', 'metrics']);

/**
 * `/customers/shop_42`. An account whose id is a page's name (`review`) gets its first letter
 * percent-encoded (`/customers/%72eview`): the address differs from the page's, and decodes to the id.
 */
export function accountPath(accountId: string): string {
  const id = encodeURIComponent(accountId);
  const path = SUB_PAGES.has(id) ? `%${id.charCodeAt(0).toString(16).toUpperCase()}${id.slice(1)}` : id;
  return `${CUSTOMERS_PATH}/${path}`;
}

export type Tone = 'good' | 'warn' | 'bad' | 'quiet';

/** How an account's (or contact's) state reads at a glance; unknown states of a pack are quiet. */
const TONE: Readonly<Record<string, Tone>> = {
  active: 'good',
  approved: 'good',
  live: 'good',
  trialing: 'warn',
  'past-due': 'warn',
  pending: 'warn',
  submitted: 'warn',
  suspended: 'bad',
  rejected: 'bad',
  'data-deleted': 'bad',
  cancelled: 'quiet',
  new: 'quiet',
};

export const toneOf = (state: string): Tone => TONE[state] ?? 'quiet';

export const ACCESS_WORDS: Readonly<Record<AccessLevel, { label: string; tone: Tone; means: string }>> = {
  read_write: { label: 'Read and write', tone: 'good', means: 'The SaaS lets the account work as usual.' },
  read_only: {
    label: 'Read only',
    tone: 'warn',
    means: 'The account can see and export its data but change nothing.',
  },
  none: { label: 'No access', tone: 'bad', means: 'The SaaS keeps the account out.' },
};

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** `3 minutes ago`, `yesterday`, `in 2 days`; `just now` within a minute. */
export function relativeTime(iso: string, nowMs: number): string {
  const diffMs = Date.parse(iso) - nowMs;
  if (Number.isNaN(diffMs)) return iso;
  for (const [unit, ms] of UNITS)
    if (Math.abs(diffMs) >= ms) return relativeFormat.format(Math.round(diffMs / ms), unit);
  return 'just now';
}

export const absoluteTime = (iso: string): string => new Date(iso).toLocaleString();

/** A fact's or custom field's value as text: `12`, `yes`, `—` for null. */
export function valueText(value: FactValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** `customers_added` → `customers added`. */
export const nameWords = (name: string) => name.replace(/_/g, ' ');

/** Whose entry it is: the account itself, a contact by name, a ticket. */
export function subjectLabel(subject: string, contacts: readonly Contact[]): string {
  const [kind, ...rest] = subject.split(':');
  const id = rest.join(':');
  switch (kind) {
    case 'account':
      return 'Account';
    case 'user':
      return contacts.find((c) => c.id === id)?.name ?? `Contact ${id}`;
    case 'ticket':
      return `Ticket #${id}`;
    default:
      return subject;
  }
}

const SUMMARY_CHARS = 140;

/** Keys the entry shows another way (its subject) or that are not for people (the effects decided). */
const UNSAID = new Set(['effects', 'subject']);

/** The entry's data in a line: `name customers_added, value 6`; nested values are left out. */
export function dataSummary(data: Readonly<Record<string, unknown>>): string {
  const text = Object.entries(data)
    .filter(([key, value]) => !UNSAID.has(key) && ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${nameWords(key)} ${String(value as string | number | boolean)}`)
    .join(', ');
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}
