/**
 * A workspace's people and access: members and roles, invitations, API tokens, settings and the audit log.
 * Each route names its permission (src/core/access.ts); the access hook (../session.ts) checks it.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS, TOKEN_SCOPES, type TokenScope } from '../../core/access.js';
import { OpsError } from '../../errors/catalog.js';
import { appendAudit, listAudit, verifyAudit } from '../../modules/access/audit.js';
import { CSV_HEADER, csvLine, exportAudit } from '../../modules/access/audit-search.js';
import {
  changeRole,
  invite,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
  updateWorkspaceSettings,
  workspaceSettings,
} from '../../modules/access/members.js';
import { erasePersonalData, exportPersonalData } from '../../modules/access/personal-data.js';
import { findRole, workspaceRoles } from '../../modules/access/roles.js';
import { createToken, listTokens, revokeToken } from '../../modules/access/tokens.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Id = z.string().min(1).max(64);
const W = z.strictObject({ workspaceId: Id });
const Prefix = z.string().min(1).max(200).optional();
/** The audit log's filters: the start of who, what and on what, and when. */
const AuditQuery = z.strictObject({
  actor: Prefix.describe('Who: `user:…`, `api-token:…`, `system`.'),
  action: Prefix.describe('What: `member.role-changed`, or `member.` for every membership change.'),
  target: Prefix.describe('On what, exactly: `user:usr_…`, `REL-7`.'),
  from: z.iso
    .datetime({ offset: true })
    .transform((v) => new Date(v))
    .optional(),
  to: z.iso
    .datetime({ offset: true })
    .transform((v) => new Date(v))
    .optional(),
});
const iso = (d: Date | null) => d?.toISOString() ?? null;
const Scope = z.enum(Object.keys(TOKEN_SCOPES) as [TokenScope, ...TokenScope[]]);

