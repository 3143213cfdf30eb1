/**
 * Bugs and releases (src/api/routes/records.ts): list, report or start one, read one with the steps it can
 * take and what each waits for, take a step, a release's go/no-go. Reading needs `records.read`; the rest
 * `events.write` (the go/no-go also the release type's approver role, which the server checks).
 */
import { request } from './api';

export type RecordKind = 'bug' | 'release';
export type FieldValue = string | number | boolean | null;

export interface RecordGate {
  readonly kind: 'guard' | 'checklist' | 'approval';
  readonly message: string;
}

export interface RecordStep {
  readonly action: string;
  readonly to: string;
  readonly toLabel: string;
  readonly quote: string | null;
  readonly ready: boolean;
  readonly gates: readonly RecordGate[];
}

export interface RecordClock {
  readonly id: string;
  readonly source: string;
  readonly phase: string;
  readonly due: string | null;
  readonly derivation: string;
}

export interface RecordSummary {
  readonly id: string;
  readonly ref: string;
  readonly kind: RecordKind;
  readonly title: string;
  readonly state: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly attachments: readonly string[];
  readonly links: readonly string[];
  readonly pack: { readonly id: string; readonly version: string };
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly clocks: readonly RecordClock[];
  readonly nextDueAt: string | null;
  readonly breached: boolean;
  readonly endedAt: string | null;
}

export interface RecordDetail extends RecordSummary {
  readonly steps: readonly RecordStep[];
  readonly rollbackWindow: { readonly status: 'open' | 'closed'; readonly endsAt: string } | null;
  readonly timeline: readonly {
    readonly type: string;
    readonly actor: string;
    readonly at: string;
    readonly data: Readonly<Record<string, unknown>>;
  }[];
}

export interface NewRecord {
  readonly title: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly attachments?: readonly string[];
  readonly links?: readonly string[];
}

const plural = (kind: RecordKind) => (kind === 'bug' ? 'bugs' : 'releases');
const base = (w: string, kind: RecordKind) => `/api/v1/workspaces/${encodeURIComponent(w)}/${plural(kind)}`;
const one = (w: string, kind: RecordKind, ref: string) => `${base(w, kind)}/${encodeURIComponent(ref)}`;

/** What the active pack offers for a new record: release types, or the bug scale's levels. */
export interface RecordChoices {
  readonly releaseTypes: readonly {
    readonly id: string;
    readonly label: string;
    readonly approver: string;
    readonly rollbackWindow: string;
  }[];
  readonly levels: readonly { readonly id: string; readonly label: string }[];
}

export const recordsApi = {
  list: (w: string, kind: RecordKind, open?: boolean) =>
    request<{ items: RecordSummary[]; choices: RecordChoices }>(
      'GET',
      `${base(w, kind)}?limit=200${open === undefined ? '' : `&open=${String(open)}`}`,
    ),
  get: (w: string, kind: RecordKind, ref: string) => request<RecordDetail>('GET', one(w, kind, ref)),
  create: (w: string, kind: RecordKind, body: NewRecord, csrfToken: string) =>
    request<RecordDetail>('POST', base(w, kind), { body, csrfToken }),
  step: (
    w: string,
    kind: RecordKind,
    ref: string,
    body: { action: string; fields?: Record<string, FieldValue>; note?: string },
    csrfToken: string,
  ) => request<RecordDetail>('POST', `${one(w, kind, ref)}/steps`, { body, csrfToken }),
  goNoGo: (w: string, ref: string, decision: 'go' | 'no-go', note: string, csrfToken: string) =>
    request<RecordDetail>('POST', `${one(w, 'release', ref)}/go-no-go`, {
      body: { decision, note },
      csrfToken,
    }),
};
