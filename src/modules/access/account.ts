/**
 * A person's own account: signing up, changing the password, enrolling TOTP with recovery codes (company
 * SOP: "Enforce multi-factor authentication (MFA) for all user logins", 001#63), and the phone for SMS
 * sign-in (proved by a code before it is used). Every change is in the account audit chain.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { KeyService } from '../../security/keys.js';
import { newOtpCode, normalisePhone, OTP_MAX_ATTEMPTS, OTP_TTL_MS, otpMatches } from '../../security/otp.js';
import { checkPassword } from '../../security/password-policy.js';
import { hashRecoveryCode, newRecoveryCodes } from '../../security/recovery-codes.js';
import { newTotpSecret, totpUri } from '../../security/totp.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { pgCode, rowsOf } from '../../store/database.js';
import { recoveryCodes, users } from '../../store/schema.js';
import { hashPassword, verifyPassword } from '../admin/passwords.js';
import type { NewSession, SessionPolicy } from '../admin/sessions.js';
import { hashSecret, revokeOtherSessions } from '../admin/sessions.js';
import { ACCOUNT_CHAIN, appendAccountAudit } from './audit.js';
import { newChallenge, recentChallenges, sendCodeBySms, takeChallenge, useChallenge } from './challenges.js';
import { checkSecondFactor, finish, type Client } from './sign-in.js';

function passwordProblem(
  password: string,
  who: { email: string; name?: string },
  pointer = '/body/password',
): OpsError | null {
  const verdict = checkPassword(password, who);
  if (verdict.ok) return null;
  return new OpsError('OPS_VALIDATION', verdict.problem, [
    { pointer, message: `${verdict.problem} ${verdict.hint}` },
  ]);
}

/** Creates a person. Refuses short and breached passwords; 409 when the email is taken. */
export async function signUp(
  database: Database,
  input: { email: string; name: string; password: string },
  client: Client,
  policy: SessionPolicy,
  now: Date,
): Promise<NewSession> {
  const problem = passwordProblem(input.password, input);
  if (problem) throw problem;
  const id = newId('usr', now.getTime());
  try {
    await database.db.insert(users).values({
      id,
      email: input.email,
      name: input.name,
      passwordHash: await hashPassword(input.password),
      createdAt: now,
    });
  } catch (err) {
    if (pgCode(err) === '23505') {
      throw new OpsError(
        'OPS_CONFLICT',
        'An account with this email exists: sign in, or reset the password.',
      );
    }
    throw err;
  }
  await audit(database, id, 'account.created', now);
  return finish(database, { id, email: input.email, name: input.name }, 'password', client, policy, now);
}

/** Records what a person did to their own account, in the account audit chain. */
function audit(database: Database, userId: string, action: string, now: Date): Promise<number> {
  return appendAccountAudit(database, now, { actor: `user:${userId}`, action, target: userId });
}

/** Changes the password after checking the current one; every other session ends. */
export async function changePassword(
  database: Database,
  user: { id: string; email: string; name: string },
  input: { current: string; next: string },
  keepSessionId: string,
  now: Date,
): Promise<void> {
  const [row] = await database.db
    .select({ hash: users.passwordHash })
    .from(users)
    .where(eq(users.id, user.id));
  if (!(await verifyPassword(row?.hash ?? null, input.current)))
    throw new OpsError('OPS_INVALID_CREDENTIALS');
  const problem = passwordProblem(input.next, user, '/body/next');
  if (problem) throw problem;
  await database.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.next) })
    .where(eq(users.id, user.id));
  await revokeOtherSessions(database.db, user.id, keepSessionId, now);
  await audit(database, user.id, 'password.changed', now);
}

/** Starts TOTP enrolment: a new secret (sealed at rest) that becomes active once a code from it is confirmed. */
export async function startTotp(
  database: Database,
  keys: KeyService,
  user: { id: string; email: string },
): Promise<{ secret: string; uri: string }> {
  const [row] = await database.db
    .select({ enabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, user.id));
  if (row?.enabledAt) {
    throw new OpsError(
      'OPS_CONFLICT',
      'An authenticator app is set up already; turn it off first to set up another.',
    );
  }
  const secret = newTotpSecret();
  const sealed = await keys.seal(ACCOUNT_CHAIN, secret, { field: 'users.totp_secret', recordId: user.id });
  await database.db
    .update(users)
    .set({ totpSecret: sealed, totpLastStep: null })
    .where(eq(users.id, user.id));
  return { secret, uri: totpUri({ secret, account: user.email }) };
}

/** Confirms enrolment with a code from the app; returns the recovery codes (shown once). */
export async function confirmTotp(
  database: Database,
  keys: KeyService,
  user: { id: string },
  code: string,
  now: Date,
): Promise<string[]> {
  const [row] = await database.db
    .select({ secret: users.totpSecret, enabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, user.id));
  if (!row?.secret || row.enabledAt) {
    throw new OpsError(
      'OPS_CONFLICT',
      'No authenticator set-up is in progress: start one first (POST /api/v1/me/mfa/totp).',
    );
  }
  if ((await checkSecondFactor(database, keys, user.id, code, now)) !== 'totp')
    throw new OpsError('OPS_INVALID_CODE');
  return newCodes(database, user.id, 'mfa.enabled', now, (tx) =>
    tx.update(users).set({ totpEnabledAt: now }).where(eq(users.id, user.id)),
  );
}

/**
 * Replaces a person's recovery codes with 10 new ones (the old stop working), in one transaction with
 * `also` (enabling MFA), and audits `action`. Returns the codes, to show once.
 */
