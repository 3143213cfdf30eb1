/**
 * The help desk's calls (src/api/routes/tickets.ts, support-admin.ts): tickets and their queues, the
 * conversation, templates, agents, metrics, and the admin of agents, support addresses and articles.
 * Tickets are addressed by their number (`/tickets/1042`).
 */
import { request } from './api';

export type ClockPhase = 'running' | 'paused' | 'met' | 'breached';

export interface TicketClock {
  readonly id: string;
  readonly phase: ClockPhase;
  readonly due: string | null;
  /** Why it is due then, in words (business hours, the SLA row). */
  readonly derivation: string;
  /** When it started, if the server says: the countdown turns amber with less than 20 % of it left. */
  readonly startedAt?: string | null;
}

export interface TriageOverride {
  readonly field: string;
  readonly from: string | null;
  readonly to: string;
  readonly by: string;
  readonly at: string;
}

export interface Ticket {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly category: string | null;
  readonly tier: string | null;
  readonly channel: string;
  readonly assignee: { readonly id: string; readonly name: string | null } | null;
  readonly requester: {
    readonly name: string | null;
    readonly email: string | null;
    readonly phone: string | null;
  };
  readonly account: string | null;
  readonly plan: string | null;
  readonly locale: string | null;
  readonly tags: readonly string[];
  readonly triage: {
    readonly rule: string | null;
    readonly quote?: string;
    /** Per field: the triage rule that set it, or `given` (by the caller), or `default`. */
    readonly set: Readonly<Record<string, string>>;
    readonly overrides: readonly TriageOverride[];
  };
  readonly clocks: readonly TicketClock[];
  readonly nextDueAt: string | null;
  readonly breached: boolean;
  readonly firstResponseAt: string | null;
  readonly resolvedAt: string | null;
  readonly reopenedCount: number;
  readonly escalatedAt: string | null;
  readonly incident: string | null;
  /** The id of the ticket this one was merged into. */
  readonly mergedInto: string | null;
  readonly csat: { readonly score: number; readonly comment: string | null; readonly at: string } | null;
  readonly messageCount: number;
  readonly lastMessageAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly pack: { readonly id: string; readonly version: string } | null;
}

export type MessageKind = 'reply' | 'note' | 'call' | 'bot' | 'auto' | 'event';

