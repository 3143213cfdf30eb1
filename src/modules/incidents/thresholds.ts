/**
 * Metric samples pushed to Opsbook, checked against the pack's thresholds (`monitors.thresholds`: company
 * SOP "CPU usage over 80%", 001#51; SofaCover's error rate and response time, 002#25-26). Each threshold
 * and label set is a series with its state in threshold_states; a series that crosses fires an alert
 * (dedup key `threshold:<id>:<labels>`, source `threshold:<id>`) and coming back inside resolves it,
 * through the same intake as every other alert, in the same transaction.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { applySample, seriesLabels, type SeriesState, type Threshold } from '../../core/thresholds.js';
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { rowsOf, type Tx } from '../../store/database.js';
import {
  inAlertTransaction,
  ingestAlertsIn,
  lockAlertKeys,
  MAX_ALERTS_PER_CALL,
  type AlertEvent,
} from './alerts.js';
import type { IncidentsContext } from './context.js';

export interface MetricSample {
  readonly metric: string;
  /** In the threshold's unit (`%` as 0-100, seconds for `s`). */
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** When it was measured; default now. */
  readonly at?: Date | undefined;
}

export interface SamplesResult {
  readonly accepted: number;
  /** Samples of a metric no threshold of the active pack watches. */
  readonly unwatched: number;
  /** Samples older than the series' last one: ignored. */
  readonly stale: number;
  readonly fired: number;
  readonly resolved: number;
  readonly incidents: number[];
}

interface PackThreshold extends Threshold {
  readonly unit: string | undefined;
  /** The alert's severity: the threshold's level, else `warning`. */
  readonly severity: string;
}

/** The active pack's thresholds by metric name (computed once per pack version). */
function thresholdsOf(ep: EnginePolicy | null): ReadonlyMap<string, readonly PackThreshold[]> {
  if (!ep) return new Map();
  return ep.memo('thresholds:by-metric', () => {
    const byMetric = new Map<string, PackThreshold[]>();
    for (const t of ep.policy.pack.monitors?.thresholds ?? []) {
      const list = byMetric.get(t.metric) ?? [];
      list.push({
        id: t.id,
        metric: t.metric,
        op: t.op,
        value: t.value,
        sustainedForMs: t.sustainedFor ?? 0,
        unit: t.unit,
        severity: t.level?.level ?? 'warning',
      });
      byMetric.set(t.metric, list);
    }
    return byMetric;
  });
}

/** `<threshold id>:<labels>`; labels too long for a key are named by their hash. */
function seriesOf(threshold: PackThreshold, labels: MetricSample['labels']): string {
  const named = seriesLabels(labels);
  const series = `${threshold.id}:${named}`;
  if (series.length <= 200) return series;
  return `${threshold.id}:#${createHash('sha256').update(named).digest('hex').slice(0, 32)}`;
}

/** How a value reads in a summary: `81%`, `2.4 s`; a plain count needs no unit. */
const unitOf = (t: PackThreshold) =>
  t.unit === undefined || t.unit === 'count' ? '' : t.unit === '%' ? '%' : ` ${t.unit}`;

function eventOf(
  t: PackThreshold,
  series: string,
  sample: MetricSample,
  state: SeriesState,
  outcome: 'fire' | 'repeat' | 'resolve',
): AlertEvent {
  const dedupKey = `threshold:${series}`;
  if (outcome === 'resolve') return { action: 'resolve', dedupKey };
  const labels: Record<string, string> = { ...(sample.labels ?? {}), metric: t.metric, threshold: t.id };
  const where = Object.keys(sample.labels ?? {}).length > 0 ? ` ${seriesLabels(sample.labels)}` : '';
  const event: AlertEvent = {
    action: 'trigger',
    dedupKey,
    summary: `${t.metric}${where} ${t.op} ${t.value}${unitOf(t)}: ${sample.value}${unitOf(t)}`,
    severity: t.severity,
    labels,
    details: {
      value: sample.value,
      op: t.op,
      threshold: t.value,
      unit: t.unit ?? null,
      sustainedForMs: t.sustainedForMs,
    },
    startedAt: new Date(state.breachingSinceMs ?? state.lastAtMs),
  };
  if (labels.service) event.service = labels.service;
  if (labels.component) event.component = labels.component;
  return event;
}

async function readStates(tx: Tx, workspaceId: string, series: string[]): Promise<Map<string, SeriesState>> {
  const rows = rowsOf<{
    series: string;
    last_value: number;
    last_at: Date | string;
    breaching_since: Date | string | null;
    firing: boolean;
  }>(
    await tx.execute(sql`
      select series, last_value, last_at, breaching_since, firing from threshold_states
       where workspace_id = ${workspaceId}
         and series = any(array(select jsonb_array_elements_text(${JSON.stringify(series)}::jsonb)))`),
  );
  return new Map(
    rows.map((r) => [
      r.series,
      {
        lastValue: Number(r.last_value),
        lastAtMs: new Date(r.last_at).getTime(),
        breachingSinceMs: r.breaching_since === null ? null : new Date(r.breaching_since).getTime(),
        firing: r.firing,
      },
    ]),
  );
}

