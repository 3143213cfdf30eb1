/**
 * People of a workspace: creating a workspace, members and their roles, invitations by email with expiry,
 * leaving and removal. Every change is written to the workspace's audit log in the same transaction.
 *
 * An invitation's link carries a random token (only its SHA-256 stored); accepting needs a signed-in
 * person whose email is the invited one, so a forwarded link does not let someone else in.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { enqueueMessage } from '../../engine/outbox.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { pgCode, rowsOf } from '../../store/database.js';
import { invitations, memberships, users, workspaces } from '../../store/schema.js';
import { appendAudit } from './audit.js';
import { hashToken } from './tokens.js';

export const INVITATION_DAYS = 7;
const DAY_MS = 86_400_000;

export interface MemberView {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly mfa: boolean;
  readonly joinedAt: Date;
}

export async function createWorkspace(
  database: Database,
  input: { name: string; slug: string; timeZone: string; ownerId: string },
  now: Date,
): Promise<string> {
  const workspaceId = newId('ws', now.getTime());
  try {
    await database.inWorkspace(workspaceId, async (tx) => {
      await tx.insert(workspaces).values({
        id: workspaceId,
        slug: input.slug,
        name: input.name,
        timeZone: input.timeZone,
        createdAt: now,
      });
      await tx
        .insert(memberships)
        .values({ workspaceId, userId: input.ownerId, role: 'owner', createdAt: now });
      await appendAudit(tx, now, {
        actor: `user:${input.ownerId}`,
        action: 'workspace.created',
        target: workspaceId,
        data: { name: input.name, slug: input.slug },
      });
    });
  } catch (err) {
    if (pgCode(err) === '23505') {
      throw new OpsError(
        'OPS_CONFLICT',
        `A workspace with the address "${input.slug}" exists; choose another.`,
      );
    }
    throw err;
  }
  return workspaceId;
}

export async function listMembers(database: Database, workspaceId: string): Promise<MemberView[]> {
  return database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        mfa: sql<boolean>`${users.totpEnabledAt} is not null`,
        joinedAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, workspaceId))
      .orderBy(asc(users.name)),
  );
}

async function ownerCount(tx: Tx, workspaceId: string): Promise<number> {
  const rows = rowsOf<{ n: string | number }>(
    await tx.execute(
      sql`select count(*) as n from memberships where workspace_id = ${workspaceId} and role = 'owner'`,
    ),
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The member a change is about, under the workspace's member lock (two owners demoting each other at
 * once must not leave it without one). Only owners change or remove owners (people may leave themselves).
 */
