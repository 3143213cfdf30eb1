/**
 * The words of the daily review digest (digest.ts): pure, so its wording is tested without a database.
 */

/** An account waiting in a review list, since the instant it entered it. */
export interface PendingItem {
  readonly account: string;
  readonly name: string;
  readonly plan: string | null;
  readonly sinceMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** How long something has waited, to the two largest units: `3 d 4 h`, `5 h 10 min`, `12 min`. */
export function formatAge(ms: number): string {
  const safe = Math.max(0, ms);
  const days = Math.floor(safe / DAY_MS);
  const hours = Math.floor((safe % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((safe % HOUR_MS) / MINUTE_MS);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The digest's title and text, or null when both lists are empty (nothing is sent then).
 *
 * @example composeReviewDigest({ day: '2026-03-03', signups: [...], payments: [], nowMs, reviewUrl, accountUrl })
 */
export function composeReviewDigest(input: {
  readonly day: string;
  readonly signups: readonly PendingItem[];
  readonly payments: readonly PendingItem[];
  readonly nowMs: number;
  readonly reviewUrl: string;
  readonly accountUrl: (accountId: string) => string;
}): { title: string; text: string } | null {
  const { signups, payments, nowMs } = input;
  if (signups.length === 0 && payments.length === 0) return null;
  const line = (item: PendingItem, waiting: string) =>
    `- ${item.name} (${item.account}${item.plan ? `, plan ${item.plan}` : ''}): ${waiting} ${formatAge(nowMs - item.sinceMs)} — ${input.accountUrl(item.account)}`;
  const section = (heading: string, items: readonly PendingItem[], waiting: string) => [
    `${heading} (${items.length})`,
    ...(items.length > 0 ? items.map((i) => line(i, waiting)) : ['- none']),
  ];
  const title = `Daily review ${input.day}: ${plural(signups.length, 'signup', 'signups')} to review, ${plural(payments.length, 'payment', 'payments')} to confirm`;
  const text = [
    title,
    '',
    ...section('Signups waiting for review', signups, 'submitted'),
    '',
    ...section('Approved estates waiting for payment', payments, 'approved'),
    '',
    `Review queue: ${input.reviewUrl}`,
  ].join('\n');
  return { title, text };
}