export interface Attachment {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface TicketMessage {
  readonly id: string;
  readonly kind: MessageKind;
  readonly direction: 'in' | 'out' | 'internal';
  readonly author: { readonly type: string; readonly id: string | null; readonly name: string | null };
  readonly channel: string;
  readonly text: string;
  /** Sanitised by the server. */
  readonly html: string | null;
  readonly createdAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly attachments: readonly Attachment[];
}

export interface TicketDetail extends Ticket {
  readonly messages: readonly TicketMessage[];
  readonly knowledge: readonly {
    readonly id: string;
    readonly issue: string;
    readonly firstChecks: readonly string[];
  }[];
  readonly escalations: readonly {
    readonly id: string;
    readonly label: string;
    /** The tier it escalates from, or `any`. */
    readonly from: string;
    readonly to: string;
    readonly reason: string;
  }[];
  readonly timeline: readonly {
    readonly at: string;
    readonly type: string;
    readonly actor: string;
    readonly data: unknown;
  }[];
  readonly suggestedArticles: readonly {
    readonly slug: string;
    readonly title: string;
    readonly url: string;
  }[];
}

export interface Queue {
  readonly tier: string;
  readonly label: string;
  readonly open: number;
  readonly breached: number;
  readonly unassigned: number;
}

/** The list filters of GET /tickets; every field is a query parameter of the same name. */
export interface TicketFilter {
  readonly status?: string;
  readonly tier?: string;
  readonly priority?: string;
  readonly assignee?: string;
  readonly channel?: string;
  readonly category?: string;
  readonly breached?: string;
  readonly q?: string;
  readonly sort?: string;
  /** Metrics drill-down: createdAt range, a clock's verdict, reopened, first-contact, a CSAT score. */
  readonly from?: string;
  readonly to?: string;
  readonly clock?: string;
  readonly verdict?: string;
  readonly reopened?: string;
  readonly fcr?: string;
  readonly csat?: string;
}

export const FILTER_KEYS = [
  'status',
  'tier',
  'priority',
  'assignee',
  'channel',
  'category',
  'breached',
  'q',
  'sort',
  'from',
  'to',
  'clock',
  'verdict',
  'reopened',
  'fcr',
  'csat',
] as const satisfies readonly (keyof TicketFilter)[];

export interface TicketPage {
  readonly items: readonly Ticket[];
  readonly nextCursor: string | null;
  readonly total?: number;
}

export interface Template {
  readonly id: string;
  readonly label: string;
  readonly channel: string;
  readonly locale: string;
  readonly subject: string | null;
  readonly text: string;
  /** Values the ticket could not give, left in the text as `[variable]` for the agent to fill. */
  readonly blanks: readonly string[];
}

export interface Agent {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly tiers: readonly string[];
  readonly onShift: boolean;
  readonly openTickets: number;
}

export type TicketChanges = Partial<{
  priority: string;
  category: string;
  tier: string;
  status: string;
  tags: readonly string[];
  assigneeId: string | null;
  title: string;
  incident: string | null;
}>;

export interface NewMessage {
  readonly kind: 'reply' | 'note' | 'call';
  readonly text: string;
  readonly template?: string;
  readonly mentions?: readonly string[];
  readonly call?: { readonly durationSeconds: number; readonly outcome: string };
}

export type BulkAction = 'assign' | 'resolve' | 'priority' | 'status' | 'tag';

export interface BulkResult {
  readonly done: readonly number[];
  readonly failed: readonly { readonly number: number; readonly detail: string }[];
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;

/** `?a=1&b=2` of the set values, or ''. */
export function queryOf(values: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const ticketStreamUrl = (workspaceId: string) => `${base(workspaceId)}/tickets/stream`;
export const attachmentUrl = (workspaceId: string, number: number, attachmentId: string) =>
  `${base(workspaceId)}/tickets/${number}/attachments/${encodeURIComponent(attachmentId)}`;
export const supportApi = {
  tickets: (workspaceId: string, filter: TicketFilter, page: { cursor?: string; limit?: number } = {}) =>
    request<TicketPage>('GET', `${base(workspaceId)}/tickets${queryOf({ ...filter, ...page })}`),
  queues: (workspaceId: string) => request<readonly Queue[]>('GET', `${base(workspaceId)}/tickets/queues`),
  ticket: (workspaceId: string, number: number) =>
    request<TicketDetail>('GET', `${base(workspaceId)}/tickets/${number}`),
  update: (workspaceId: string, number: number, changes: TicketChanges, csrfToken: string) =>
    request<Ticket>('PATCH', `${base(workspaceId)}/tickets/${number}`, { body: changes, csrfToken }),
  addMessage: (workspaceId: string, number: number, message: NewMessage, csrfToken: string) =>
    request<{ message: TicketMessage; ticket: Ticket }>(
      'POST',
      `${base(workspaceId)}/tickets/${number}/messages`,
      {
        body: message,
        csrfToken,
      },
    ),
  escalate: (
    workspaceId: string,
    number: number,
    to: string,
    reason: string | undefined,
    csrfToken: string,
  ) =>
    request<Ticket>('POST', `${base(workspaceId)}/tickets/${number}/escalate`, {
      body: { to, ...(reason ? { reason } : {}) },
      csrfToken,
    }),
  resolve: (workspaceId: string, number: number, firstContact: boolean, csrfToken: string) =>
    request<Ticket>('POST', `${base(workspaceId)}/tickets/${number}/resolve`, {
      body: { firstContact },
      csrfToken,
    }),
  reopen: (workspaceId: string, number: number, csrfToken: string) =>
    request<Ticket>('POST', `${base(workspaceId)}/tickets/${number}/reopen`, { body: {}, csrfToken }),
  merge: (workspaceId: string, number: number, into: number, csrfToken: string) =>
    request<Ticket>('POST', `${base(workspaceId)}/tickets/${number}/merge`, { body: { into }, csrfToken }),
  bulk: (
    workspaceId: string,
    numbers: readonly number[],
    action: BulkAction,
    value: string | undefined,
    csrfToken: string,
  ) =>
    request<BulkResult>('POST', `${base(workspaceId)}/tickets/bulk`, {
      body: { numbers, action, ...(value !== undefined ? { value } : {}) },
      csrfToken,
    }),
  templates: (workspaceId: string, number: number) =>
    request<readonly Template[]>('GET', `${base(workspaceId)}/support/templates?ticket=${number}`),
  agents: (workspaceId: string) => request<readonly Agent[]>('GET', `${base(workspaceId)}/support/agents`),
};
