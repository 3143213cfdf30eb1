/**
 * The vendor and backup registers (src/api/routes/vendors.ts, backups.ts): the vendor register, a vendor
 * with its scorecard history, a scorecard; the backup register and a restore drill. Reading needs
 * `records.read`; scoring a vendor `vendors.manage`; recording a drill `events.write`.
 */
import { request } from './api';

export interface Criterion {
  readonly id: string;
  readonly label: string;
  readonly weightPercent: number;
  readonly scoring: string;
}

export interface Vendor {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly category: { readonly id: string; readonly label: string };
  readonly risk: string;
  readonly owner: string;
  readonly ownerRecipient: string;
  readonly contractEnd: string;
  readonly contractEndsAt: string | null;
  readonly daysToContractEnd: number | null;
  readonly reviewCadence: string;
  readonly latest: { readonly weighted: number; readonly scoredAt: string; readonly scoredBy: string } | null;
  readonly lastReview: string | null;
  readonly nextReviewDue: string | null;
  readonly overdue: boolean;
}

export interface Scorecard {
  readonly id: string;
  readonly scores: Readonly<Record<string, number>>;
  readonly weights: Readonly<Record<string, number>>;
  readonly weighted: number;
  readonly note: string | null;
  readonly scoredBy: string;
  readonly scoredAt: string;
}

export interface VendorDetail extends Vendor {
  readonly criteria: readonly Criterion[];
  readonly scorecards: readonly Scorecard[];
  readonly reminders: readonly { readonly at: string; readonly what: string }[];
}

export interface Drill {
  readonly id: string;
  readonly check: string;
  readonly objective: string | null;
  readonly backupSet: string | null;
  readonly runId: string | null;
  readonly performedAt: string;
  readonly restoreMs: number;
  readonly dataLossMs: number;
  readonly rtoMs: number | null;
  readonly rpoMs: number | null;
  readonly metRto: boolean | null;
  readonly metRpo: boolean | null;
  readonly succeeded: boolean;
  readonly note: string | null;
  readonly recordedBy: string;
}

export interface BackupRegister {
  readonly sets: readonly {
    readonly id: string;
    readonly data: string;
    readonly frequency: string;
    readonly retention: string;
    readonly location: string;
    readonly heartbeat: string | null;
  }[];
  readonly heartbeat: {
    readonly id: string;
    readonly label: string;
    readonly monitor: { readonly status: string; readonly lastPingAt: string | null } | null;
    readonly note: string;
  } | null;
  readonly objectives: readonly {
    readonly id: string;
    readonly scenario: string;
    readonly rtoMs: number;
    readonly rpoMs: number;
    readonly rto: string;
    readonly rpo: string;
  }[];
  readonly checks: readonly {
    readonly id: string;
    readonly text: string;
    readonly owner: string | null;
    readonly cadence: string;
    readonly kind: 'drill' | 'heartbeat';
    readonly latest: Drill | null;
  }[];
  readonly drills: readonly Drill[];
}

export interface NewDrill {
  readonly check: string;
  readonly objective?: string;
  readonly restoreMinutes?: number;
  readonly dataLossMinutes?: number;
  readonly succeeded: boolean;
  readonly note?: string;
}

const base = (w: string) => `/api/v1/workspaces/${encodeURIComponent(w)}`;

export const opsApi = {
  vendors: (w: string) =>
    request<{ criteria: Criterion[]; items: Vendor[]; pack: { id: string; version: string } }>(
      'GET',
      `${base(w)}/vendors`,
    ),
  vendor: (w: string, id: string) =>
    request<VendorDetail>('GET', `${base(w)}/vendors/${encodeURIComponent(id)}`),
  score: (
    w: string,
    id: string,
    body: { scores: Record<string, number>; note?: string },
    csrfToken: string,
  ) =>
    request<VendorDetail>('POST', `${base(w)}/vendors/${encodeURIComponent(id)}/scorecards`, {
      body,
      csrfToken,
    }),
  backups: (w: string) => request<BackupRegister>('GET', `${base(w)}/backups`),
  drill: (w: string, body: NewDrill, csrfToken: string) =>
    request<Drill>('POST', `${base(w)}/backups/drills`, { body, csrfToken }),
};

/** Σ score × weight / 100 as the server computes it; null until every criterion has a score. */
export function weightedOf(
  criteria: readonly Criterion[],
  scores: Readonly<Record<string, number>>,
): number | null {
  if (criteria.some((c) => scores[c.id] === undefined)) return null;
  return Math.round(criteria.reduce((sum, c) => sum + scores[c.id]! * c.weightPercent, 0)) / 100;
}

/** Minutes for people: `2 h 5 min`. */
export function minutes(ms: number): string {
  const total = Math.round(ms / 60_000);
  const h = Math.floor(total / 60);
  return h === 0 ? `${total} min` : total % 60 === 0 ? `${h} h` : `${h} h ${total % 60} min`;
}
