/**
 * The daily review digest (issue 9; Smart Estate 004#63-64, "Daily: review pending estate signups",
 * "review pending payments"): once a day, at REVIEW_DIGEST_AT in the workspace's zone, the people who
 * review signups and confirm payments get the two lists of the review queue (`/customers/review`): signups
 * waiting for review and approved estates waiting for payment, each with its count, the age of every item
 * and its link. Nothing is sent when both lists are empty.
 *
 * - **When**: a keyed worker timer (REVIEW_DIGEST_TIMER, one per workspace). An account entering a list
 *   (a signup submitted, a signup decision) arms it for the next REVIEW_DIGEST_AT, keeping an earlier one;
 *   when it fires it sends and, while something is still waiting, re-arms itself for the next day. A
 *   workspace with nothing waiting has no timer.
 * - **Who**: the owner of the pack's daily recurring checklist (Smart Estate: the platform team, who review
 *   signups) and the roles that approve a payment (finance, 004#28); when nobody holds them, the workspace's
 *   owners and admins, so the list is never lost.
 * - **Once a day**: each message's outbox key is `review-digest:<local date>:<transport>:<address>`, so a
 *   timer fired again (a retry, a clock stepped back) records nothing new.
 */
import { and, eq, or, sql } from 'drizzle-orm';
import { nextOccurrence } from '../../core/cadence.js';
import { zoneOffsetMs } from '../../core/instant.js';
import { resolveRecipients, type Addressee } from '../../core/notify/recipients.js';
import type { SubjectObserver } from '../../engine/engine.js';
import { enqueueMessages, type MessageInput } from '../../engine/outbox.js';
import { scheduleTimer, type ClaimedTimer } from '../../engine/timers.js';
import type { TimerHandler } from '../../engine/worker.js';
import type { Policy } from '../../packs/compile.js';
import { rowsOf, type Tx } from '../../store/database.js';
import { subjects, workspaces } from '../../store/schema.js';
import { accounts } from '../../store/schema-customers.js';
import { directoryOf, governingPolicy } from '../notifications/directory.js';
import { composeReviewDigest, type PendingItem } from './digest-text.js';

export const REVIEW_DIGEST_TIMER = 'customers.review-digest';
/** Local time of the digest in the workspace's zone: before the pack's 09:00 daily operations (004#76). */
export const REVIEW_DIGEST_AT = '08:00';
const TIMER_KEY = 'customers:review-digest';
/** Told when the pack's roles name nobody. */
const FALLBACK = ['role:owner', 'role:admin'];

/** The pack's signup and payment lifecycles, which the two lists read. */
function reviewLifecycles(policy: Pick<Policy, 'lifecycles'>) {
  const all = Object.values(policy.lifecycles);
  const signup = all.find((l) => l.for === 'signup');
  const payment = all.find((l) => l.for === 'payment');
  return signup ? { signup, payment } : null;
}

/** Who reviews: the daily checklists' owners and the payment lifecycle's approvers, in pack order. */
export function digestRecipients(policy: Policy): string[] {
  const daily = Object.values(policy.checklists).flatMap((c) =>
    c.schedule && 'every' in c.schedule && c.schedule.every === 'day' && c.owner ? [c.owner] : [],
  );
  const approvers = Object.values(policy.lifecycles)
    .filter((l) => l.for === 'payment')
    .flatMap((l) => l.transitions.flatMap((t) => (t.approval ? [t.approval] : [])));
  return [...new Set([...daily, ...approvers])];
}

/** The next digest instant strictly after `afterMs`: REVIEW_DIGEST_AT local time in `timeZone`. */
export function nextDigestAt(afterMs: number, timeZone: string): number {
  return nextOccurrence({ every: 'day', at: REVIEW_DIGEST_AT }, afterMs, timeZone) ?? afterMs + 86_400_000;
}

/** `YYYY-MM-DD` of an instant in a zone: the digest's day. */
export function localDay(atMs: number, timeZone: string): string {
  return new Date(atMs + zoneOffsetMs(atMs, timeZone)).toISOString().slice(0, 10);
}

