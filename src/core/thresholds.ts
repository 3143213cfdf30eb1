/**
 * Metric thresholds (issue 8 "Thresholds"; company SOP 001#51: "CPU usage over 80%"), pure: whether a
 * sample crosses its threshold, and what one more sample does to a series' state. A series fires once it
 * has been past the threshold for `sustainedFor` (at once when none is given) and resolves on the first
 * sample back inside it. Time is a parameter; nothing here reads a clock.
 */

export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface Threshold {
  readonly id: string;
  readonly metric: string;
  readonly op: ThresholdOp;
  readonly value: number;
  /** How long the breach must last before it fires; 0 or absent: the first breaching sample fires. */
  readonly sustainedForMs?: number | undefined;
}

/** What is kept per series (a threshold and one set of labels): threshold_states. */
export interface SeriesState {
  readonly lastValue: number;
  readonly lastAtMs: number;
  /** Since when every sample has been past the threshold; null when the last one was inside it. */
  readonly breachingSinceMs: number | null;
  readonly firing: boolean;
}

export type SampleOutcome = 'fire' | 'repeat' | 'resolve' | 'none' | 'stale';

/**
 * Whether `value` is past the threshold: `> 80` is not crossed by exactly 80 (001#51 "over 80%"), `>= 0.1`
 * is (SofaCover's breach of "error rate < 0.1 %", 002#26).
 *
 * @example crosses('>', 80, 80) // false
 */
export function crosses(op: ThresholdOp, value: number, limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

/**
 * One sample applied to a series: its new state and what it means for the series' alert. `fire` when the
 * breach has lasted long enough, `repeat` for each further breaching sample while firing, `resolve` on the
 * first sample back inside, `stale` (state unchanged) for a sample older than the last one.
 */
export function applySample(
  threshold: Threshold,
  state: SeriesState | null,
  sample: { readonly value: number; readonly atMs: number },
): { state: SeriesState; outcome: SampleOutcome } {
  if (state && sample.atMs < state.lastAtMs) return { state, outcome: 'stale' };
  const base = { lastValue: sample.value, lastAtMs: sample.atMs };
  if (!crosses(threshold.op, sample.value, threshold.value)) {
    return {
      state: { ...base, breachingSinceMs: null, firing: false },
      outcome: state?.firing ? 'resolve' : 'none',
    };
  }
  const since = state?.breachingSinceMs ?? sample.atMs;
  if (state?.firing) return { state: { ...base, breachingSinceMs: since, firing: true }, outcome: 'repeat' };
  const sustained = sample.atMs - since >= (threshold.sustainedForMs ?? 0);
  return {
    state: { ...base, breachingSinceMs: since, firing: sustained },
    outcome: sustained ? 'fire' : 'none',
  };
}

/**
 * A series' name: its labels in Prometheus' own notation, sorted, so the same labels in any order name the
 * same series. `{}` without labels.
 *
 * @example seriesLabels({ region: 'eu', host: 'web-1' }) // '{host="web-1",region="eu"}'
 */
export function seriesLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(labels![k])}`).join(',')}}`;
}