async function newCodes(
  database: Database,
  userId: string,
  action: string,
  now: Date,
  also?: (tx: Tx) => Promise<unknown>,
): Promise<string[]> {
  const codes = newRecoveryCodes();
  await database.db.transaction(async (tx) => {
    await also?.(tx);
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx
      .insert(recoveryCodes)
      .values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c), createdAt: now })));
  });
  await audit(database, userId, action, now);
  return codes;
}

/** New recovery codes (the old ones stop working), after a current code. */
export async function renewRecoveryCodes(
  database: Database,
  keys: KeyService,
  user: { id: string },
  code: string,
  now: Date,
): Promise<string[]> {
  if (!(await checkSecondFactor(database, keys, user.id, code, now))) throw new OpsError('OPS_INVALID_CODE');
  return newCodes(database, user.id, 'mfa.recovery-codes-renewed', now);
}

/** Turns MFA off after a current code; refused while a workspace of theirs requires it. */
export async function disableTotp(
  database: Database,
  keys: KeyService,
  user: { id: string },
  code: string,
  now: Date,
): Promise<void> {
  const requiring = await database.transaction(
    (tx) =>
      tx.execute(
        sql`select w.name from workspaces w join memberships m on m.workspace_id = w.id
             where m.user_id = ${user.id} and w.require_mfa limit 1`,
      ),
    { userId: user.id },
  );
  const name = rowsOf<{ name: string }>(requiring)[0]?.name;
  if (name)
    throw new OpsError(
      'OPS_CONFLICT',
      `Workspace "${name}" requires MFA for everyone: it cannot be turned off.`,
    );
  if (!(await checkSecondFactor(database, keys, user.id, code, now))) throw new OpsError('OPS_INVALID_CODE');
  await database.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null })
      .where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
  });
  await audit(database, user.id, 'mfa.disabled', now);
}

const PHONE_CODES_PER_WINDOW = 3;
const PHONE_WINDOW_MS = 15 * 60_000;

function parsePhone(input: string): string {
  const phone = normalisePhone(input);
  if (!phone.ok)
    throw new OpsError('OPS_VALIDATION', phone.problem, [{ pointer: '/body/phone', message: phone.problem }]);
  return phone.e164;
}

/**
 * Starts proving a phone for SMS sign-in: a code goes to it by SMS, and the phone is set only when the code
 * comes back (`verifyPhone`), so nobody can claim a number they do not hold.
 */
export async function startPhoneChange(
  database: Database,
  user: { id: string },
  input: string,
  now: Date,
): Promise<{ challenge: string; phone: string }> {
  const e164 = parsePhone(input);
  if (
    (await recentChallenges(database, user.id, 'phone', new Date(now.getTime() - PHONE_WINDOW_MS))) >=
    PHONE_CODES_PER_WINDOW
  ) {
    throw new OpsError(
      'OPS_RATE_LIMITED',
      `At most ${PHONE_CODES_PER_WINDOW} codes per 15 minutes: wait, then try again.`,
    );
  }
  const code = newOtpCode();
  // The code's hash covers the number too: the code proves this phone and no other.
  const challenge = await newChallenge(
    database.db,
    user.id,
    'phone',
    { ttlMs: OTP_TTL_MS, code: `${code}|${e164}` },
    now,
  );
  const sent = await sendCodeBySms(database, user.id, {
    to: e164,
    text: `Your Opsbook code to confirm this phone is ${code}. It expires in 5 minutes.`,
    key: `phone-code:${hashSecret(challenge)}`,
  });
  if (!sent)
    throw new OpsError(
      'OPS_CONFLICT',
      "Join a workspace first: codes are sent through a workspace's SMS channel.",
    );
  return { challenge, phone: e164 };
}

/** Sets the phone once the code sent to it comes back. */
export async function verifyPhone(
  database: Database,
  user: { id: string },
  input: { phone: string; challenge: string; code: string },
  now: Date,
): Promise<string> {
  const e164 = parsePhone(input.phone);
  const challenge = await takeChallenge(database, input.challenge, 'phone', OTP_MAX_ATTEMPTS, now);
  const code = input.code.replace(/\s+/g, '');
  if (
    !challenge ||
    challenge.userId !== user.id ||
    !otpMatches(`${code}|${e164}`, challenge.id, challenge.codeHash ?? '') ||
    !(await useChallenge(database, challenge.id, now))
  ) {
    throw new OpsError('OPS_INVALID_CODE');
  }
  try {
    await database.db.update(users).set({ phone: e164 }).where(eq(users.id, user.id));
  } catch (err) {
    if (pgCode(err) === '23505')
      throw new OpsError('OPS_CONFLICT', 'This phone number belongs to another account.');
    throw err;
  }
  await audit(database, user.id, 'phone.verified', now);
  return e164;
}

/** Removes the phone: SMS sign-in stops. */
export async function removePhone(database: Database, user: { id: string }, now: Date): Promise<void> {
  await database.db.update(users).set({ phone: null }).where(eq(users.id, user.id));
  await audit(database, user.id, 'phone.removed', now);
}

/** Whether a person has MFA enrolled (for `me`). */
export async function mfaStatus(
  database: Database,
  userId: string,
): Promise<{ totp: boolean; phone: string | null; recoveryCodesLeft: number }> {
  const [row] = await database.db
    .select({ enabledAt: users.totpEnabledAt, phone: users.phone })
    .from(users)
    .where(eq(users.id, userId));
  const [left] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { totp: row?.enabledAt != null, phone: row?.phone ?? null, recoveryCodesLeft: left?.n ?? 0 };
}
