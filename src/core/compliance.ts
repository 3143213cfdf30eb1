/**
 * The compliance report per SOP (issue 10, "Audit and compliance"): how often each timed step of a pack was
 * met, per pack version and period, e.g. "SEV1 · ASSESS SEVERITY (T+5 min): met in 12 of 14 incidents".
 * Pure: the shell gathers rows (one per record and step, or a count of alike records) with their verdicts,
 * and a `describe` callback names each step from the pack; this folds them into report lines.
 *
 * Verdicts follow the clocks module (src/core/clocks.ts `readClock`): a step done exactly at its due instant
 * is met (a stopped clock breaches only when it used more than its target); a step still running is not
 * met nor breached but "running", and counted past due once its due instant has come (a running clock is
 * breached from the instant its target is used up).
 *
 * @example
 * verdictOf(dueMs, doneMs, nowMs); // { verdict: 'met' | 'breached' | 'running', overdue }
 * buildComplianceReport(rows, describe, { fromMs, toMs, nowMs });
 */

export type Verdict = 'met' | 'breached' | 'running';

/** Tables of the report: clock families of a pack. */
export const FAMILIES = ['targets', 'stages', 'regulatory', 'clocks', 'tasks', 'checklists'] as const;
export type ComplianceFamily = (typeof FAMILIES)[number];

export interface VerdictOf {
  readonly verdict: Verdict;
  /** Running and past its due instant: breached so far. */
  readonly overdue: boolean;
}

/**
 * The verdict of a step from its due instant and when it was done. Done at or before the due: met; after:
 * breached; not done: running, overdue from the due instant on. No due (a paused clock): met when done.
 */
export function verdictOf(dueMs: number | null, doneMs: number | null, nowMs: number): VerdictOf {
  if (doneMs !== null)
    return { verdict: dueMs === null || doneMs <= dueMs ? 'met' : 'breached', overdue: false };
  return { verdict: 'running', overdue: dueMs !== null && dueMs <= nowMs };
}

/** A clock read on its calendar (`readClock`): its phase and whether it was stopped. */
export function verdictOfPhase(
  phase: 'running' | 'paused' | 'met' | 'breached',
  stopped: boolean,
): VerdictOf {
  if (stopped) return { verdict: phase === 'breached' ? 'breached' : 'met', overdue: false };
  return { verdict: 'running', overdue: phase === 'breached' };
}

/** One record's step (or `count` alike records' steps) with its verdict. */
export interface ComplianceRow {
  readonly packId: string;
  readonly packVersion: string;
  /** The kind of record it was on: `ticket`, `incident`, `bug`, `account`, `schedule`, … */
  readonly kind: string;
  /** The step: a clock id (`first-response`, `stage:assess-severity`), `review`, a checklist id, … */
  readonly step: string;
  /** Where its target came from (`scale:ticket-priority/p1`, `stage:assess-severity`), as the engine says. */
  readonly source: string;
  /** The record's priority or severity level, if it has one. */
  readonly level: string | null;
  readonly verdict: Verdict;
  readonly overdue: boolean;
  /** How many records this row stands for (a set-based query counts alike ones). */
  readonly count: number;
}

/** What the pack says of a step. */
export interface StepDescription {
  readonly family: ComplianceFamily;
  readonly label: string;
  /** The SOP's words for the step, when the pack quotes them. */
  readonly quote: string | null;
  /** The level as the SOP writes it ("SEV1 - Complete outage"), or null. */
  readonly levelLabel: string | null;
  /** Share of records that must meet it (a KPI's "95% within 1 hour"), else 100. */
  readonly targetPercent: number;
  /** The KPI the target came from, or null when it is the default 100 %. */
  readonly targetKpi: string | null;
  /** Sort key within the family: the pack's order of levels, then of steps. */
  readonly order: number;
}

export type DescribeStep = (row: ComplianceRow) => StepDescription;

export interface ComplianceLine {
  readonly step: string;
  readonly source: string;
  readonly kind: string;
  readonly level: string | null;
  readonly levelLabel: string | null;
  readonly label: string;
  readonly quote: string | null;
  /** Records with this step in the period: met + breached + running. */
  readonly total: number;
  readonly met: number;
  readonly breached: number;
  readonly running: number;
  /** Of the running ones, those already past due. */
  readonly overdue: number;
  /** met / (met + breached), one decimal; null when none is decided yet. */
  readonly percent: number | null;
  readonly targetPercent: number;
  readonly targetKpi: string | null;
  /** Whether the decided share reaches the target; null when none is decided. */
  readonly onTarget: boolean | null;
  /** "SEV1 · ASSESS SEVERITY: met in 12 of 14 incidents; 1 running, past due". */
  readonly text: string;
}

export interface ComplianceFamilyView {
  readonly family: ComplianceFamily;
  readonly title: string;
  readonly lines: readonly ComplianceLine[];
}

export interface CompliancePackView {
  readonly packId: string;
  readonly version: string;
  readonly title: string;
  /** Steps counted (each record counts once per step it has). */
  readonly steps: number;
  readonly families: readonly ComplianceFamilyView[];
}

export interface ComplianceReport {
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly packs: readonly CompliancePackView[];
}

