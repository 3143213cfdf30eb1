/** Registers: vendors, backups and recovery, monitors, KPI targets, record kinds and plans. */
import type { RenderContext } from './context.js';
import { labelOf, levelLabel } from './context.js';
import { list, numberedSteps, quoted, section, table } from './markdown.js';
import { describeCadence, describeDuration, describeMeasure } from './words.js';

type Pack = RenderContext['pack'];
type Vendors = NonNullable<Pack['vendors']>;

function vendorCriteria(v: Vendors): string[] {
  if (v.criteria.length === 0) return [];
  const total = v.criteria.reduce((sum, c) => sum + c.weightPercent, 0);
  return [
    '### Evaluation criteria',
    '',
    table(
      ['Criterion', 'Weight', 'Scored by'],
      [...v.criteria.map((c) => [c.label, `${c.weightPercent}%`, c.scoring]), ['Total', `${total}%`, '']],
    ),
  ];
}

export function vendors({ pack }: RenderContext): string[] {
  const v = pack.vendors;
  if (!v) return [];
  const categories = v.categories.map((c) => [
    c.label,
    (c.examples ?? []).join(', '),
    c.risk,
    describeCadence(c.review),
  ]);
  const register = v.vendors.map((x) => [
    x.name,
    x.service,
    labelOf(v.categories, x.category),
    x.contractEnd,
    x.owner,
  ]);
  return section('Vendors', [
    ...(categories.length
      ? ['### Categories', '', table(['Category', 'Examples', 'Risk', 'Review'], categories)]
      : []),
    ...vendorCriteria(v),
    ...(register.length
      ? ['### Register', '', table(['Vendor', 'Service', 'Category', 'Contract end', 'Owner'], register)]
      : []),
  ]);
}

type Backups = NonNullable<Pack['backups']>;

function recovery(b: Backups): string[] {
  const objectives = (b.objectives ?? []).map((o) => [
    o.scenario,
    describeDuration(o.rto),
    describeDuration(o.rpo),
  ]);
  const procedures = (b.procedures ?? []).flatMap((p) => [
    `### Procedure: ${p.label}`,
    '',
    ...numberedSteps(p.steps),
  ]);
  return [
    ...(objectives.length
      ? ['### Recovery objectives', '', table(['Scenario', 'RTO', 'RPO'], objectives)]
      : []),
    ...procedures,
  ];
}

export function backups({ pack }: RenderContext): string[] {
  const b = pack.backups;
  if (!b) return [];
  const sets = b.sets.map((s) => [
    s.data,
    describeCadence(s.frequency),
    describeDuration(s.retention),
    s.location,
  ]);
  return section('Backups', [table(['Data', 'Frequency', 'Kept for', 'Location'], sets), ...recovery(b)]);
}

type Monitors = NonNullable<Pack['monitors']>;
type Period = NonNullable<Monitors['heartbeats']>[number]['period'];

const every = (period: Period | 'real-time') =>
  period === 'real-time'
    ? 'in real time'
    : typeof period === 'number'
      ? `every ${describeDuration(period)}`
      : describeCadence(period);

function thresholds(pack: Pack, m: Monitors): string[] {
  const rows = (m.thresholds ?? []).map((t) => [
    t.metric,
    describeMeasure(t.op, t.value, t.unit),
    t.sustainedFor !== undefined ? describeDuration(t.sustainedFor) : '',
    t.level ? levelLabel(pack, t.level.level, t.level.scale) : '',
  ]);
  return rows.length
    ? ['### Thresholds', '', table(['Metric', 'Alert when', 'For at least', 'Raises'], rows)]
    : [];
}

export function monitors({ pack }: RenderContext): string[] {
  const m = pack.monitors;
  if (!m) return [];
  const checks = (m.checks ?? []).map((c) => [c.label, c.kind, every(c.every), c.target ?? '']);
  const heartbeats = (m.heartbeats ?? []).map((h) => [h.label, every(h.period), describeDuration(h.grace)]);
  return section('Monitoring', [
    ...(checks.length ? ['### Checks', '', table(['Check', 'Kind', 'Runs', 'Target'], checks)] : []),
    ...(heartbeats.length
      ? ['### Heartbeats', '', table(['Heartbeat', 'Expected', 'Grace'], heartbeats)]
      : []),
    ...thresholds(pack, m),
  ]);
}

export function kpis({ pack }: RenderContext): string[] {
  if (!pack.kpis?.length) return [];
  return section('Targets', [
    table(
      ['Measure', 'Target', 'Over', 'Measured by'],
      pack.kpis.map((k) => [
        k.label,
        `${k.target.share !== undefined ? `${k.target.share}% ` : ''}${describeMeasure(k.target.op, k.target.value, k.target.unit)}`,
        k.scope ?? '',
        k.measuredBy ?? '',
      ]),
    ),
  ]);
}

export function records({ pack }: RenderContext): string[] {
  return (pack.records ?? []).flatMap((r) =>
    section(`Record: ${r.label}`, [
      ...quoted(r.quote),
      table(
        ['Field', 'Required', 'Format'],
        r.fields.map((f) => [f.name, f.required ? 'yes' : 'no', f.format]),
      ),
      ...(r.controls?.length ? ['Controls:', '', ...list(r.controls)] : []),
    ]),
  );
}

export function plans({ pack }: RenderContext): string[] {
  if (!pack.plans?.length) return [];
  const limits = (l: Record<string, number> | undefined) =>
    Object.entries(l ?? {})
      .map(([name, n]) => `${name}: ${n}`)
      .join(', ');
  return section('Plans', [
    table(
      ['Plan', 'Free trial', 'Uptime target', 'Data kept after cancelling', 'Limits'],
      pack.plans.map((p) => [
        p.label,
        p.trial !== undefined ? describeDuration(p.trial) : '',
        p.uptimeTarget !== undefined ? `${p.uptimeTarget}%` : '',
        p.dataRetentionAfterCancel !== undefined ? describeDuration(p.dataRetentionAfterCancel) : '',
        limits(p.limits),
      ]),
    ),
    ...pack.plans.flatMap((p) => (p.quote ? [`**${p.label}.** ${quoted(p.quote)[0]}`, ''] : [])),
  ]);
}
