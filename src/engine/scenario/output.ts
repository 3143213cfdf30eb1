/**
 * Effects as `opsbook simulate` prints them and pack tests compare them: instants in the scenario's zone
 * with their offset (`at`, `due`, `notBefore`), the subject, the type and its fields.
 */
import { formatInstant } from '../../core/instant.js';
import type { Effect } from '../../core/decide/types.js';
import type { Scalar } from '../../core/decide/types.js';

export type PrintedEffect = Record<string, Scalar | readonly string[]>;

export function printable(effect: Effect, zone: string, explain: boolean): PrintedEffect {
  const { atMs, key, subject, type, ...rest } = effect;
  const out: PrintedEffect = { at: formatInstant(atMs, zone), type, subject };
  for (const [name, value] of Object.entries(rest) as [string, unknown][]) {
    if (name === 'explain') continue;
    if (name.endsWith('Ms') && (typeof value === 'number' || value === null)) {
      out[name.slice(0, -2)] = value === null || !Number.isFinite(value) ? null : formatInstant(value, zone);
    } else out[name] = value as Scalar | readonly string[];
  }
  if (explain && 'explain' in effect && effect.explain) out.explain = effect.explain;
  out.key = key;
  return out;
}

/** One line for people: `+30m 2025-01-20T10:30:00Z escalate ticket:T1 rule=p0-to-tier-2 to=tier:tier-2`. */
export function effectLine(effect: PrintedEffect): string {
  const { at, type, subject, explain } = effect;
  const fields = Object.entries(effect)
    .filter(([k]) => !['at', 'type', 'subject', 'key', 'explain'].includes(k))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
  const line = `${String(at)}  ${String(type).padEnd(12)} ${String(subject)}  ${fields}`;
  return explain ? `${line}\n    ${String(explain)}` : line;
}
