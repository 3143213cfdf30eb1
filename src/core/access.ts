/**
 * Who may do what: the one table of permissions, built-in roles and API token scopes. Every API route
 * names the permission it needs (`config.access`), and the web app hides what a role cannot use; the docs
 * render this table (docs/access.md).
 *
 * Packs add their own roles (company SOP, Smart Estate: "estate admin, supervisor, guard, resident"). A
 * team role takes the permissions of the built-in role it names in `access` (viewer when it names none);
 * every role also carries its pack `features` as `feature:<id>` permissions, which pack-defined pages and
 * integrations check. Account roles (the customer's own users) get only their features.
 */

export const PERMISSIONS = {
  'workspace.read': 'See the workspace, its members and roles.',
  'workspace.manage': 'Change workspace settings (e.g. require MFA for everyone).',
  'members.manage': 'Invite people, change their roles, remove them.',
  'tokens.manage': 'Create, list and revoke API tokens.',
  'packs.read': 'Read the SOP packs, their versions and changes.',
  'packs.manage': 'Activate pack versions.',
  'tasks.read': 'See tasks the system raised.',
  'records.read': 'Read governed records (tickets, incidents, accounts) and their timelines.',
  'events.write': 'Record events on governed records (a ticket reply, an incident declared).',
  ingest: 'Send integration events only (alerts, heartbeats, inbound mail).',
  'audit.read': 'Read and verify the audit log.',
  'secrets.reveal': 'Reveal a secret masked out of a record; every reveal is audited.',
  'personal-data.manage': 'Export or erase the personal data of a contact.',
  'deliveries.read': 'See every message sent, each delivery attempt, and the built-in mailbox.',
  'notifications.manage':
    'Set up where notifications go (Slack and webhook destinations, the SMS provider) and retry dead messages.',
  'tickets.write':
    'Work tickets: reply, add notes, log calls, assign, change priority (audited), escalate, resolve, reopen, merge.',
  'knowledge.write': 'Write and publish help-centre articles.',
  'accounts.write':
    'Work customer accounts: create and edit accounts and their contacts, import contacts, record usage facts.',
  'support.manage': 'Set up the help desk: support addresses, agents and their tiers and shifts.',
  'incidents.write':
    'Run incidents: declare, post updates, take and hand off roles, acknowledge pages and alerts, write reviews.',
  'incidents.manage':
    'Set up incident response: alert integrations, health checks, heartbeats, on-call schedules, escalation policies, the status page and maintenance windows.',
  'customers.manage': 'Set up the customer lifecycle: the payment webhooks billing providers post to.',
  'payments.confirm':
    "Record a manual payment (a bank transfer matched on the statement) as finance's confirmation.",
  'security-incidents.read':
    'See restricted (security) incidents; others see them only when they hold one of its roles.',
  'vendors.manage':
    "Score vendors on the pack's criteria: a vendor review (SOP-006), which moves the next one.",
} as const;

export type Permission = keyof typeof PERMISSIONS | `feature:${string}`;

const READ: readonly Permission[] = ['workspace.read', 'packs.read', 'tasks.read', 'records.read'];
const AGENT: readonly Permission[] = [
  ...READ,
  'events.write',
  'deliveries.read',
  'tickets.write',
  'knowledge.write',
  'incidents.write',
  'accounts.write',
];
const ADMIN: readonly Permission[] = [
  ...AGENT,
  'workspace.manage',
  'members.manage',
  'tokens.manage',
  'packs.manage',
  'audit.read',
  'secrets.reveal',
  'personal-data.manage',
  'notifications.manage',
  'support.manage',
  'incidents.manage',
  'customers.manage',
  'payments.confirm',
  'security-incidents.read',
  'vendors.manage',
];

export interface BuiltInRole {
  readonly id: string;
  readonly label: string;
  readonly permissions: readonly Permission[];
}

/** The roles every workspace has. Owners are admins who cannot be removed while they are the last one. */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  { id: 'owner', label: 'Owner', permissions: ADMIN },
  { id: 'admin', label: 'Admin', permissions: ADMIN },
  { id: 'agent-l1', label: 'Agent (L1)', permissions: AGENT },
  { id: 'agent-l2', label: 'Agent (L2)', permissions: AGENT },
  { id: 'agent-l3', label: 'Agent (L3)', permissions: AGENT },
  {
    id: 'incident-commander',
    label: 'Incident commander',
    permissions: [...AGENT, 'audit.read', 'incidents.manage', 'security-incidents.read'],
  },
  { id: 'customer-success', label: 'Customer success', permissions: [...AGENT, 'personal-data.manage'] },
  { id: 'finance', label: 'Finance', permissions: [...AGENT, 'payments.confirm'] },
  { id: 'viewer', label: 'Viewer', permissions: READ },
];

export type TokenScope = 'read' | 'write' | 'ingest' | 'admin';

/** API token scopes: what a token may do, whoever created it. Ingest tokens only send events. */
export const TOKEN_SCOPES: Readonly<Record<TokenScope, readonly Permission[]>> = {
  read: READ,
  write: AGENT,
  ingest: ['ingest'],
  admin: ADMIN.filter((p) => p !== 'secrets.reveal' && p !== 'personal-data.manage'),
};

/** A pack's role, as far as access needs it. */
export interface PackRole {
  readonly id: string;
  readonly label: string;
  readonly scope: 'team' | 'account';
  readonly access?: string | undefined;
  readonly features?: readonly string[] | undefined;
}

export interface ResolvedRole {
  readonly id: string;
  readonly label: string;
  /** `built-in`, or the pack the role comes from. */
  readonly source: string;
  readonly permissions: ReadonlySet<Permission>;
}

const builtInById = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));

export function isBuiltInRole(id: string): boolean {
  return builtInById.has(id);
}

/** The role table of a workspace: the built-in roles, then each active pack's roles (first pack wins). */
export function resolveRoles(
  packs: readonly { packId: string; roles: readonly PackRole[] }[],
): ResolvedRole[] {
  const table: ResolvedRole[] = BUILT_IN_ROLES.map((r) => ({
    id: r.id,
    label: r.label,
    source: 'built-in',
    permissions: new Set(r.permissions),
  }));
  const seen = new Set(table.map((r) => r.id));
  for (const pack of packs) {
    for (const role of pack.roles) {
      if (seen.has(role.id)) continue;
      seen.add(role.id);
      const base =
        role.scope === 'team'
          ? (builtInById.get(role.access ?? 'viewer') ?? builtInById.get('viewer')!)
          : null;
      const permissions = new Set<Permission>(base?.permissions ?? []);
      for (const feature of role.features ?? []) permissions.add(`feature:${feature}`);
      table.push({ id: role.id, label: role.label, source: pack.packId, permissions });
    }
  }
  return table;
}

export function permissionsOfScope(scope: TokenScope): ReadonlySet<Permission> {
  return new Set(TOKEN_SCOPES[scope]);
}