async function memberToChange(
  tx: Tx,
  workspaceId: string,
  input: { userId: string; actor: string; actorIsOwner: boolean },
): Promise<{ role: string }> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`members:${workspaceId}`}))`);
  const [current] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, input.userId)));
  if (!current) throw new OpsError('OPS_NOT_FOUND', `No member "${input.userId}" in this workspace.`);
  if (current.role === 'owner' && !input.actorIsOwner && input.actor !== `user:${input.userId}`) {
    throw new OpsError('OPS_FORBIDDEN', 'Only an owner can change or remove an owner.');
  }
  return current;
}

export async function changeRole(
  database: Database,
  workspaceId: string,
  input: { userId: string; role: string; actor: string; actorIsOwner: boolean },
  now: Date,
): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    const current = await memberToChange(tx, workspaceId, input);
    if (current.role === 'owner' && input.role !== 'owner' && (await ownerCount(tx, workspaceId)) <= 1) {
      throw new OpsError('OPS_CONFLICT', 'This is the last owner: make someone else owner first.');
    }
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, input.userId)));
    await appendAudit(tx, now, {
      actor: input.actor,
      action: 'member.role-changed',
      target: input.userId,
      data: { from: current.role, to: input.role },
    });
  });
}

/** Removes a member (or, when actor is the member, leaves). The last owner cannot go. */
export async function removeMember(
  database: Database,
  workspaceId: string,
  input: { userId: string; actor: string; actorIsOwner: boolean },
  now: Date,
): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    const current = await memberToChange(tx, workspaceId, input);
    if (current.role === 'owner' && (await ownerCount(tx, workspaceId)) <= 1) {
      throw new OpsError('OPS_CONFLICT', 'This is the last owner: make someone else owner first.');
    }
    await tx
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, input.userId)));
    const self = input.actor === `user:${input.userId}`;
    await appendAudit(tx, now, {
      actor: input.actor,
      action: self ? 'member.left' : 'member.removed',
      target: input.userId,
      data: { role: current.role },
    });
  });
}

export interface InvitationView {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly invitedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly acceptedAt: Date | null;
  readonly revokedAt: Date | null;
}

const invitationView = {
  id: invitations.id,
  email: invitations.email,
  role: invitations.role,
  invitedBy: invitations.invitedBy,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
};

/**
 * Invites someone by email. The email goes out through the outbox (record first, send after); the link
 * is also returned to the inviter, to pass on another way.
 */
export async function invite(
  database: Database,
  workspaceId: string,
  input: { email: string; role: string; actor: string; publicUrl: string; workspaceName: string },
  now: Date,
): Promise<{ link: string; view: InvitationView }> {
  const token = randomBytes(32).toString('base64url');
  const id = newId('inv', now.getTime());
  const link = `${input.publicUrl.replace(/\/$/, '')}/invitations/${token}`;
  const view = await database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx
      .insert(invitations)
      .values({
        id,
        workspaceId,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: input.actor,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * DAY_MS),
      })
      .returning(invitationView);
    await enqueueMessage(tx, workspaceId, {
      idempotencyKey: `invitation:${id}`,
      channel: 'email',
      payload: {
        to: input.email,
        template: 'invitation',
        sensitive: true, // the link opens the workspace: not shown in the delivery log or the mailbox
        subject: `You are invited to ${input.workspaceName} on Opsbook`,
        text: `You have been invited to join ${input.workspaceName} as ${input.role}.\n\nAccept within ${INVITATION_DAYS} days: ${link}\n`,
      },
    });
    await appendAudit(tx, now, {
      actor: input.actor,
      action: 'invitation.created',
      target: id,
      data: { email: input.email, role: input.role },
    });
    return row!;
  });
  return { link, view };
}

export function listInvitations(database: Database, workspaceId: string): Promise<InvitationView[]> {
  return database.inWorkspace(workspaceId, (tx) =>
    tx
      .select(invitationView)
      .from(invitations)
      .where(eq(invitations.workspaceId, workspaceId))
      .orderBy(desc(invitations.createdAt)),
  );
}

export async function revokeInvitation(
  database: Database,
  workspaceId: string,
  invitationId: string,
  actor: string,
  now: Date,
): Promise<boolean> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const done = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invitations.workspaceId, workspaceId),
          eq(invitations.id, invitationId),
          isNull(invitations.revokedAt),
          isNull(invitations.acceptedAt),
        ),
      )
      .returning({ id: invitations.id });
    if (done.length === 0) return false;
    await appendAudit(tx, now, { actor, action: 'invitation.revoked', target: invitationId });
    return true;
  });
}

export interface InvitationLookup {
  readonly id: string;
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly email: string;
  readonly role: string;
  readonly expiresAt: Date;
}

/** The open invitation behind a link's token; OPS_GONE when it expired, was used or revoked. */
export async function findInvitation(
  database: Database,
  token: string,
  now: Date,
): Promise<InvitationLookup> {
  const row = rowsOf<{
    id: string;
    workspace_id: string;
    workspace_name: string;
    email: string;
    role: string;
    expires_at: Date | string;
    accepted_at: Date | string | null;
    revoked_at: Date | string | null;
  }>(await database.db.execute(sql`select * from opsbook_invitation_by_hash(${hashToken(token)})`))[0];
  if (!row) throw new OpsError('OPS_NOT_FOUND', 'No such invitation: check the link.');
  const expiresAt = new Date(row.expires_at);
  if (row.accepted_at !== null || row.revoked_at !== null || now.getTime() >= expiresAt.getTime()) {
    throw new OpsError('OPS_GONE', 'This invitation expired, was used already or was revoked.');
  }
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    email: row.email,
    role: row.role,
    expiresAt,
  };
}

/** Accepts an invitation for the signed-in person, whose email must be the invited one. */
export async function acceptInvitation(
  database: Database,
  token: string,
  user: { id: string; email: string },
  now: Date,
): Promise<string> {
  const found = await findInvitation(database, token, now);
  if (found.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new OpsError(
      'OPS_FORBIDDEN',
      `This invitation is for ${found.email}; sign in with that address to accept it.`,
    );
  }
  await database.inWorkspace(found.workspaceId, async (tx) => {
    const taken = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: user.id })
      .where(and(eq(invitations.id, found.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (taken.length === 0) throw new OpsError('OPS_GONE', 'This invitation was used already.');
    await tx
      .insert(memberships)
      .values({ workspaceId: found.workspaceId, userId: user.id, role: found.role, createdAt: now })
      .onConflictDoNothing();
    await appendAudit(tx, now, {
      actor: `user:${user.id}`,
      action: 'invitation.accepted',
      target: found.id,
      data: { role: found.role },
    });
  });
  return found.workspaceId;
}

export async function workspaceSettings(
  database: Database,
  workspaceId: string,
): Promise<{ requireMfa: boolean }> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx.select({ requireMfa: workspaces.requireMfa }).from(workspaces).where(eq(workspaces.id, workspaceId)),
  );
  return { requireMfa: row?.requireMfa ?? false };
}

export async function updateWorkspaceSettings(
  database: Database,
  workspaceId: string,
  input: { requireMfa: boolean; actor: string },
  now: Date,
): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    await tx.update(workspaces).set({ requireMfa: input.requireMfa }).where(eq(workspaces.id, workspaceId));
    await appendAudit(tx, now, {
      actor: input.actor,
      action: 'settings.changed',
      target: workspaceId,
      data: { requireMfa: input.requireMfa },
    });
  });
}
