/**
 * Sign-in challenges: a step of signing in (or of proving a phone) that waits for a code. The browser gets
 * a random token once (only its SHA-256 stored); each challenge expires, counts attempts and is used once.
 * A code (SMS) is stored as an HMAC keyed by the challenge id; an MFA step after SMS carries the marker
 * `sms` in place of a code, so the session records how the first factor was proved.
 *
 * Codes go out as SMS through the outbox of the person's first workspace (its SMS channel; record first,
 * send after).
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { enqueueMessage } from '../../engine/outbox.js';
import { hashOtp } from '../../security/otp.js';
import { newId } from '../../shared/ids.js';
import type { Database, Queryable } from '../../store/database.js';
import { memberships, signInChallenges, type ChallengeKind } from '../../store/schema.js';
import { hashSecret } from '../admin/sessions.js';

export async function newChallenge(
  db: Queryable,
  userId: string,
  kind: ChallengeKind,
  input: { ttlMs: number; code?: string; marker?: string },
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const id = newId('chl', now.getTime());
  await db.insert(signInChallenges).values({
    id,
    tokenHash: hashSecret(token),
    userId,
    kind,
    codeHash: input.code === undefined ? (input.marker ?? null) : hashOtp(input.code, id),
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.ttlMs),
  });
  return token;
}

export interface ChallengeRow {
  id: string;
  userId: string;
  kind: string;
  codeHash: string | null;
  attempts: number;
  expiresAt: Date;
  usedAt: Date | null;
}

/** Counts an attempt on a live challenge; null when unknown, expired, used or out of attempts. */
export async function takeChallenge(
  database: Database,
  token: string,
  kind: ChallengeKind,
  maxAttempts: number,
  now: Date,
): Promise<ChallengeRow | null> {
  if (token.length > 100) return null;
  const [row] = await database.db
    .update(signInChallenges)
    .set({ attempts: sql`${signInChallenges.attempts} + 1` })
    .where(
      and(
        eq(signInChallenges.tokenHash, hashSecret(token)),
        eq(signInChallenges.kind, kind),
        isNull(signInChallenges.usedAt),
        gt(signInChallenges.expiresAt, now),
        sql`${signInChallenges.attempts} < ${maxAttempts}`,
      ),
    )
    .returning();
  return row ?? null;
}

export async function useChallenge(database: Database, id: string, now: Date): Promise<boolean> {
  const done = await database.db
    .update(signInChallenges)
    .set({ usedAt: now })
    .where(and(eq(signInChallenges.id, id), isNull(signInChallenges.usedAt)))
    .returning({ id: signInChallenges.id });
  return done.length > 0;
}

/** How many challenges of a kind a person was given since `since` (to cap SMS sent to them). */
export async function recentChallenges(database: Database, userId: string, kind: ChallengeKind, since: Date) {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(signInChallenges)
    .where(
      and(
        eq(signInChallenges.userId, userId),
        eq(signInChallenges.kind, kind),
        gt(signInChallenges.createdAt, since),
      ),
    );
  return row?.n ?? 0;
}

/** Records an SMS to `to` in the person's first workspace's outbox; false when they belong to none. */
export async function sendCodeBySms(
  database: Database,
  userId: string,
  message: { to: string; text: string; key: string },
): Promise<boolean> {
  const [first] = await database.transaction(
    (tx) =>
      tx
        .select({ workspaceId: memberships.workspaceId })
        .from(memberships)
        .where(eq(memberships.userId, userId))
        .orderBy(memberships.createdAt)
        .limit(1),
    { userId },
  );
  if (!first) return false;
  await database.inWorkspace(first.workspaceId, (tx) =>
    enqueueMessage(tx, first.workspaceId, {
      idempotencyKey: message.key,
      channel: 'sms',
      // `sensitive`: the delivery log and the mailbox never show the code.
      payload: { to: message.to, template: 'sign-in-code', text: message.text, sensitive: true },
    }),
  );
  return true;
}

/** A random token that opens nothing: the answer for unknown phones, so they look like known ones. */
export const decoyChallenge = () => randomBytes(32).toString('base64url');
