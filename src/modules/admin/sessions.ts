/**
 * Sign-in sessions: a random token in an httpOnly cookie, only its SHA-256 stored, with idle and absolute
 * expiry and a per-session CSRF token. Each records how the person proved who they are (`method`), which
 * workspaces requiring MFA check. How a person gets one is in ../access/sign-in.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import type { Database, Db, Queryable } from '../../store/database.js';
import { sessions, users } from '../../store/schema.js';

export interface SessionPolicy {
  readonly idleMinutes: number;
  readonly maxDays: number;
}

/** `password`, `password+totp`, `password+recovery`, `sms`, `sms+totp`, `sms+recovery`. */
export type SignInMethod = string;

export interface SessionUser {
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly currentWorkspace: string | null;
  readonly method: SignInMethod;
  readonly user: { readonly id: string; readonly email: string; readonly name: string };
}

export const hashSecret = (token: string) => createHash('sha256').update(token).digest('hex');
const MINUTE_MS = 60_000;

/** Whether a session's sign-in used a second factor (a TOTP or recovery code). */
export function usedMfa(method: SignInMethod): boolean {
  return method.endsWith('+totp') || method.endsWith('+recovery');
}

export interface NewSession {
  readonly token: string;
  readonly session: SessionUser;
}

/** Opens a session for a person who proved who they are; returns its secret token (shown once). */
export async function openSession(
  db: Queryable,
  user: { id: string; email: string; name: string },
  input: { method: SignInMethod; ip: string | null; userAgent: string | null; deviceToken: string },
  policy: SessionPolicy,
  now: Date,
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const id = newId('ses', now.getTime());
  await db.insert(sessions).values({
    id,
    tokenHash: hashSecret(token),
    csrfToken,
    userId: user.id,
    method: input.method,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    deviceHash: hashSecret(input.deviceToken),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + policy.maxDays * 1440 * MINUTE_MS),
  });
  return {
    token,
    session: {
      sessionId: id,
      csrfToken,
      currentWorkspace: null,
      method: input.method,
      user: { id: user.id, email: user.email, name: user.name },
    },
  };
}

// Every authenticated request runs this lookup: a prepared statement (one per database handle) skips
// rebuilding the SQL in the ORM and, on PostgreSQL, parsing it again on the server.
const sessionByToken = new WeakMap<Db, ReturnType<typeof prepareSessionByToken>>();

function prepareSessionByToken(db: Db) {
  return db
    .select({ session: sessions, user: { id: users.id, email: users.email, name: users.name } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), isNull(sessions.revokedAt)))
    .limit(1)
    .prepare('opsbook_session_by_token');
}

/** The live session of a cookie token, or null when unknown, revoked, idle too long or past its end. */
export async function resolveSession(
  database: Database,
  token: string,
  policy: SessionPolicy,
  now: Date,
): Promise<SessionUser | null> {
  if (token.length > 100) return null;
  let query = sessionByToken.get(database.db);
  if (!query) {
    query = prepareSessionByToken(database.db);
    sessionByToken.set(database.db, query);
  }
  const [row] = await query.execute({ tokenHash: hashSecret(token) });
  if (!row) return null;
  const idleLimit = row.session.lastSeenAt.getTime() + policy.idleMinutes * MINUTE_MS;
  if (now.getTime() >= row.session.expiresAt.getTime() || now.getTime() >= idleLimit) return null;
  // Touch at most once a minute: a read-heavy page must not turn every request into a write.
  if (now.getTime() - row.session.lastSeenAt.getTime() > MINUTE_MS) {
    await database.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.session.id));
  }
  return {
    sessionId: row.session.id,
    csrfToken: row.session.csrfToken,
    currentWorkspace: row.session.currentWorkspace,
    method: row.session.method,
    user: row.user,
  };
}

export async function signOut(database: Database, sessionId: string, now: Date): Promise<void> {
  await database.db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function setCurrentWorkspace(
  database: Database,
  sessionId: string,
  workspaceId: string,
): Promise<void> {
  await database.db.update(sessions).set({ currentWorkspace: workspaceId }).where(eq(sessions.id, sessionId));
}

/** Records that this session has now passed a second factor (after enrolling TOTP with a valid code). */
export async function upgradeSession(
  database: Database,
  sessionId: string,
  method: SignInMethod,
): Promise<void> {
  await database.db.update(sessions).set({ method }).where(eq(sessions.id, sessionId));
}

export interface SessionView {
  readonly id: string;
  readonly method: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

/** A person's live sessions, newest first (the sessions page). */
export function listSessions(database: Database, userId: string, now: Date): Promise<SessionView[]> {
  return database.db
    .select({
      id: sessions.id,
      method: sessions.method,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt));
}

/** Ends one of a person's sessions; false when it is not theirs or already ended. */
export async function revokeSession(
  database: Database,
  userId: string,
  sessionId: string,
  now: Date,
): Promise<boolean> {
  const done = await database.db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return done.length > 0;
}

/** Ends every other session of a person (after a password change or MFA reset). */
export async function revokeOtherSessions(
  db: Queryable,
  userId: string,
  keepSessionId: string | null,
  now: Date,
): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepSessionId ? ne(sessions.id, keepSessionId) : undefined,
      ),
    );
}

/** Whether this browser's device cookie signed in to this account before. */
export async function isKnownDevice(
  db: Queryable,
  userId: string,
  deviceToken: string | undefined,
): Promise<boolean> {
  if (!deviceToken || deviceToken.length > 100) return false;
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.deviceHash, hashSecret(deviceToken))))
    .limit(1);
  return rows.length > 0;
}
