/**
 * Instants written for people and for scenario files: ISO 8601 with the offset of a zone
 * (`2025-01-20T15:30:00+05:30`), and local date-times in a zone read back as instants.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Offsets by zone and quarter hour. A zone changes its offset at most once in a quarter hour, so when a
 * quarter hour's first and last millisecond have the same offset, all of it does, and it is kept; one with
 * a change in it (02:00 local in most zones, or a historic change at 00:44:30 UTC) is asked exactly. Asking Intl is slow (about 3 µs), and schedules and calendars ask
 * for the same instants over and over: a year of daily checklists for 1,000 workspaces asked 20 million
 * times.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const CACHED_QUARTERS = 100_000;
const offsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at an instant, in ms (Asia/Kolkata: +19,800,000). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let zone = offsets.get(timeZone);
  const known = zone?.get(quarter);
  if (known !== undefined) return known;
  const startMs = quarter * QUARTER_HOUR_MS;
  const first = exactOffsetMs(startMs, timeZone);
  if (first !== exactOffsetMs(startMs + QUARTER_HOUR_MS - 1, timeZone)) return exactOffsetMs(ms, timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map<number, number>()));
  if (zone.size >= CACHED_QUARTERS) zone.clear();
  zone.set(quarter, first);
  return first;
}

function exactOffsetMs(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `2025-01-20T15:30:00+05:30` (or `Z` in UTC): the instant as the zone's clocks showed it. */
export function formatInstant(ms: number, timeZone: string): string {
  const offset = zoneOffsetMs(ms, timeZone);
  const local = new Date(ms + offset);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const millis = local.getUTCMilliseconds() ? `.${pad(local.getUTCMilliseconds(), 3)}` : '';
  if (offset === 0 && timeZone === 'UTC') return `${date}T${time}${millis}Z`;
  const minutes = Math.round(offset / 60_000);
  return `${date}T${time}${millis}${minutes < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/**
 * A local date-time (`2025-01-20T10:00` or with seconds) in a zone, as an instant. A time skipped by a
 * spring-forward is moved forward by the gap; a repeated one takes the earlier instant.
 */
export function localToInstant(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  return wallTimeToInstant(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), timeZone);
}

/** localToInstant from the parts (month 1-12), for callers that walk dates and need no text. */
export function wallTimeToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  timeZone: string,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  const checked = asUtc - zoneOffsetMs(first, timeZone);
  if (checked === first) {
    // Either exact, or ambiguous: prefer the earlier instant when an hour earlier reads the same.
    const earlier = asUtc - zoneOffsetMs(first - 3_600_000, timeZone);
    return earlier < first && earlier + zoneOffsetMs(earlier, timeZone) === asUtc ? earlier : first;
  }
  // A gap: the wall time does not exist; keep the offset from before the gap (moves forward).
  return Math.max(first, checked);
}
