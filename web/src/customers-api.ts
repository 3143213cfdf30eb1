/**
 * The customers area's calls (src/api/routes/customers.ts, docs/customers.md): accounts a page at a time,
 * one account with its access answer, contacts, timeline and journeys, and a signup's review and manual
 * payment.
 * Reading needs `records.read`; changing, `accounts.write`; recording a payment, `payments.confirm`.
 */
import { request } from './api';

export type FactValue = string | number | boolean | null;

export interface Account {
  /** The SaaS's own id (`shop_42`, `EST-7`). */
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly plan: string | null;
  readonly ownerUserId: string | null;
  readonly custom: Readonly<Record<string, FactValue>>;
  readonly facts: Readonly<Record<string, FactValue>>;
  /** When each fact's value was observed (ISO 8601). */
  readonly factsAt: Readonly<Record<string, string>>;
  /** Lifecycle id → its current state. */
  readonly lifecycles: Readonly<Record<string, string>>;
  /** The summary state for lists: `new`, `trialing`, `active`, `past-due`, `suspended`, … */
  readonly state: string;
  readonly contacts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AccountInput {
  readonly id: string;
  readonly name: string;
  readonly kind?: string;
  readonly plan?: string;
}

export interface AccountFilter {
  readonly state?: string | undefined;
  readonly plan?: string | undefined;
  readonly q?: string | undefined;
  /** `lifecycle:state`, e.g. `estate-signup:pending`: the review queues. */
  readonly lifecycle?: string | undefined;
  readonly after?: string | undefined;
  readonly limit?: number;
}

export type AccessLevel = 'read_write' | 'read_only' | 'none';

export interface AccountAccess {
  readonly account: string;
  readonly state: string;
  readonly access: AccessLevel;
  /** The lifecycle state that decided it (`subscription: suspended`), or null. */
  readonly because: string | null;
}

export type ContactStatus = 'active' | 'suspended';

export interface Contact {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  /** E.164. */
  readonly phone: string | null;
  readonly email: string | null;
  /** BCP 47 (`hi-IN`). */
  readonly locale: string | null;
  /** IANA (`Asia/Kolkata`): journeys' send windows are read in it. */
  readonly timeZone: string | null;
  readonly role: string | null;
  readonly unit: string | null;
  readonly status: ContactStatus;
  /** When the contact signed up (`register: true`), which started the pack's journeys. */
  readonly registeredAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ContactInput {
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly locale?: string;
  readonly timeZone?: string;
  readonly role?: string;
  readonly unit?: string;
  readonly register?: boolean;
}

export interface TimelineEntry {
  readonly id: number;
  /** `account:<id>`, `user:<contact id>` or `ticket:<number>`. */
  readonly subject: string;
  readonly type: string;
  readonly actor: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly at: string;
}

export type JourneyStatus = 'running' | 'exited' | 'finished';

export interface JourneyStep {
  readonly id: string;
  readonly label: string;
  /** When a timed step is due (or ran), ISO 8601; null for a step that waits for an event. */
  readonly at: string | null;
  /** The event the step waits for (`survey.answered nps-day-30`), or null. */
  readonly waitsFor: string | null;
  /** The condition that decides whether its actions run, in words; null when they always run. */
  readonly when: string | null;
  readonly done: boolean;
}

/** A journey the pack ran on the account or one of its registered contacts. */
export interface Journey {
  /** `account:<id>` or `user:<contact id>`. */
  readonly subject: string;
  /** The contact's name; null for the account itself. */
  readonly contact: string | null;
  readonly journey: string;
  readonly label: string;
  readonly startedAt: string;
  readonly status: JourneyStatus;
  readonly steps: readonly JourneyStep[];
  /** The first step not done yet (timed steps first, in time order); null when none is left. */
  readonly next: JourneyStep | null;
}

/** Smart Estate's signup review (docs/customers.md, "Signup, approval, payment, activation"). */
export const SIGNUP_LIFECYCLE = 'estate-signup';
export const PAYMENT_LIFECYCLE = 'payment-record';

/** `suspend` is a hold, decided later. */
export type SignupDecision = 'approve' | 'reject' | 'suspend';

export interface SignupDecisionInput {
  readonly decision: SignupDecision;
  readonly reason: string;
  /** Approval may choose the plan. */
  readonly plan?: string;
}

/** A bank transfer finance matched on the statement. */
export interface ManualPaymentInput {
  readonly amount: number;
  /** ISO 4217, e.g. INR. */
  readonly currency?: string;
  /** The transfer reference on the bank statement. */
  readonly reference: string;
  readonly note: string;
}

export interface ManualPaymentAnswer {
  readonly confirmed: boolean;
  /** The estate and its subscription became ACTIVE with this payment. */
  readonly activated: boolean;
  readonly account: Account;
}

/** A page of a list and the cursor of the next (`after=`), null on the last. */
export interface Page<T, C> {
  readonly items: readonly T[];
  readonly next: C | null;
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/accounts`;
const account = (workspaceId: string, accountId: string) =>
  `${base(workspaceId)}/${encodeURIComponent(accountId)}`;

function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A survey sent to one person, and its one answer (`GET …/accounts/{id}/surveys`). */
export interface SurveyInvitation {
  readonly id: string;
  readonly survey: string;
  readonly scale: 'nps' | 'csat';
  readonly subject: string;
  readonly accountId: string | null;
  readonly sentAt: string;
  readonly answeredAt: string | null;
  readonly score: number | null;
  readonly comment: string | null;
  readonly answeredVia: string | null;
}

/** A task the pack raised about the account or one of its people (`GET …/accounts/{id}/tasks`). */
export interface AccountTask {
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  readonly subject: string;
  /** `role:csm`, `role:success`, … */
  readonly assignee: string;
  readonly status: 'open' | 'done';
  readonly dueAt: string | null;
  /** A template to follow while doing it (the Day 3 call script). */
  readonly script: string | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly completedBy: string | null;
  readonly note: string | null;
}

export const customersApi = {
  accounts: (w: string, filter: AccountFilter) =>
    request<Page<Account, string>>('GET', `${base(w)}${query({ ...filter })}`),
  createAccount: (w: string, input: AccountInput, csrfToken: string) =>
    request<Account>('POST', base(w), { body: input, csrfToken }),
  account: (w: string, accountId: string) => request<Account>('GET', account(w, accountId)),
  access: (w: string, accountId: string) => request<AccountAccess>('GET', `${account(w, accountId)}/access`),
  timeline: (w: string, accountId: string, after: number | undefined, limit: number) =>
    request<Page<TimelineEntry, number>>(
      'GET',
      `${account(w, accountId)}/timeline${query({ after, limit })}`,
    ),
  journeys: (w: string, accountId: string) =>
    request<{ readonly items: readonly Journey[] }>('GET', `${account(w, accountId)}/journeys`),
  tasks: (w: string, accountId: string) =>
    request<{ readonly items: readonly AccountTask[] }>('GET', `${account(w, accountId)}/tasks`),
  /** A task already done answers 409 with who did it and when. */
  completeTask: (w: string, taskId: string, note: string, csrfToken: string) =>
    request<AccountTask>(
      'POST',
      `/api/v1/workspaces/${encodeURIComponent(w)}/tasks/${encodeURIComponent(taskId)}/complete`,
      {
        body: note.trim() ? { note } : {},
        csrfToken,
      },
    ),
  surveys: (w: string, accountId: string) =>
    request<{ readonly invitations: readonly SurveyInvitation[] }>('GET', `${account(w, accountId)}/surveys`),
  contacts: (w: string, accountId: string, after: string | undefined, limit: number) =>
    request<Page<Contact, string>>('GET', `${account(w, accountId)}/contacts${query({ after, limit })}`),
  addContact: (w: string, accountId: string, input: ContactInput, csrfToken: string) =>
    request<Contact>('POST', `${account(w, accountId)}/contacts`, { body: input, csrfToken }),
  setContactStatus: (w: string, accountId: string, contactId: string, status: ContactStatus, csrf: string) =>
    request<Contact>('PATCH', `${account(w, accountId)}/contacts/${encodeURIComponent(contactId)}`, {
      body: { status },
      csrfToken: csrf,
    }),
  /** A decision the pack does not allow from where the signup is answers 409 and changes nothing. */
  decideSignup: (w: string, accountId: string, input: SignupDecisionInput, csrfToken: string) =>
    request<Account>('POST', `${account(w, accountId)}/signup/decision`, { body: input, csrfToken }),
  /** Before approval, or a second time, answers 409 and changes nothing. */
  recordManualPayment: (w: string, accountId: string, input: ManualPaymentInput, csrfToken: string) =>
    request<ManualPaymentAnswer>('POST', `${account(w, accountId)}/payments/manual`, {
      body: input,
      csrfToken,
    }),
};

/** A share of a cohort of users (docs/customers.md, "Metrics"). */
export interface CohortShare {
  /** Users whose day N (registration + N × 24 h) fell in the period and has passed. */
  readonly cohort: number;
  readonly count: number;
  /** Per cent, one decimal; null for an empty cohort. */
  readonly rate: number | null;
}

/** One metric beside the pack's target, and whether it meets it (null without a value or a target). */
export interface KpiReading {
  readonly id: string;
  readonly label: string;
  readonly value: number | null;
  /** `%` or `score`. */
  readonly unit: string;
  /** What the value is counted over: users, calls, answers, trials, customers, payments. */
  readonly of: number;
  readonly target: { readonly op: string; readonly value: number; readonly unit: string | null } | null;
  readonly met: boolean | null;
}

/** One week (or, for long periods, several) of the dashboard's series. */
export interface MetricsWeek {
  readonly from: string;
  readonly to: string;
  readonly newAccounts: number;
  readonly npsAnswers: number;
  readonly nps: number | null;
  readonly cancelled: number;
  readonly churnRate: number | null;
  readonly paymentsFailed: number;
  readonly paymentsSucceeded: number;
  readonly failureRate: number | null;
}

/** GET …/customer-metrics: the customer dashboard of a period. */
export interface CustomerMetrics {
  readonly from: string;
  readonly to: string;
  readonly byState: readonly { readonly state: string; readonly count: number }[];
  readonly byPlan: readonly { readonly plan: string | null; readonly count: number }[];
  readonly trials: { readonly started: number; readonly converted: number; readonly rate: number | null };
  readonly churn: { readonly cancelled: number; readonly base: number; readonly rate: number | null };
  readonly payments: {
    readonly failed: number;
    readonly succeeded: number;
    readonly failureRate: number | null;
  };
  readonly revenue: readonly { readonly currency: string | null; readonly amount: number }[];
  readonly nps: {
    readonly answers: number;
    readonly promoters: number;
    readonly passives: number;
    readonly detractors: number;
    readonly score: number | null;
    readonly target: { readonly op: string; readonly value: number } | null;
  };
  readonly onboarding: {
    readonly d1Activation: CohortShare;
    readonly d7Active: CohortShare;
    readonly d30Retention: CohortShare;
    readonly day3Calls: {
      readonly raised: number;
      readonly done: number;
      readonly onTime: number;
      readonly rate: number | null;
      readonly onTimeRate: number | null;
    };
  };
  /** Payments received in the 30 days up to the period's end, per currency. */
  readonly mrr: {
    readonly from: string;
    readonly to: string;
    readonly byCurrency: readonly {
      readonly currency: string | null;
      readonly amount: number;
      readonly payers: number;
      readonly arpu: number | null;
    }[];
  };
  readonly kpis: readonly KpiReading[];
  readonly series: { readonly bucketDays: number; readonly points: readonly MetricsWeek[] };
}

/** The customer dashboard (`records.read`): `from` and `to` are ISO instants. */
export const customerMetricsApi = {
  metrics: (w: string, period: { readonly from: string; readonly to: string }) =>
    request<CustomerMetrics>(
      'GET',
      `/api/v1/workspaces/${encodeURIComponent(w)}/customer-metrics${query({ ...period })}`,
    ),
};
