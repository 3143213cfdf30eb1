/**
 * Sign-in sessions: a random token in an httpOnly cookie, only its SHA-256 stored, with idle and absolute
 * expiry and a per-session CSRF token. (Access and security, MFA and API tokens come with their own issue.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { newId } from '../../shared/ids.js';
import type { Database, Db } from '../../store/database.js';
import { sessions, users } from '../../store/schema.js';
import { verifyPassword } from './passwords.js';

export interface SessionPolicy {
  readonly idleMinutes: number;
  readonly maxDays: number;
}

export interface SessionUser {
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly currentWorkspace: string | null;
  readonly user: { readonly id: string; readonly email: string; readonly name: string };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const MINUTE_MS = 60_000;

/** Checks email and password; on success opens a session and returns its secret token (shown once). */
export async function signIn(
  database: Database,
  input: { email: string; password: string },
  policy: SessionPolicy,
  now: Date,
): Promise<{ token: string; session: SessionUser } | null> {
  const [user] = await database.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${input.email})`)
    .limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok) return null;
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const id = newId('ses', now.getTime());
  await database.db.insert(sessions).values({
    id,
    tokenHash: hashToken(token),
    csrfToken,
    userId: user.id,
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
  let query = sessionByToken.get(database.db);
  if (!query) {
    query = prepareSessionByToken(database.db);
    sessionByToken.set(database.db, query);
  }
  const [row] = await query.execute({ tokenHash: hashToken(token) });
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
    user: row.user,
  };
}

export async function signOut(database: Database, sessionId: string, now: Date): Promise<void> {
  await database.db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId));
}

export async function setCurrentWorkspace(
  database: Database,
  sessionId: string,
  workspaceId: string,
): Promise<void> {
  await database.db.update(sessions).set({ currentWorkspace: workspaceId }).where(eq(sessions.id, sessionId));
}