async function writeStates(
  tx: Tx,
  workspaceId: string,
  states: ReadonlyMap<string, { threshold: string; state: SeriesState }>,
): Promise<void> {
  if (states.size === 0) return;
  const rows = [...states].map(([series, { threshold, state }]) => ({
    series,
    threshold,
    last_value: state.lastValue,
    last_at: new Date(state.lastAtMs).toISOString(),
    breaching_since: state.breachingSinceMs === null ? null : new Date(state.breachingSinceMs).toISOString(),
    firing: state.firing,
  }));
  await tx.execute(sql`
    insert into threshold_states (workspace_id, series, threshold, last_value, last_at, breaching_since, firing)
    select ${workspaceId}, r.series, r.threshold, r.last_value, r.last_at, r.breaching_since, r.firing
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as r(series text, threshold text, last_value real, last_at timestamptz, breaching_since timestamptz, firing boolean)
    on conflict (workspace_id, series) do update set
      threshold = excluded.threshold, last_value = excluded.last_value, last_at = excluded.last_at,
      breaching_since = excluded.breaching_since, firing = excluded.firing`);
}

async function activePolicy(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
): Promise<EnginePolicy | null> {
  try {
    return (await ctx.engine.activePolicyIn(tx, workspaceId)).ep;
  } catch (err) {
    if (err instanceof NoActivePackError) return null;
    throw err;
  }
}

/** How far ahead of the server's clock a sample's `at` may be (clock skew), in milliseconds. */
const MAX_SAMPLE_AHEAD_MS = 60_000;

/**
 * Applies samples in order in the caller's transaction: each against every threshold of its metric, the
 * series' state kept, and the alerts that fire or resolve ingested like any other.
 */
export async function ingestSamplesIn(
  ctx: IncidentsContext,
  tx: Tx,
  workspaceId: string,
  samples: readonly MetricSample[],
  actor: string,
): Promise<SamplesResult> {
  if (samples.length > MAX_ALERTS_PER_CALL)
    throw new OpsError(
      'OPS_BATCH_TOO_LARGE',
      `${samples.length} samples in one request; send at most ${MAX_ALERTS_PER_CALL}.`,
    );
  const nowMs = ctx.now().getTime();
  // A sample from the future (a sender's clock ahead) would make every real sample after it stale, so its
  // series could never fire or resolve again: refused, naming each.
  const ahead = samples.flatMap((sample, i) =>
    sample.at && sample.at.getTime() > nowMs + MAX_SAMPLE_AHEAD_MS
      ? [
          {
            pointer: `/body/samples/${i}/at`,
            message: `more than a minute ahead of the server's clock (${new Date(nowMs).toISOString()})`,
          },
        ]
      : [],
  );
  if (ahead.length > 0)
    throw new OpsError(
      'OPS_VALIDATION',
      `${ahead.length} sample(s) are dated in the future; check the sender's clock.`,
      ahead,
    );
  const byMetric = thresholdsOf(await activePolicy(ctx, tx, workspaceId));
  const watched = samples.flatMap((sample) =>
    (byMetric.get(sample.metric) ?? []).map((t) => ({ sample, t, series: seriesOf(t, sample.labels) })),
  );
  const keys = [...new Set(watched.map((w) => w.series))];
  await lockAlertKeys(
    tx,
    workspaceId,
    keys.map((s) => `threshold:${s}`),
  );
  const stored = await readStates(tx, workspaceId, keys);
  const changed = new Map<string, { threshold: string; state: SeriesState }>();
  const events = new Map<string, AlertEvent[]>();
  let stale = 0;
  let fired = 0;
  let resolved = 0;
  for (const { sample, t, series } of watched) {
    const before = changed.get(series)?.state ?? stored.get(series) ?? null;
    const { state, outcome } = applySample(t, before, {
      value: sample.value,
      atMs: sample.at?.getTime() ?? nowMs,
    });
    if (outcome === 'stale') {
      stale++;
      continue;
    }
    changed.set(series, { threshold: t.id, state });
    if (outcome === 'none') continue;
    if (outcome === 'fire') fired++;
    if (outcome === 'resolve') resolved++;
    const source = `threshold:${t.id}`;
    const list = events.get(source) ?? [];
    list.push(eventOf(t, series, sample, state, outcome));
    events.set(source, list);
  }
  await writeStates(tx, workspaceId, changed);
  const incidents = new Set<number>();
  for (const [source, list] of events) {
    const result = await ingestAlertsIn(ctx, tx, workspaceId, source, list, actor);
    for (const n of result.incidents) incidents.add(n);
  }
  const unwatched = samples.filter((s) => !byMetric.has(s.metric)).length;
  return {
    accepted: samples.length,
    unwatched,
    stale,
    fired,
    resolved,
    incidents: [...incidents].sort((a, b) => a - b),
  };
}

/** ingestSamplesIn in its own transaction, retried when it lost a race to another writer. */
export function ingestSamples(
  ctx: IncidentsContext,
  workspaceId: string,
  samples: readonly MetricSample[],
  actor: string,
): Promise<SamplesResult> {
  return inAlertTransaction(ctx, workspaceId, (tx) => ingestSamplesIn(ctx, tx, workspaceId, samples, actor));
}
