/**
 * On-call's calls (src/api/routes/oncall.ts and paging.ts): who is on call now, schedules and their
 * layers, overrides and shifts, and escalation policies. Reading needs `records.read`; changing,
 * `incidents.manage` (covering a shift oneself, `incidents.write`).
 */
import { request } from './api';

export type Handoff = 'daily' | 'weekly';

export interface Layer {
  /** Member ids in hand-off order. */
  readonly users: readonly string[];
  readonly handoff: Handoff;
  /** Local `HH:MM` in the schedule's zone. */
  readonly handoffTime: string;
  /** Weekly: ISO weekday, 1 = Monday. */
  readonly handoffDay?: number;
  /** When the first user's first turn starts (an instant). */
  readonly startsAt: string;
  /** Only these local hours each day. */
  readonly restrict?: { readonly from: string; readonly to: string };
}

export interface Schedule {
  readonly id: string;
  readonly rotation: string;
  readonly name: string;
  readonly timeZone: string;
  readonly layers: readonly Layer[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ScheduleInput {
  readonly rotation: string;
  readonly name?: string;
  readonly timeZone: string;
  readonly layers: readonly Layer[];
}

export interface OnCallPerson {
  readonly userId: string;
  readonly name: string;
  readonly source: 'override' | 'layer' | 'role';
  readonly until: string | null;
}

export interface RotationNow {
  readonly rotation: string;
  readonly label: string;
  readonly scheduleId: string | null;
  readonly onCall: readonly OnCallPerson[];
}

export interface Shift {
  readonly userId: string;
  readonly name: string;
  readonly startsAt: string;
  readonly endsAt: string;
  /** The layer (0-based), or null for an override. */
  readonly layer: number | null;
}

export interface Override {
  readonly id: string;
  readonly scheduleId: string;
  readonly userId: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface PolicyStep {
  readonly delayMinutes: number;
  /** `rotation:<id>`, `user:<id>`, `role:<id>` or `contact:<id>`. */
  readonly targets: readonly string[];
}

export interface PolicyInput {
  readonly name: string;
  readonly steps: readonly PolicyStep[];
  /** How many more times the whole policy runs (0 to 9). */
  readonly repeat: number;
  /** Levels of the incident scale it pages for; none: all. */
  readonly severities: readonly string[];
}

export interface Policy extends PolicyInput {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const schedule = (workspaceId: string, scheduleId: string) =>
  `${base(workspaceId)}/oncall/schedules/${encodeURIComponent(scheduleId)}`;
const policy = (workspaceId: string, policyId: string) =>
  `${base(workspaceId)}/escalation-policies/${encodeURIComponent(policyId)}`;
const range = (from: string, to: string) => new URLSearchParams({ from, to }).toString();

export const oncallApi = {
  now: (workspaceId: string) => request<{ items: RotationNow[] }>('GET', `${base(workspaceId)}/oncall/now`),
  schedules: (workspaceId: string) =>
    request<{ items: Schedule[] }>('GET', `${base(workspaceId)}/oncall/schedules`),
  createSchedule: (workspaceId: string, input: ScheduleInput, csrfToken: string) =>
    request<Schedule>('POST', `${base(workspaceId)}/oncall/schedules`, { body: input, csrfToken }),
  saveSchedule: (workspaceId: string, scheduleId: string, input: ScheduleInput, csrfToken: string) =>
    request<Schedule>('PUT', schedule(workspaceId, scheduleId), { body: input, csrfToken }),
  deleteSchedule: (workspaceId: string, scheduleId: string, csrfToken: string) =>
    request<undefined>('DELETE', schedule(workspaceId, scheduleId), { csrfToken }),
  shifts: (workspaceId: string, scheduleId: string, from: string, to: string) =>
    request<{ from: string; to: string; items: Shift[] }>(
      'GET',
      `${schedule(workspaceId, scheduleId)}/shifts?${range(from, to)}`,
    ),
  overrides: (workspaceId: string, scheduleId: string) =>
    request<{ items: Override[] }>('GET', `${schedule(workspaceId, scheduleId)}/overrides`),
  addOverride: (
    workspaceId: string,
    scheduleId: string,
    input: { userId: string; startsAt: string; endsAt: string },
    csrfToken: string,
  ) =>
    request<Override>('POST', `${schedule(workspaceId, scheduleId)}/overrides`, { body: input, csrfToken }),
  removeOverride: (workspaceId: string, scheduleId: string, overrideId: string, csrfToken: string) =>
    request<undefined>(
      'DELETE',
      `${schedule(workspaceId, scheduleId)}/overrides/${encodeURIComponent(overrideId)}`,
      { csrfToken },
    ),
  policies: (workspaceId: string) =>
    request<{ items: Policy[] }>('GET', `${base(workspaceId)}/escalation-policies`),
  createPolicy: (workspaceId: string, input: PolicyInput, csrfToken: string) =>
    request<Policy>('POST', `${base(workspaceId)}/escalation-policies`, { body: input, csrfToken }),
  savePolicy: (workspaceId: string, policyId: string, input: PolicyInput, csrfToken: string) =>
    request<Policy>('PUT', policy(workspaceId, policyId), { body: input, csrfToken }),
  deletePolicy: (workspaceId: string, policyId: string, csrfToken: string) =>
    request<undefined>('DELETE', policy(workspaceId, policyId), { csrfToken }),
};