export function accessRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const now = () => deps.now();

  /**
   * The role must exist here, and nobody hands out more than they have: a role whose permissions go
   * beyond the giver's is refused, and only an owner makes owners.
   */
  async function grantable(workspaceId: string, role: string, access: ReturnType<typeof accessOf>) {
    const found = await findRole(deps.database, workspaceId, role, now().getTime());
    if (!found) {
      const ids = (await workspaceRoles(deps.database, workspaceId, now().getTime())).map((x) => x.id);
      throw new OpsError('OPS_VALIDATION', `No role "${role}" in this workspace.`, [
        { pointer: '/body/role', message: `Use one of: ${ids.join(', ')}.` },
      ]);
    }
    const beyond = [...found.permissions].filter((p) => !access.permissions.has(p));
    if ((role === 'owner' && access.workspace?.role !== 'owner') || beyond.length > 0) {
      throw new OpsError('OPS_FORBIDDEN', `Only an owner can give the "${role}" role.`);
    }
  }

  r.get(
    '/api/v1/workspaces/:workspaceId/roles',
    {
      schema: {
        tags: ['access'],
        summary: 'The roles of this workspace (built-in and from its packs) with their permissions',
        params: W,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                label: z.string(),
                source: z.string(),
                permissions: z.array(z.string()),
              }),
            ),
            permissions: z.record(z.string(), z.string()),
          }),
        },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => ({
      items: (await workspaceRoles(deps.database, request.params.workspaceId, now().getTime())).map(
        (role) => ({
          id: role.id,
          label: role.label,
          source: role.source,
          permissions: [...role.permissions].sort(),
        }),
      ),
      permissions: { ...PERMISSIONS },
    }),
  );

  const Member = z.object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.string(),
    mfa: z.boolean(),
    joinedAt: z.string(),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/members',
    {
      schema: {
        tags: ['access'],
        summary: 'The people of this workspace and their roles',
        params: W,
        response: { 200: z.object({ items: z.array(Member) }) },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => ({
      items: (await listMembers(deps.database, request.params.workspaceId)).map((m) => ({
        ...m,
        joinedAt: m.joinedAt.toISOString(),
      })),
    }),
  );

  r.patch(
    '/api/v1/workspaces/:workspaceId/members/:userId',
    {
      schema: {
        tags: ['access'],
        summary: "Change a member's role",
        params: W.extend({ userId: Id }),
        body: z.strictObject({ role: z.string().min(1).max(64) }),
        response: { 204: z.null() },
      },
      config: { access: 'members.manage' },
    },
    async (request, reply) => {
      const access = accessOf(request);
      const { workspaceId, userId } = request.params;
      await grantable(workspaceId, request.body.role, access);
      await changeRole(
        deps.database,
        workspaceId,
        {
          userId,
          role: request.body.role,
          actor: access.actor,
          actorIsOwner: access.workspace?.role === 'owner',
        },
        now(),
      );
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/members/:userId',
    {
      schema: {
        tags: ['access'],
        summary: 'Remove a member (the last owner cannot be removed)',
        params: W.extend({ userId: Id }),
        response: { 204: z.null() },
      },
      config: { access: 'members.manage' },
    },
    async (request, reply) => {
      const access = accessOf(request);
      const { workspaceId, userId } = request.params;
      await removeMember(
        deps.database,
        workspaceId,
        { userId, actor: access.actor, actorIsOwner: access.workspace?.role === 'owner' },
        now(),
      );
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/membership',
    {
      schema: {
        tags: ['access'],
        summary: 'Leave this workspace (the last owner cannot leave)',
        params: W,
        response: { 204: z.null() },
      },
      config: { access: 'workspace.read' },
    },
    async (request, reply) => {
      const access = accessOf(request);
      if (!access.session)
        throw new OpsError('OPS_FORBIDDEN', 'An API token cannot leave a workspace; revoke it instead.');
      await removeMember(
        deps.database,
        request.params.workspaceId,
        {
          userId: access.session.user.id,
          actor: access.actor,
          actorIsOwner: access.workspace?.role === 'owner',
        },
        now(),
      );
      return reply.code(204).send(null);
    },
  );

  const Invitation = z.object({
    id: z.string(),
    email: z.string(),
    role: z.string(),
    invitedBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  });
  const invitationJson = (v: Awaited<ReturnType<typeof listInvitations>>[number]) => ({
    ...v,
    createdAt: v.createdAt.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    acceptedAt: iso(v.acceptedAt),
    revokedAt: iso(v.revokedAt),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/invitations',
    {
      schema: {
        tags: ['access'],
        summary: 'Invitations sent from this workspace, newest first',
        params: W,
        response: { 200: z.object({ items: z.array(Invitation) }) },
      },
      config: { access: 'members.manage' },
    },
    async (request) => ({
      items: (await listInvitations(deps.database, request.params.workspaceId)).map(invitationJson),
    }),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/invitations',
    {
      schema: {
        tags: ['access'],
        summary: 'Invite someone by email (the link is valid for 7 days)',
        params: W,
        body: z.strictObject({ email: z.email().max(320), role: z.string().min(1).max(64) }),
        response: {
          201: Invitation.extend({ link: z.string().describe('Shown once; also sent by email.') }),
        },
      },
      config: { access: 'members.manage', rateLimit: { max: 60, timeWindow: 3_600_000 } },
    },
    async (request, reply) => {
      const access = accessOf(request);
      const { workspaceId } = request.params;
      await grantable(workspaceId, request.body.role, access);
      const settings = access.workspace;
      const made = await invite(
        deps.database,
        workspaceId,
        {
          ...request.body,
          actor: access.actor,
          publicUrl: deps.config.publicUrl,
          workspaceName: settings?.name ?? workspaceId,
        },
        now(),
      );
      return reply.code(201).send({ ...invitationJson(made.view), link: made.link });
    },
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/invitations/:invitationId',
    {
      schema: {
        tags: ['access'],
        summary: 'Revoke an open invitation',
        params: W.extend({ invitationId: Id }),
        response: { 204: z.null() },
      },
      config: { access: 'members.manage' },
    },
    async (request, reply) => {
      const { workspaceId, invitationId } = request.params;
      if (
        !(await revokeInvitation(deps.database, workspaceId, invitationId, accessOf(request).actor, now()))
      ) {
        throw new OpsError('OPS_NOT_FOUND', `No open invitation "${invitationId}" in this workspace.`);
      }
      return reply.code(204).send(null);
    },
  );

  const Token = z.object({
    id: z.string(),
    name: z.string(),
    scope: Scope,
    prefix: z.string().describe('The first characters, to recognise it.'),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  });
  const tokenJson = (t: Awaited<ReturnType<typeof listTokens>>[number]) => ({
    ...t,
    createdAt: t.createdAt.toISOString(),
    expiresAt: iso(t.expiresAt),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/tokens',
    {
      schema: {
        tags: ['access'],
        summary: "This workspace's API tokens (never their secrets)",
        params: W,
        response: { 200: z.object({ items: z.array(Token) }) },
      },
      config: { access: 'tokens.manage' },
    },
    async (request) => ({
      items: (await listTokens(deps.database, request.params.workspaceId)).map(tokenJson),
    }),
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/tokens',
    {
      schema: {
        tags: ['access'],
        summary: 'Create an API token; its secret is in this answer only',
        params: W,
        body: z.strictObject({
          name: z.string().trim().min(1).max(100),
          scope: Scope.describe('read, write, ingest (integrations: alerts, heartbeats, mail) or admin'),
          expiresInDays: z
            .number()
            .int()
            .min(1)
            .max(3650)
            .optional()
            .describe('Never expires when left out.'),
        }),
        response: {
          201: Token.extend({ token: z.string().describe('Send as `Authorization: Bearer <token>`.') }),
        },
      },
      config: { access: 'tokens.manage' },
    },
    async (request, reply) => {
      const access = accessOf(request);
      const { name, scope, expiresInDays } = request.body;
      const at = now();
      const made = await createToken(
        deps.database,
        request.params.workspaceId,
        {
          name,
          scope,
          expiresAt: expiresInDays === undefined ? null : new Date(at.getTime() + expiresInDays * 86_400_000),
          createdBy: access.actor,
        },
        at,
      );
      return reply.code(201).send({ ...tokenJson(made.view), token: made.token });
    },
  );

  r.delete(
    '/api/v1/workspaces/:workspaceId/tokens/:tokenId',
    {
      schema: {
        tags: ['access'],
        summary: 'Revoke an API token',
        params: W.extend({ tokenId: Id }),
        response: { 204: z.null() },
      },
      config: { access: 'tokens.manage' },
    },
    async (request, reply) => {
      const { workspaceId, tokenId } = request.params;
      if (!(await revokeToken(deps.database, workspaceId, tokenId, accessOf(request).actor, now()))) {
        throw new OpsError('OPS_NOT_FOUND', `No live token "${tokenId}" in this workspace.`);
      }
      return reply.code(204).send(null);
    },
  );

  const Settings = z.object({
    requireMfa: z.boolean().describe('Everyone must sign in with a second factor (company SOP 001#63).'),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/settings',
    {
      schema: {
        tags: ['access'],
        summary: 'Security settings of this workspace',
        params: W,
        response: { 200: Settings },
      },
      config: { access: 'workspace.read' },
    },
    async (request) => workspaceSettings(deps.database, request.params.workspaceId),
  );

  r.put(
    '/api/v1/workspaces/:workspaceId/settings',
    {
      schema: {
        tags: ['access'],
        summary: 'Change the security settings of this workspace',
        params: W,
        body: Settings.strict(),
        response: { 200: Settings },
      },
      config: { access: 'workspace.manage' },
    },
    async (request) => {
      const access = accessOf(request);
      const { workspaceId } = request.params;
      // Turning MFA on from a session without it would lock the admin out at once: ask them to set it up.
      if (request.body.requireMfa && access.session && !access.session.method.includes('+')) {
        throw new OpsError(
          'OPS_MFA_REQUIRED',
          'Set up an authenticator app and sign in with it before requiring MFA for everyone.',
        );
      }
      await updateWorkspaceSettings(
        deps.database,
        workspaceId,
        { ...request.body, actor: access.actor },
        now(),
      );
      return workspaceSettings(deps.database, workspaceId);
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/audit',
    {
      schema: {
        tags: ['access'],
        summary: 'The audit log, newest first',
        params: W,
        description:
          'Actor and action match the start of the value as written (`action=member.` finds every membership change), the target matches exactly; `from` and `to` bound when it happened (from inclusive, to exclusive).',
        querystring: AuditQuery.extend({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                seq: z.number(),
                at: z.string(),
                actor: z.string(),
                action: z.string(),
                target: z.string(),
                data: z.record(z.string(), z.unknown()),
                hash: z.string(),
              }),
            ),
          }),
        },
      },
      config: { access: 'audit.read' },
    },
    async (request) => ({
      items: await listAudit(deps.database, request.params.workspaceId, request.query),
    }),
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/audit/export',
    {
      schema: {
        tags: ['access'],
        summary: 'Every matching audit entry, oldest first, as CSV or JSON lines',
        description:
          "The same filters as the list. `format=ndjson` (the default) writes one entry per line with its hash, so the chain can be recomputed elsewhere (docs/security.md); `format=csv` is for a spreadsheet (a value starting like a formula is prefixed with `'`). Streamed: the log is never held in memory. The export is itself recorded in the audit log.",
        params: W,
        querystring: AuditQuery.extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') }),
        produces: ['application/x-ndjson', 'text/csv'],
      },
      config: { access: 'audit.read' },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      const { format, ...filter } = request.query;
      const access = accessOf(request);
      await deps.database.inWorkspace(workspaceId, (tx) =>
        appendAudit(tx, deps.now(), {
          actor: access.actor,
          action: 'audit.exported',
          data: { format, ...filter },
        }),
      );
      const pages = exportAudit(deps.database, workspaceId, filter);
      const lines = async function* () {
        if (format === 'csv') yield CSV_HEADER;
        for await (const page of pages)
          yield page.map((e) => (format === 'csv' ? csvLine(e) : `${JSON.stringify(e)}\n`)).join('');
      };
      const day = deps.now().toISOString().slice(0, 10);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="audit-${day}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
        )
        .send(Readable.from(lines()));
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/audit/verify',
    {
      schema: {
        tags: ['access'],
        summary:
          "Recompute the audit log's hash chain; record the head elsewhere to detect a rewrite of both",
        params: W,
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number(),
            head: z.object({ seq: z.number(), hash: z.string() }).nullable(),
            problems: z.array(z.string()),
          }),
        },
      },
      config: { access: 'audit.read' },
    },
    async (request) => {
      const verdict = await verifyAudit(deps.database, request.params.workspaceId);
      return { ...verdict, problems: [...verdict.problems] };
    },
  );

  const Contact = z.strictObject({
    email: z.email().max(320).optional(),
    phone: z.string().min(5).max(40).optional(),
  });

  r.get(
    '/api/v1/workspaces/:workspaceId/personal-data',
    {
      schema: {
        tags: ['access'],
        summary: "Export a contact's personal data (records, history, messages) found by email or phone",
        params: W,
        querystring: Contact,
        response: {
          200: z.object({
            exportedAt: z.string(),
            subjects: z.array(z.record(z.string(), z.unknown())),
            timeline: z.array(z.record(z.string(), z.unknown())),
            messages: z.array(z.record(z.string(), z.unknown())),
            contacts: z
              .array(z.record(z.string(), z.unknown()))
              .describe('Contacts of customer accounts with that phone or email.'),
          }),
        },
      },
      config: { access: 'personal-data.manage' },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return exportPersonalData(
        deps.database,
        request.params.workspaceId,
        request.query,
        accessOf(request).actor,
        now(),
      );
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/personal-data/erase',
    {
      schema: {
        tags: ['access'],
        summary: "Erase a contact's email or phone from every record, history entry and message",
        params: W,
        body: Contact,
        response: {
          200: z.object({
            records: z.number(),
            history: z.number(),
            effects: z.number(),
            messages: z.number(),
            secrets: z.number(),
            invitations: z.number(),
            mail: z.number(),
            subscribers: z.number(),
            contacts: z.number().describe('Contacts of customer accounts with that phone or email, deleted.'),
          }),
        },
      },
      config: { access: 'personal-data.manage' },
    },
    async (request) =>
      erasePersonalData(
        deps.database,
        request.params.workspaceId,
        request.body,
        accessOf(request).actor,
        now(),
      ),
  );
}
