/** A workspace's people and access: roles, members, invitations, API tokens and security settings. */
import { request } from './api';

export interface Role {
  readonly id: string;
  readonly label: string;
  /** `built-in`, or the pack the role comes from. */
  readonly source: string;
  readonly permissions: readonly string[];
}

export interface RoleTable {
  readonly items: readonly Role[];
  /** Every permission with a sentence saying what it allows. */
  readonly permissions: Readonly<Record<string, string>>;
}

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  /** Whether they set up an authenticator app. */
  readonly mfa: boolean;
  readonly joinedAt: string;
}

export interface Invitation {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly invitedBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly acceptedAt: string | null;
  readonly revokedAt: string | null;
}

export type TokenScope = 'read' | 'write' | 'ingest' | 'admin';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly scope: TokenScope;
  /** The first characters, to recognise it. */
  readonly prefix: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface WorkspaceSettings {
  readonly requireMfa: boolean;
}

/** One entry of a workspace's hash-chained audit log. */
export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly hash: string;
}

/** What the audit log is searched by: the start of who, what and on what; from and to as ISO instants. */
export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly from?: string;
  readonly to?: string;
}

function auditQuery(filter: AuditFilter): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value) query.set(name, value as string);
  return query;
}

/** The audit chain recomputed: intact (`ok`, no problems) or what is wrong with it. */
export interface AuditVerdict {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly problems: readonly string[];
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const item = (workspaceId: string, kind: string, id: string) =>
  `${base(workspaceId)}/${kind}/${encodeURIComponent(id)}`;

export const accessApi = {
  roles: (workspaceId: string) => request<RoleTable>('GET', `${base(workspaceId)}/roles`),
  members: (workspaceId: string) => request<{ items: Member[] }>('GET', `${base(workspaceId)}/members`),
  changeRole: (workspaceId: string, userId: string, role: string, csrfToken: string) =>
    request<undefined>('PATCH', item(workspaceId, 'members', userId), { body: { role }, csrfToken }),
  /** Removes a member; the person's own id leaves the workspace. */
  removeMember: (workspaceId: string, userId: string, csrfToken: string) =>
    request<undefined>('DELETE', item(workspaceId, 'members', userId), { csrfToken }),
  invitations: (workspaceId: string) =>
    request<{ items: Invitation[] }>('GET', `${base(workspaceId)}/invitations`),
  invite: (workspaceId: string, input: { email: string; role: string }, csrfToken: string) =>
    request<Invitation & { link: string }>('POST', `${base(workspaceId)}/invitations`, {
      body: input,
      csrfToken,
    }),
  revokeInvitation: (workspaceId: string, invitationId: string, csrfToken: string) =>
    request<undefined>('DELETE', item(workspaceId, 'invitations', invitationId), { csrfToken }),
  tokens: (workspaceId: string) => request<{ items: ApiToken[] }>('GET', `${base(workspaceId)}/tokens`),
  createToken: (
    workspaceId: string,
    input: { name: string; scope: TokenScope; expiresInDays?: number },
    csrfToken: string,
  ) =>
    request<ApiToken & { token: string }>('POST', `${base(workspaceId)}/tokens`, { body: input, csrfToken }),
  revokeToken: (workspaceId: string, tokenId: string, csrfToken: string) =>
    request<undefined>('DELETE', item(workspaceId, 'tokens', tokenId), { csrfToken }),
  /** The newest matching entries first; `before` a sequence number, for older pages. */
  audit: (workspaceId: string, options: { limit: number; before?: number; filter?: AuditFilter }) => {
    const query = auditQuery(options.filter ?? {});
    query.set('limit', String(options.limit));
    if (options.before !== undefined) query.set('before', String(options.before));
    return request<{ items: AuditEntry[] }>('GET', `${base(workspaceId)}/audit?${query.toString()}`);
  },
  /** Where the matching entries download, oldest first (a link: the session cookie authorises it). */
  auditExportUrl: (workspaceId: string, filter: AuditFilter, format: 'csv' | 'ndjson') => {
    const query = auditQuery(filter);
    query.set('format', format);
    return `${base(workspaceId)}/audit/export?${query.toString()}`;
  },
  verifyAudit: (workspaceId: string) => request<AuditVerdict>('GET', `${base(workspaceId)}/audit/verify`),
  settings: (workspaceId: string) => request<WorkspaceSettings>('GET', `${base(workspaceId)}/settings`),
  saveSettings: (workspaceId: string, settings: WorkspaceSettings, csrfToken: string) =>
    request<WorkspaceSettings>('PUT', `${base(workspaceId)}/settings`, { body: settings, csrfToken }),
};
