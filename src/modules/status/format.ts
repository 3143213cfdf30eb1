/** Words and escaping shared by the status page's HTML, feeds and messages. */
import type { ComponentStatus } from '../../store/schema-incidents.js';
import type { DayLevel } from '../../core/uptime.js';
import type { MaintenancePhase } from './snapshot.js';

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

// Characters XML 1.0 cannot carry at all (even escaped): C0 controls but tab, LF and CR; U+FFFE/U+FFFF;
// unpaired surrogates.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside XML content or an attribute. */
export const escapeXml = (text: string): string => escapeHtml(text.replace(NOT_XML, ''));

export const COMPONENT_STATUS_LABEL: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  'partial-outage': 'Partial outage',
  'major-outage': 'Major outage',
  maintenance: 'Under maintenance',
};

export const DAY_LEVEL_LABEL: Record<DayLevel, string> = {
  ...COMPONENT_STATUS_LABEL,
  operational: 'No downtime',
  'no-data': 'No data',
};

export const PHASE_LABEL: Record<MaintenancePhase, string> = {
  scheduled: 'Scheduled',
  'in-progress': 'In progress',
  completed: 'Completed',
};

/** `Investigating`, `Identified`, … (an unknown status is shown as written, capitalised). */
export function updateStatusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** `12 Mar 2025, 14:03 GMT+5:30`, as the workspace's clocks show it. */
export const formatTime = (at: Date, timeZone: string): string => formatterOf(timeZone, true).format(at);

/** `12 Mar 2025` for an instant in the zone. */
export const formatDay = (at: Date | number, timeZone: string): string =>
  formatterOf(timeZone, false).format(at);

/** `1 h 12 min`, `20 min`, `45 s`: a length of downtime. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}` : `${minutes} min`;
}

/** `99.95 %` (two decimals, as computed: rounded down). */
export const formatPercent = (percent: number): string => `${percent.toFixed(2)} %`;

/** The update's text per locale, English first. */
export function bodiesOf(body: Readonly<Record<string, string>>): { locale: string; text: string }[] {
  return Object.entries(body)
    .filter(([, text]) => text.trim() !== '')
    .sort(([a], [b]) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)))
    .map(([locale, text]) => ({ locale, text }));
}
