/**
 * Durations as pack authors write them: `15m`, `15 min`, `4 hours`, `1h30m`, `7d`, `1 week`, `0` or
 * `immediate`. Pure: parsing returns a value or a message that says what was wrong and how to write it.
 */

const UNITS: Record<string, number> = {
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;

/**
 * @example parseDuration('1h 30m') // { ok: true, ms: 5_400_000 }
 * @example parseDuration('15 minuets') // { ok: false, message: 'unknown unit "minuets" …' }
 */
export function parseDuration(text: string): DurationResult {
  const source = text.trim().toLowerCase();
  if (source === '0' || source === 'immediate' || source === 'immediately') return { ok: true, ms: 0 };
  if (source === '') return { ok: false, message: 'a duration is empty; write e.g. "15m", "4h" or "7d"' };
  let ms = 0;
  let index = 0;
  PART.lastIndex = 0;
  while (index < source.length) {
    while (source[index] === ' ') index++;
    if (index >= source.length) break;
    PART.lastIndex = index;
    const match = PART.exec(source);
    if (!match) {
      return {
        ok: false,
        message: `cannot read "${text}" as a duration; write a number and a unit, e.g. "15m", "4 hours", "1h30m"`,
      };
    }
    const [, amount, unit] = match;
    const factor = UNITS[unit!];
    if (factor === undefined) {
      return {
        ok: false,
        message: `unknown unit "${unit}" in duration "${text}"; use s, m (min), h (hours), d (days) or w (weeks)`,
      };
    }
    ms += Number(amount) * factor;
    index = PART.lastIndex;
  }
  return { ok: true, ms: Math.round(ms) };
}

/** The shortest canonical form: `1h30m`, `7d`, `0`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || `${ms}ms`;
}
