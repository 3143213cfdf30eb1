/**
 * Signing in: email and password (argon2id), then a TOTP or recovery code when the person enrolled MFA;
 * or a one-time code sent by SMS to their phone (account.ts: signing up, MFA enrolment, password, phone).
 *
 * Guessing is slowed per account: after LOCK_AFTER failures in a row, password sign-in pauses with a
 * back-off (1, 2, 4 … up to 15 minutes), except from a browser that signed in to the account before (its
 * device cookie), so a flood from many addresses cannot lock the real person out (RELIABILITY S9). The
 * LOCK_AFTER-th failure raises the company SOP's alert: "a high number of failed login attempts" (001#53)
 * as a task for each of the person's workspaces. Answers never say whether an email exists.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { checkTotp } from '../../security/totp.js';
import { hashRecoveryCode, normaliseRecoveryCode } from '../../security/recovery-codes.js';
import { newOtpCode, otpMatches, normalisePhone, OTP_MAX_ATTEMPTS, OTP_TTL_MS } from '../../security/otp.js';
import type { KeyService } from '../../security/keys.js';
import { newId } from '../../shared/ids.js';
import type { Database, Queryable } from '../../store/database.js';
import { memberships, recoveryCodes, tasks, users } from '../../store/schema.js';
import { verifyPassword } from '../admin/passwords.js';
import type { NewSession, SessionPolicy } from '../admin/sessions.js';
import { hashSecret, isKnownDevice, openSession } from '../admin/sessions.js';
import {
  decoyChallenge,
  newChallenge,
  recentChallenges,
  sendCodeBySms,
  takeChallenge,
  useChallenge,
} from './challenges.js';
import { ACCOUNT_CHAIN, appendAccountAudit, appendAudit } from './audit.js';

export const LOCK_AFTER = 5;
const MAX_LOCK_MS = 15 * 60_000;
const MFA_CHALLENGE_MS = 5 * 60_000;
const MFA_MAX_ATTEMPTS = 5;
/** At most this many SMS codes per person per SMS_WINDOW_MS, whoever asks. */
const SMS_PER_WINDOW = 3;
const SMS_WINDOW_MS = 15 * 60_000;

export interface Client {
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The browser's device cookie (set at the first sign-in). */
  readonly deviceToken: string;
}

export type SignInOutcome =
  | { readonly kind: 'session'; readonly created: NewSession }
  | { readonly kind: 'mfa'; readonly challenge: string };

interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  totpEnabledAt: Date | null;
  failedSignIns: number;
  lockedUntil: Date | null;
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  passwordHash: users.passwordHash,
  totpEnabledAt: users.totpEnabledAt,
  failedSignIns: users.failedSignIns,
  lockedUntil: users.lockedUntil,
};

async function userByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select(userColumns)
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row;
}

/**
 * Counts this attempt as a failure before the password is checked, in one atomic update, and pauses the
 * account when it is the LOCK_AFTER-th (or later) in a row; a success resets the count. Reserving first
 * means a burst of parallel guesses cannot all read "not paused" before any failure is counted: the
 * row lock serialises them and only the first LOCK_AFTER get through. Null when the account is paused.
 */
