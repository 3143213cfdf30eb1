/**
 * The areas of the app, in navigation order; each says what it will hold for a workspace and which
 * permission a role needs to see it (src/core/access.ts). Then the pages of one's own account.
 */

export interface Area {
  readonly path: string;
  readonly name: string;
  /** What is missing, for the empty state: "No tickets". */
  readonly none: string;
  /** What the area will hold, as one sentence. */
  readonly holds: string;
  readonly next: readonly string[];
  /** The area is shown to roles with this permission. */
  readonly permission: string;
}

export const AREAS: readonly Area[] = [
  {
    path: '/inbox',
    name: 'Inbox',
    none: 'No tickets',
    holds: 'Tickets from email, WhatsApp, chat and phone, with their SLA clocks, will appear here.',
    permission: 'records.read',
    next: [
      'First-response and resolution clocks on business time',
      'Assignment, priorities and escalation by the SOP',
    ],
  },
  {
    path: '/my-work',
    name: 'My work',
    none: 'Nothing due for you',
    holds: 'Checklist items, tasks, tickets and incident stages due for you today or overdue.',
    permission: 'tasks.read',
    next: ['Everything due for you today, overdue first', 'Tick a checklist item in place'],
  },
  {
    path: '/support',
    name: 'Support',
    none: 'No support figures',
    holds: "The help desk's dashboard, knowledge base and settings.",
    permission: 'records.read',
    next: ['SLA compliance, CSAT and volume by channel', 'Help-centre articles, agents and their shifts'],
  },
  {
    path: '/incidents',
    name: 'Incidents',
    none: 'No incidents',
    holds: 'Incidents, who is on call, and the deadline of each incident stage will appear here.',
    permission: 'records.read',
    next: [
      'Declare, acknowledge, mitigate and resolve with stage deadlines',
      'On-call rotations and hand-overs',
    ],
  },
  {
    path: '/status',
    name: 'Status',
    none: 'No status page',
    holds: 'The public status page, the health checks and heartbeats behind it, and the alerts they raise.',
    permission: 'records.read',
    next: [
      'Components, maintenance windows and subscribers',
      'Health checks, heartbeats, alert integrations and open alerts',
    ],
  },
  {
    path: '/customers',
    name: 'Customers',
    none: 'No customer journeys',
    holds: 'Customer accounts and their onboarding, trial and dunning journeys will appear here.',
    permission: 'records.read',
    next: ['Where each customer is in their journey', 'Steps that are due or overdue'],
  },
  {
    path: '/operations',
    name: 'Operations',
    none: 'No checklists',
    holds: 'Recurring checklists, releases, bugs, and vendor and backup reviews will appear here.',
    permission: 'records.read',
    next: ['Checklists that are due this week', 'Release and review sign-offs'],
  },
  {
    path: '/compliance',
    name: 'Compliance',
    none: 'No compliance figures',
    holds: 'How often each timed step of each SOP was met, per pack version and period, printable.',
    permission: 'records.read',
    next: ['Each SOP step met in time, per pack version', 'A printable report for auditors'],
  },
  {
    path: '/packs',
    name: 'Packs',
    none: 'No SOP packs',
    holds: 'The SOP packs this workspace runs will appear here.',
    permission: 'packs.read',
    next: ['Installed packs and their versions', 'The rules, clocks and calendars each pack defines'],
  },
  {
    path: '/admin',
    name: 'Admin',
    none: 'No people or tokens to manage',
    holds: 'People, roles, API tokens and workspace settings will appear here.',
    permission: 'workspace.read',
    next: ['Invite people and set their roles', 'Create and revoke API tokens'],
  },
];

export const DEFAULT_PATH = '/inbox';

/** One's own account, whatever the workspace. */
export const ACCOUNT_PAGES = [
  { path: '/account/security', name: 'Security' },
  { path: '/account/sessions', name: 'Sessions' },
] as const;

export function areaOf(path: string): Area | undefined {
  const first = `/${path.split('/')[1] ?? ''}`;
  return AREAS.find((area) => area.path === first);
}
