/**
 * SLA countdowns: one shared one-second ticker (only the countdown cells re-render each second, not the
 * rows around them), the words of a time left or overdue, and the urgency of a due time: breached (red),
 * less than 20 % of the clock left (amber), or fine.
 */
import { useSyncExternalStore } from 'react';
import type { ClockPhase } from '../support-api';

const TICK_MS = 1000;
const listeners = new Set<() => void>();
let nowMs = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    nowMs = Date.now();
    timer = setInterval(() => {
      nowMs = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time in ms, updated every second while any component uses it. */
export function useNowMs(): number {
  return useSyncExternalStore(subscribe, () => nowMs);
}

/** `2d 4h`, `1h 05m`, `12m 30s`, `45s`: the two largest units. */
export function spanWords(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

export type Urgency = 'breached' | 'warning' | 'ok' | 'none';

/**
 * How urgent a due time is at `atMs`: past due is breached; amber when less than 20 % of the time from
 * `startMs` to the due time is left ("SLA at risk", as the help desks we replace mark it).
 */
export function urgencyOf(dueMs: number | null, startMs: number | null, atMs: number): Urgency {
  if (dueMs === null) return 'none';
  const left = dueMs - atMs;
  if (left <= 0) return 'breached';
  if (startMs !== null && dueMs > startMs && left < (dueMs - startMs) * 0.2) return 'warning';
  return 'ok';
}

const parse = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/**
 * A live countdown to `due`: "in 12m 30s", "3m 10s overdue"; or the clock's phase when it is not running.
 * Screen readers get the due time, not a number that changes every second.
 */
export function Countdown({
  due,
  start,
  phase = 'running',
  breached = false,
}: {
  readonly due: string | null;
  readonly start?: string | null;
  readonly phase?: ClockPhase;
  /** The server already counts it breached (a clock that stopped late). */
  readonly breached?: boolean;
}) {
  const atMs = useNowMs();
  if (phase === 'met') return <span className="countdown met">met</span>;
  if (phase === 'paused') return <span className="countdown paused">paused</span>;
  const dueMs = parse(due);
  if (dueMs === null) return <span className="countdown none">—</span>;
  const urgency = phase === 'breached' || breached ? 'breached' : urgencyOf(dueMs, parse(start), atMs);
  const left = dueMs - atMs;
  const words = left > 0 ? `in ${spanWords(left)}` : `${spanWords(left)} overdue`;
  return (
    <time
      className={`countdown ${urgency}`}
      dateTime={due ?? undefined}
      title={new Date(dueMs).toLocaleString()}
    >
      <span aria-hidden="true">{words}</span>
      <span className="visually-hidden">
        {left > 0 ? 'due' : 'was due'} {new Date(dueMs).toLocaleString()}
        {urgency === 'breached' ? ', breached' : urgency === 'warning' ? ', at risk' : ''}
      </span>
    </time>
  );
}