async function reserveAttempt(database: Database, userId: string, now: Date): Promise<number | null> {
  const [row] = await database.db
    .update(users)
    .set({
      failedSignIns: sql`${users.failedSignIns} + 1`,
      lockedUntil: sql`case when ${users.failedSignIns} + 1 >= ${LOCK_AFTER}
        then ${now.toISOString()}::timestamptz + least(60000 * power(2, ${users.failedSignIns} + 1 - ${LOCK_AFTER}), ${MAX_LOCK_MS}) * interval '1 millisecond'
        else ${users.lockedUntil} end`,
    })
    .where(
      and(
        eq(users.id, userId),
        sql`(${users.lockedUntil} is null or ${users.lockedUntil} <= ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ failures: users.failedSignIns });
  return row?.failures ?? null;
}

/** A failure from a known browser while the account is paused: counted, the pause left as it is. */
async function countFailure(database: Database, userId: string): Promise<number> {
  const [row] = await database.db
    .update(users)
    .set({ failedSignIns: sql`${users.failedSignIns} + 1` })
    .where(eq(users.id, userId))
    .returning({ failures: users.failedSignIns });
  return row?.failures ?? 0;
}

/** 001#53: "alerts for unusual user behavior, such as a high number of failed login attempts". */
async function raiseFailedSignInAlert(database: Database, user: UserRow, failures: number, now: Date) {
  const mine = await database.transaction(
    (tx) =>
      tx
        .select({ workspaceId: memberships.workspaceId })
        .from(memberships)
        .where(eq(memberships.userId, user.id)),
    { userId: user.id },
  );
  for (const { workspaceId } of mine) {
    await database.inWorkspace(workspaceId, async (tx) => {
      await tx
        .insert(tasks)
        .values({
          id: newId('tsk', now.getTime()),
          workspaceId,
          key: `security:failed-sign-ins:${user.id}:${now.toISOString()}`,
          title: `High number of failed sign-ins for ${user.email}`,
          detail: `${failures} wrong passwords in a row; password sign-in is paused with a back-off, except from browsers this person used before. If it was not them, check the sessions and ask them to change the password.`,
          subject: `user:${user.id}`,
          assignee: 'role:admin',
          createdAt: now,
        })
        .onConflictDoNothing();
      await appendAudit(tx, now, {
        actor: 'system',
        action: 'alert.failed-sign-ins',
        target: user.id,
        data: { failures },
      });
    });
  }
}

export async function finish(
  database: Database,
  user: { id: string; email: string; name: string },
  method: string,
  client: Client,
  policy: SessionPolicy,
  now: Date,
): Promise<NewSession> {
  await database.db.update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, user.id));
  const created = await openSession(database.db, user, { ...client, method }, policy, now);
  await appendAccountAudit(database, now, {
    actor: `user:${user.id}`,
    action: 'sign-in.succeeded',
    target: created.session.sessionId,
    data: { method, ip: client.ip },
  });
  return created;
}

/** Email and password. Null for any failure: wrong email, wrong password, or paused after failures. */
export async function signInWithPassword(
  database: Database,
  input: { email: string; password: string },
  client: Client,
  policy: SessionPolicy,
  now: Date,
): Promise<SignInOutcome | null> {
  const user = await userByEmail(database.db, input.email);
  if (!user) {
    await verifyPassword(null, input.password); // an unknown email costs a hash too
    return null;
  }
  let failures = await reserveAttempt(database, user.id, now);
  if (failures === null && !(await isKnownDevice(database.db, user.id, client.deviceToken))) {
    await verifyPassword(null, input.password); // a paused account costs a hash too: timing tells nothing
    await appendAccountAudit(database, now, {
      actor: `ip:${client.ip ?? 'unknown'}`,
      action: 'sign-in.refused-paused',
      target: user.id,
    });
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    failures ??= await countFailure(database, user.id);
    await appendAccountAudit(database, now, {
      actor: `ip:${client.ip ?? 'unknown'}`,
      action: 'sign-in.failed',
      target: user.id,
      data: { failures },
    });
    if (failures === LOCK_AFTER) await raiseFailedSignInAlert(database, user, failures, now);
    return null;
  }
  if (user.totpEnabledAt) {
    // The password was right: the reserved failure is undone now, since the second factor may take a
    // while (its challenge has its own attempt limit); without one, finish() resets the count.
    await database.db.update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, user.id));
    return {
      kind: 'mfa',
      challenge: await newChallenge(database.db, user.id, 'mfa', { ttlMs: MFA_CHALLENGE_MS }, now),
    };
  }
  return { kind: 'session', created: await finish(database, user, 'password', client, policy, now) };
}

/**
 * Checks a TOTP code (or a recovery code) for a person; a TOTP step is accepted once (the update only
 * moves totp_last_step forward, so two requests with one code cannot both pass). Returns the method.
 */
export async function checkSecondFactor(
  database: Database,
  keys: KeyService,
  userId: string,
  code: string,
  now: Date,
): Promise<'totp' | 'recovery' | null> {
  const [row] = await database.db
    .select({ secret: users.totpSecret, lastStep: users.totpLastStep, enabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!row?.secret) return null;
  const trimmed = code.replace(/\s+/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const secret = await keys.open(ACCOUNT_CHAIN, row.secret, {
      field: 'users.totp_secret',
      recordId: userId,
    });
    const verdict = checkTotp({
      secret,
      code: trimmed,
      nowMs: now.getTime(),
      lastUsedStep: row.lastStep ?? -1,
    });
    if (!verdict.ok) return null;
    const moved = await database.db
      .update(users)
      .set({ totpLastStep: verdict.step })
      .where(
        and(
          eq(users.id, userId),
          sql`(${users.totpLastStep} is null or ${users.totpLastStep} < ${verdict.step})`,
        ),
      )
      .returning({ id: users.id });
    return moved.length > 0 ? 'totp' : null;
  }
  if (!row.enabledAt) return null;
  const used = await database.db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(normaliseRecoveryCode(code))),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return used.length > 0 ? 'recovery' : null;
}

/** The second step after a password (or SMS code) when the person enrolled MFA. */
export async function completeMfa(
  database: Database,
  keys: KeyService,
  input: { challenge: string; code: string },
  client: Client,
  policy: SessionPolicy,
  now: Date,
): Promise<NewSession> {
  const challenge = await takeChallenge(database, input.challenge, 'mfa', MFA_MAX_ATTEMPTS, now);
  if (!challenge)
    throw new OpsError('OPS_INVALID_CODE', 'This sign-in expired or had too many wrong codes; start again.');
  const factor = await checkSecondFactor(database, keys, challenge.userId, input.code, now);
  if (!factor || !(await useChallenge(database, challenge.id, now))) {
    await appendAccountAudit(database, now, {
      actor: `ip:${client.ip ?? 'unknown'}`,
      action: 'mfa.failed',
      target: challenge.userId,
    });
    throw new OpsError('OPS_INVALID_CODE');
  }
  const [user] = await database.db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, challenge.userId));
  // The challenge's code hash records how the first factor was proved: set for SMS, null for a password.
  const first = challenge.codeHash === 'sms' ? 'sms' : 'password';
  return finish(database, user!, `${first}+${factor}`, client, policy, now);
}

/**
 * Sends a sign-in code by SMS when the phone belongs to someone, through the SMS channel of their first
 * workspace (the outbox: record first, send after). The answer is the same whether or not it does, and a
 * challenge token is always returned, so nobody learns which numbers are registered.
 */
export async function startSmsSignIn(
  database: Database,
  input: { phone: string },
  now: Date,
): Promise<{ challenge: string }> {
  const phone = normalisePhone(input.phone);
  if (!phone.ok)
    throw new OpsError('OPS_VALIDATION', phone.problem, [{ pointer: '/body/phone', message: phone.problem }]);
  const [user] = await database.db.select({ id: users.id }).from(users).where(eq(users.phone, phone.e164));
  const decoy = () => ({ challenge: decoyChallenge() });
  if (!user) return decoy();
  if (
    (await recentChallenges(database, user.id, 'sms', new Date(now.getTime() - SMS_WINDOW_MS))) >=
    SMS_PER_WINDOW
  ) {
    return decoy();
  }
  const code = newOtpCode();
  const challenge = await newChallenge(database.db, user.id, 'sms', { ttlMs: OTP_TTL_MS, code }, now);
  const sent = await sendCodeBySms(database, user.id, {
    to: phone.e164,
    text: `Your Opsbook sign-in code is ${code}. It expires in 5 minutes.`,
    key: `sign-in-code:${hashSecret(challenge)}`,
  });
  if (!sent) return decoy();
  return { challenge };
}

/** The code from the SMS; continues to a TOTP step when the person enrolled MFA. */
export async function verifySmsSignIn(
  database: Database,
  input: { challenge: string; code: string },
  client: Client,
  policy: SessionPolicy,
  now: Date,
): Promise<SignInOutcome> {
  const challenge = await takeChallenge(database, input.challenge, 'sms', OTP_MAX_ATTEMPTS, now);
  const code = input.code.replace(/\s+/g, '');
  if (
    !challenge ||
    !otpMatches(code, challenge.id, challenge.codeHash ?? '') ||
    !(await useChallenge(database, challenge.id, now))
  ) {
    throw new OpsError('OPS_INVALID_CODE');
  }
  const [user] = await database.db
    .select({ id: users.id, email: users.email, name: users.name, totpEnabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, challenge.userId));
  if (user!.totpEnabledAt) {
    const token = await newChallenge(
      database.db,
      user!.id,
      'mfa',
      { ttlMs: MFA_CHALLENGE_MS, marker: 'sms' },
      now,
    );
    return { kind: 'mfa', challenge: token };
  }
  return { kind: 'session', created: await finish(database, user!, 'sms', client, policy, now) };
}
