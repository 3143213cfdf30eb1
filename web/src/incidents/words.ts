/**
 * The words of the incident pages: paths, names of roles, clocks, regulators and status-page statuses,
 * who did something (a member's name for `user:<id>`), and durations in minutes.
 */
import type { Member } from '../access-api';
import type { ComponentStatus, RegulatoryClock, Scale } from '../incidents-api';

export const INCIDENTS_PATH = '/incidents';
export const METRICS_PATH = '/incidents/metrics';
export const incidentPath = (number: number) => `${INCIDENTS_PATH}/${number}`;

/** `incident-commander` → "Incident commander". */
export function idWords(id: string): string {
  const words = id.replace(/[-_:]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A level's label from the pack's scale (`sev1` → "SEV1", `p0` → "P0 - Critical"); the id otherwise. */
export function severityLabel(scale: Scale | null, level: string): string {
  return scale?.labels[level] ?? (/^(sev|p)\d$/i.test(level) ? level.toUpperCase() : idWords(level));
}

export const regulatoryId = (clockId: string) => clockId.replace(/^regulatory:/, '');

/** The authority a report under a regulatory clock (`cert-in`) goes to, as the pack names it. */
export function authorityOf(clocks: readonly RegulatoryClock[], clockId: string): string {
  const id = regulatoryId(clockId);
  return clocks.find((c) => regulatoryId(c.id) === id)?.authority ?? idWords(id);
}

/** A member's name for `user:<id>` (or a bare user id); tokens, the system and rotations as they are. */
export function actorName(actor: string, members: readonly Member[]): string {
  const id = actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
  const member = members.find((m) => m.userId === id);
  if (member) return member.name;
  if (actor.startsWith('role:') || actor.startsWith('rotation:')) return idWords(actor.split(':')[1] ?? '');
  return actor;
}

/** `42.5` minutes → "42.5 min"; `135` → "2 h 15 min"; null → "—". */
export function minutesWords(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 120) return `${Number(minutes.toFixed(1))} min`;
  const whole = Math.round(minutes);
  const hours = Math.floor(whole / 60);
  if (hours >= 72) return `${(whole / 1440).toFixed(1)} d`;
  return `${hours} h ${whole % 60} min`;
}

/** `Tue 10:12` style local time of an instant, with the date when it is not today. */
export function shortTime(iso: string): string {
  const at = new Date(iso);
  const today = new Date().toDateString() === at.toDateString();
  return today
    ? at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : at.toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

/** `T+5 min`, `T+48 h`: when a deadline falls, counted from detection (SOP-003 writes them so). */
export function offsetWords(dueIso: string, detectedIso: string): string {
  const minutes = Math.round((Date.parse(dueIso) - Date.parse(detectedIso)) / 60_000);
  if (minutes < 60 || minutes % 60 !== 0) return `T+${minutes} min`;
  return `T+${minutes / 60} h`;
}

/** A status-page component's status as the public page says it (src/modules/status/format.ts). */
export const COMPONENT_STATUS_WORDS: Readonly<Record<ComponentStatus, string>> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  'partial-outage': 'Partial outage',
  'major-outage': 'Major outage',
  maintenance: 'Under maintenance',
};