async function databaseNow(tx: Tx): Promise<Date> {
  const [row] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select statement_timestamp() as now`));
  return new Date(row?.now ?? 0);
}

async function zoneOf(tx: Tx, workspaceId: string): Promise<string> {
  const [ws] = await tx
    .select({ timeZone: workspaces.timeZone })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return ws?.timeZone ?? 'UTC';
}

async function arm(tx: Tx, workspaceId: string, afterMs: number, timeZone: string): Promise<void> {
  await scheduleTimer(tx, workspaceId, {
    key: TIMER_KEY,
    kind: REVIEW_DIGEST_TIMER,
    subject: 'customers:review',
    runAt: new Date(nextDigestAt(afterMs, timeZone)),
    mode: 'keep-earliest',
  });
}

/**
 * Arms the digest when an account may have entered a list: its signup was submitted or decided. In the
 * deciding transaction, so the timer exists exactly when the signup does.
 */
export const reviewDigestObserver: SubjectObserver = async (tx, change) => {
  const { workspaceId, event, state, effects, ep, nowMs } = change;
  if (state.kind !== 'account') return;
  const lifecycles = reviewLifecycles(ep.policy);
  if (!lifecycles) return;
  const entered =
    event.type === 'signup.submitted' ||
    effects.some((e) => e.type === 'transition' && e.lifecycle === lifecycles.signup.id);
  if (!entered) return;
  const position = state.lifecycles[lifecycles.signup.id]?.state;
  if (position !== lifecycles.signup.initial && position !== 'approved') return;
  await arm(tx, workspaceId, nowMs, await zoneOf(tx, workspaceId));
};

/** The two lists now, oldest first. */
async function pendingLists(
  tx: Tx,
  workspaceId: string,
  policy: Policy,
): Promise<{ signups: PendingItem[]; payments: PendingItem[] }> {
  const lifecycles = reviewLifecycles(policy);
  if (!lifecycles) return { signups: [], payments: [] };
  const { signup, payment } = lifecycles;
  const position = (id: string) => sql`${accounts.lifecycles} ->> ${id}`;
  const waitingForPayment = payment
    ? and(sql`${position(signup.id)} = 'approved'`, sql`${position(payment.id)} = ${payment.initial}`)
    : sql`false`;
  const rows = await tx
    .select({
      id: accounts.id,
      name: accounts.name,
      plan: accounts.plan,
      signup: position(signup.id),
      sinceMs: sql<string | null>`${subjects.state} -> 'lifecycles' -> ${signup.id} ->> 'enteredAtMs'`,
      createdAt: accounts.createdAt,
    })
    .from(accounts)
    .leftJoin(
      subjects,
      and(
        eq(subjects.workspaceId, accounts.workspaceId),
        eq(subjects.key, sql`'account:' || ${accounts.id}`),
      ),
    )
    .where(
      and(
        eq(accounts.workspaceId, workspaceId),
        or(sql`${position(signup.id)} = ${signup.initial}`, waitingForPayment),
      ),
    );
  const items = rows
    .map((r) => ({
      account: r.id,
      name: r.name,
      plan: r.plan,
      // Since it entered where it waits: submitted (pending review) or approved (waiting for payment).
      sinceMs: r.sinceMs === null ? r.createdAt.getTime() : Number(r.sinceMs),
      signup: r.signup,
    }))
    .sort((a, b) => a.sinceMs - b.sinceMs || a.account.localeCompare(b.account));
  const strip = ({ signup: _signup, ...item }: (typeof items)[number]): PendingItem => item;
  return {
    signups: items.filter((i) => i.signup === signup.initial).map(strip),
    payments: items.filter((i) => i.signup !== signup.initial).map(strip),
  };
}

/** The people told: the pack's reviewers, else the owners and admins; each with an account or an email. */
async function reviewers(tx: Tx, workspaceId: string, policy: Policy, atMs: number): Promise<Addressee[]> {
  const directory = await directoryOf(tx, workspaceId, policy, {}, atMs);
  const named = resolveRecipients(directory, digestRecipients(policy)).addressees;
  const reachable = (a: Addressee) => Boolean(a.userId ?? a.email);
  if (named.some(reachable)) return named.filter(reachable);
  return resolveRecipients(directory, FALLBACK).addressees.filter(reachable);
}

/**
 * Sends one day's digest (its in-app notification and email per person, each under its day's key) and
 * re-arms the timer while something waits. Returns how many messages were recorded.
 */
export async function sendReviewDigest(
  tx: Tx,
  workspaceId: string,
  atMs: number,
  links: { readonly publicUrl: string },
): Promise<number> {
  const policy = await governingPolicy(tx, workspaceId, null);
  if (!policy) return 0;
  const timeZone = await zoneOf(tx, workspaceId);
  const lists = await pendingLists(tx, workspaceId, policy);
  const base = links.publicUrl.replace(/\/+$/, '');
  const day = localDay(atMs, timeZone);
  const digest = composeReviewDigest({
    day,
    ...lists,
    nowMs: atMs,
    reviewUrl: `${base}/customers/review`,
    accountUrl: (id) => `${base}/customers/${encodeURIComponent(id)}`,
  });
  if (!digest) return 0;
  const subject = `review-digest:${day}`;
  const payload = (to: string, person: Addressee) => ({
    to,
    ...(person.name ? { name: person.name } : {}),
    ...(person.userId ? { userId: person.userId } : {}),
    subject: digest.title,
    text: digest.text,
    automatic: true,
    context: { subject, eventType: 'notify', ...(base ? { url: `${base}/customers/review` } : {}) },
  });
  const messages: MessageInput[] = [];
  for (const person of await reviewers(tx, workspaceId, policy, atMs)) {
    if (person.userId)
      messages.push({
        idempotencyKey: `${subject}:in-app:${person.userId}`,
        channel: 'in-app',
        recipient: person.recipient,
        payload: payload(person.userId, person),
      });
    if (person.email)
      messages.push({
        idempotencyKey: `${subject}:email:${person.email.toLowerCase()}`,
        channel: 'email',
        recipient: person.recipient,
        payload: payload(person.email, person),
      });
  }
  const recorded = await enqueueMessages(tx, workspaceId, messages);
  await arm(tx, workspaceId, atMs, timeZone);
  return recorded.size;
}

/**
 * The worker's handler for REVIEW_DIGEST_TIMER.
 *
 * @example timerHandlers: { [REVIEW_DIGEST_TIMER]: reviewDigestTimerHandler({ publicUrl }) }
 */
export function reviewDigestTimerHandler(links: { readonly publicUrl: string }): TimerHandler {
  return async (tx: Tx, timer: ClaimedTimer, context) => {
    // Dated when it goes out: a digest fired late (the worker was down) lists what waits now.
    const now = context?.now ?? (await databaseNow(tx));
    await sendReviewDigest(tx, timer.workspaceId, Math.max(timer.runAt.getTime(), now.getTime()), links);
  };
}