export const FAMILY_TITLES: Readonly<Record<ComplianceFamily, string>> = {
  targets: 'Response, resolution and fix-by targets',
  stages: 'Stage deadlines',
  regulatory: 'Regulatory clocks',
  clocks: 'Other clocks',
  tasks: 'Tasks with a due date',
  checklists: 'Checklist runs',
};

const percentOf = (part: number, whole: number) =>
  whole > 0 ? Math.round((1000 * part) / whole) / 10 : null;

/** `incident` → `incidents`, for "met in 12 of 14 incidents". */
function nounOf(kind: string, family: ComplianceFamily, n: number): string {
  const word = family === 'checklists' ? 'runs' : family === 'tasks' ? 'tasks' : `${kind}s`;
  return n === 1 ? word.replace(/s$/, '') : word;
}

function textOf(line: Omit<ComplianceLine, 'text'>, family: ComplianceFamily): string {
  const head = [line.levelLabel ?? line.level, line.label].filter(Boolean).join(' · ');
  const decided = line.met + line.breached + line.overdue;
  const parts = [
    decided > 0
      ? `met in ${line.met} of ${decided} ${nounOf(line.kind, family, decided)} (${line.percent} %, target ${line.targetPercent} %)`
      : `none decided yet`,
  ];
  if (line.running > 0) {
    const past = line.overdue > 0 ? `, ${line.overdue} past due and counted as missed` : '';
    parts.push(`${line.running} running${past}`);
  }
  return `${head}: ${parts.join('; ')}`;
}

interface Counts {
  met: number;
  breached: number;
  running: number;
  overdue: number;
  first: ComplianceRow;
}

/** Folds rows into lines, one per (pack version, kind, step, source, level), grouped by family. */
export function buildComplianceReport(
  rows: readonly ComplianceRow[],
  describe: DescribeStep,
  at: { readonly fromMs: number; readonly toMs: number; readonly nowMs: number },
  packs: readonly { readonly packId: string; readonly version: string; readonly title: string }[] = [],
): ComplianceReport {
  const byPack = new Map<string, Map<string, Counts>>();
  const packKey = (id: string, version: string) => `${id}\u0000${version}`;
  for (const p of packs) byPack.set(packKey(p.packId, p.version), new Map<string, Counts>());
  for (const row of rows) {
    if (row.count <= 0) continue;
    const pk = packKey(row.packId, row.packVersion);
    let lines = byPack.get(pk);
    if (!lines) byPack.set(pk, (lines = new Map<string, Counts>()));
    const lk = [row.kind, row.step, row.source, row.level ?? ''].join('\u0000');
    let c = lines.get(lk);
    if (!c) lines.set(lk, (c = { met: 0, breached: 0, running: 0, overdue: 0, first: row }));
    c[row.verdict] += row.count;
    if (row.verdict === 'running' && row.overdue) c.overdue += row.count;
  }
  const titleOf = new Map(packs.map((p) => [packKey(p.packId, p.version), p.title]));
  const out: CompliancePackView[] = [];
  for (const [pk, lines] of byPack) {
    const [packId, version] = pk.split('\u0000') as [string, string];
    const described = [...lines.values()].map((c) => ({ c, d: describe(c.first) }));
    const families = FAMILIES.map((family) => ({
      family,
      title: FAMILY_TITLES[family],
      lines: described
        .filter(({ d }) => d.family === family)
        .sort((a, b) => a.d.order - b.d.order || a.d.label.localeCompare(b.d.label))
        .map(({ c, d }) => lineOf(c, d)),
    })).filter((f) => f.lines.length > 0);
    out.push({
      packId,
      version,
      title: titleOf.get(pk) ?? packId,
      steps: described.reduce((n, { c }) => n + c.met + c.breached + c.running, 0),
      families,
    });
  }
  out.sort((a, b) => a.packId.localeCompare(b.packId) || compareVersions(b.version, a.version));
  return {
    from: new Date(at.fromMs).toISOString(),
    to: new Date(at.toMs).toISOString(),
    generatedAt: new Date(at.nowMs).toISOString(),
    packs: out,
  };
}

function lineOf(c: Counts, d: StepDescription): ComplianceLine {
  // A step still open past its due instant can no longer be met in time: it counts against the share
  // ("daily checklist completed on 27 of 30 days" counts the three days never completed).
  const decided = c.met + c.breached + c.overdue;
  const percent = percentOf(c.met, decided);
  const line = {
    step: c.first.step,
    source: c.first.source,
    kind: c.first.kind,
    level: c.first.level,
    levelLabel: d.levelLabel,
    label: d.label,
    quote: d.quote,
    total: c.met + c.breached + c.running,
    met: c.met,
    breached: c.breached,
    running: c.running,
    overdue: c.overdue,
    percent,
    targetPercent: d.targetPercent,
    targetKpi: d.targetKpi,
    // Exact, not the rounded percent: 94.96 % is short of a 95 % target.
    onTarget: percent === null ? null : c.met * 100 >= d.targetPercent * decided,
  };
  return { ...line, text: textOf(line, d.family) };
}

/** Newest first: "1.10.0" after "1.9.0", numerically part by part. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const diff =
      Number.isFinite(nx) && Number.isFinite(ny) && x !== '' && y !== '' ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return diff;
  }
  return 0;
}
