/**
 * On-call shifts as an iCalendar feed (RFC 5545), for calendar apps: one VEVENT per shift with a stable
 * UID, DTSTAMP/DTSTART/DTEND in UTC, text escaped (§3.3.11) and lines folded at 75 octets (§3.1) without
 * splitting a UTF-8 character. Pure: the shell passes the shifts, the names and the stamp instant.
 */

export interface CalendarEvent {
  /** Unique and stable across refreshes of the feed (a shift's schedule, start and person). */
  readonly uid: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly summary: string;
  readonly description?: string;
  readonly url?: string;
}

const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/** `20260302T090000Z`: a DATE-TIME in UTC (§3.3.5, form 2). */
export function utcStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A TEXT value: backslash, semicolon, comma and newlines escaped (§3.3.11). */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line: at most 75 octets per line, continuation lines starting with one space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/**
 * A VCALENDAR of `events`, CRLF-terminated.
 *
 * @example icalendarOf({ name: 'Incident Commander', stampMs: now, events: [{ uid, startMs, endMs, summary }] })
 */
export function icalendarOf(input: {
  readonly name: string;
  readonly stampMs: number;
  readonly events: readonly CalendarEvent[];
}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Opsbook//On-call schedules//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
  ];
  const stamp = utcStamp(input.stampMs);
  for (const e of input.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcStamp(e.startMs)}`,
      `DTEND:${utcStamp(e.endMs)}`,
      `SUMMARY:${escapeText(e.summary)}`,
      ...(e.description ? [`DESCRIPTION:${escapeText(e.description)}`] : []),
      ...(e.url ? [`URL:${e.url}`] : []),
      'TRANSP:OPAQUE',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
