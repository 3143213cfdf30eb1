/**
 * API tokens for scripts and integrations: `opsb_` + 32 random bytes (base64url), shown once; only the
 * SHA-256 is stored (a token has 256 bits of entropy, so a slow hash would add nothing). Scoped (read,
 * write, ingest, admin; src/core/access.ts), optionally expiring, revocable, with last use recorded at
 * most once a minute.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { TokenScope } from '../../core/access.js';
import { newId } from '../../shared/ids.js';
import type { Database } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { apiTokens } from '../../store/schema.js';
import { hashSecret } from '../admin/sessions.js';
import { appendAudit } from './audit.js';

export const TOKEN_PREFIX = 'opsb_';
const MINUTE_MS = 60_000;

/** Tokens are stored as their SHA-256, like session tokens (a 256-bit secret needs no slow hash). */
export const hashToken = hashSecret;

export interface TokenView {
  readonly id: string;
  readonly name: string;
  readonly scope: TokenScope;
  readonly prefix: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

const view = {
  id: apiTokens.id,
  name: apiTokens.name,
  scope: apiTokens.scope,
  prefix: apiTokens.prefix,
  createdBy: apiTokens.createdBy,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

/** Creates a token; the secret is returned here only. */
export async function createToken(
  database: Database,
  workspaceId: string,
  input: { name: string; scope: TokenScope; expiresAt: Date | null; createdBy: string },
  now: Date,
): Promise<{ token: string; view: TokenView }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = newId('tok', now.getTime());
  const row = await database.inWorkspace(workspaceId, async (tx) => {
    const [inserted] = await tx
      .insert(apiTokens)
      .values({
        id,
        workspaceId,
        name: input.name,
        scope: input.scope,
        tokenHash: hashToken(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        createdBy: input.createdBy,
        createdAt: now,
        expiresAt: input.expiresAt,
      })
      .returning(view);
    await appendAudit(tx, now, {
      actor: input.createdBy,
      action: 'token.created',
      target: id,
      data: { name: input.name, scope: input.scope, expiresAt: input.expiresAt?.toISOString() ?? null },
    });
    return inserted!;
  });
  return { token, view: row };
}

export function listTokens(database: Database, workspaceId: string): Promise<TokenView[]> {
  return database.inWorkspace(workspaceId, (tx) =>
    tx
      .select(view)
      .from(apiTokens)
      .where(eq(apiTokens.workspaceId, workspaceId))
      .orderBy(desc(apiTokens.createdAt)),
  );
}

/** Revokes a token of this workspace; false when there is no such live token. */
export async function revokeToken(
  database: Database,
  workspaceId: string,
  tokenId: string,
  actor: string,
  now: Date,
): Promise<boolean> {
  return database
    .inWorkspace(workspaceId, async (tx) => {
      const done = await tx
        .update(apiTokens)
        .set({ revokedAt: now })
        .where(
          and(eq(apiTokens.workspaceId, workspaceId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)),
        )
        .returning({ id: apiTokens.id });
      if (done.length === 0) return false;
      await appendAudit(tx, now, { actor, action: 'token.revoked', target: tokenId });
      return true;
    })
    .finally(() => forgetToken(tokenId));
}

export interface TokenPrincipal {
  readonly tokenId: string;
  readonly workspaceId: string;
  readonly scope: TokenScope;
}

/**
 * Integrations call with the same token many times a second: a resolved token is remembered for
 * TOKEN_CACHE_MS, so most requests cost no query. Revoking drops it here at once; another process may
 * honour a revoked token for up to TOKEN_CACHE_MS more. Expiry is checked on every request.
 */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;
const tokenCache = new Map<string, { principal: TokenPrincipal; expiresAtMs: number; fetchedAtMs: number }>();

function forgetToken(tokenId: string): void {
  for (const [hash, entry] of tokenCache) if (entry.principal.tokenId === tokenId) tokenCache.delete(hash);
}

/** The live token behind a bearer secret, or null (unknown, revoked or expired: one answer for all). */
export async function resolveToken(
  database: Database,
  token: string,
  now: Date,
): Promise<TokenPrincipal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const hash = hashToken(token);
  const cached = tokenCache.get(hash);
  const nowMs = now.getTime();
  if (cached && nowMs - cached.fetchedAtMs < TOKEN_CACHE_MS && nowMs >= cached.fetchedAtMs) {
    return nowMs < cached.expiresAtMs ? cached.principal : null;
  }
  const principal = await lookUpToken(database, hash, now);
  if (principal) {
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.delete(tokenCache.keys().next().value!);
    tokenCache.set(hash, { ...principal, fetchedAtMs: nowMs });
  } else {
    tokenCache.delete(hash);
  }
  return principal?.principal ?? null;
}

async function lookUpToken(
  database: Database,
  hash: string,
  now: Date,
): Promise<{ principal: TokenPrincipal; expiresAtMs: number } | null> {
  const row = rowsOf<{
    id: string;
    workspace_id: string;
    scope: TokenScope;
    expires_at: Date | string | null;
    revoked_at: Date | string | null;
    last_used_at: Date | string | null;
  }>(await database.db.execute(sql`select * from opsbook_token_by_hash(${hash})`))[0];
  if (!row || row.revoked_at !== null) return null;
  const expiresAtMs = row.expires_at === null ? Number.POSITIVE_INFINITY : new Date(row.expires_at).getTime();
  if (now.getTime() >= expiresAtMs) return null;
  const lastUsedMs = row.last_used_at === null ? 0 : new Date(row.last_used_at).getTime();
  if (now.getTime() - lastUsedMs > MINUTE_MS) {
    await database.inWorkspace(row.workspace_id, (tx) =>
      tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)),
    );
  }
  return { principal: { tokenId: row.id, workspaceId: row.workspace_id, scope: row.scope }, expiresAtMs };
}
