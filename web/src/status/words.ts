/** How the status pages say durations, shares and monitor states. */

/** `30 s`, `5 min`, `1 h 30 min`, `2 d`. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  if (min < 1440) return min % 60 === 0 ? `${min / 60} h` : `${Math.floor(min / 60)} h ${min % 60} min`;
  return min % 1440 === 0 ? `${min / 1440} d` : `${Math.round((min / 1440) * 10) / 10} d`;
}

/** A share of time up (0-1) as a percentage rounded down, so any downtime shows; `—` without figures. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${(Math.floor(share * 10_000) / 100).toFixed(2)} %`;
}

/** `YYYY-MM-DDTHH:MM` in the browser's zone, as a datetime-local input wants it. */
export function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant a datetime-local value names in the browser's zone, as ISO 8601; '' when it names none. */
export function instantOf(local: string): string {
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** A number typed in a field, or undefined when left empty or not a number. */
export function numberOf(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
