/**
 * The compliance report per SOP (issue 10): for each pack version that governed records of a workspace,
 * how often each timed step was met in a period. A few set-based statements in one read-only snapshot
 * (none per record):
 *
 * - the engine's clocks, read from each governed record's state (`subjects.state.clocks`: SLA targets,
 *   stage and regulatory deadlines, fix-by and any other clock a pack gives a record). "Verdicts come from
 *   the record" (DESIGN.md): a clock on the wall clock that was never paused is decided in SQL from
 *   its start, target and stop, and counted there; any other (a business calendar, a pause, a retarget) is
 *   fetched by its record's key and read here with `readClock` on the calendar of the pack version that
 *   governs it, as the engine does;
 * - the tasks the engine and the incident room raised with a due date (the post-incident review, follow-up
 *   actions, action items), done by their due date or not;
 * - checklist runs with a due instant, completed by it or not.
 *
 * A step counts in the period in which it started: a clock from its anchor, a task from its creation, a
 * checklist run from its opening. Still running is "running" (past due when its due instant has come).
 */
import { sql, type SQL } from 'drizzle-orm';
import { readClock, type ClockState } from '../../core/clocks.js';
import {
  buildComplianceReport,
  verdictOfPhase,
  type ComplianceReport,
  type ComplianceRow,
  type DescribeStep,
  type Verdict,
} from '../../core/compliance.js';
import { prepare, type EnginePolicy } from '../../core/decide/prepare.js';
import { OpsError } from '../../errors/catalog.js';
import { compilePack } from '../../packs/compile.js';
import type { Pack } from '../../packs/schema/pack.js';
import type { Database, Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { describeSteps } from './steps.js';

export interface ComplianceQuery {
  readonly from: Date;
  readonly to: Date;
  /** Only this pack's versions. */
  readonly pack?: string | undefined;
  /**
   * Count restricted (security) incidents too: only for those who may see them (`security-incidents.read`),
   * as the incident dashboard does; a count alone would tell of a breach. Default false.
   */
  readonly seesRestricted?: boolean | undefined;
}

/** A verdict class as SQL decides it: `overdue` is running past due. Null: read in JavaScript. */
type Class = 'met' | 'breached' | 'running' | 'overdue' | null;
type Num = number | string | null;

interface ClockRow {
  pack_id: string;
  pack_version: string;
  pack_hash: string;
  kind: string;
  level: string | null;
  step: string;
  source: string | null;
  class: Class;
  clock: ClockState | string | null;
  n: Num;
}

/** A prepared pack version (its calendars) and its describer, by content hash: a version never changes. */
const prepared = new Map<string, { ep: EnginePolicy; describe: DescribeStep }>();
const MAX_PREPARED = 200;

/** `met`, `breached`, `running` or `overdue`, from a due instant and a done instant (both SQL). */
const classOf = (due: SQL, done: SQL, nowMs: number) => sql`case
  when ${done} is not null then (case when ${done} <= ${due} then 'met' else 'breached' end)
  when ${due} <= ${nowMs}::float8 then 'overdue' else 'running' end`;

const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;

function verdictOfClass(c: Exclude<Class, null>): { verdict: Verdict; overdue: boolean } {
  return c === 'overdue' ? { verdict: 'running', overdue: true } : { verdict: c, overdue: false };
}

/** A text[] literal, each element quoted with `"` and `\` escaped: one parameter, however many values. */
const textArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;

async function clockRows(
  tx: Tx,
  ws: string,
  q: ComplianceQuery,
  nowMs: number,
  subjectFilter: SQL,
  alwaysOpen: readonly string[],
): Promise<ClockRow[]> {
  // Each field by its path (#>>): taking `k.value->'clock'` first copies the clock for every field, and
  // jsonb_to_record builds a record of it; both were several times slower over 300,000 clocks.
  const field = (name: string) => sql.raw(`(k.value #>> '{clock,${name}}')`);
  const started = sql`${field('startedAtMs')}::float8`;
  const due = sql`(${started} + ${field('targetMs')}::float8)`;
  const stopped = sql`${field('stoppedAtMs')}::float8`;
  // On the wall clock (no calendar, or one open 24/7 without holidays: `<pack hash>/<calendar id>`), never
  // paused: the due instant is start + its current target (a retarget moves when a breach began, not
  // whether there was one: readClock), so the verdict is decided here and counted.
  // Any other clock is its own group, `*<record key>`, read in JavaScript below.
  const simple = sql`((${field('calendarId')} is null or (s.pack_hash || '/' || ${field('calendarId')}) = any(${textArray(alwaysOpen)}::text[]))
    and k.value #> '{clock,pauses}' = '[]'::jsonb)`;
  const grouped = rowsOf<Omit<ClockRow, 'class' | 'clock'> & { bucket: string }>(
    await tx.execute(sql`
      select s.pack_id, s.pack_version, s.pack_hash, s.kind,
        coalesce(s.state #>> '{fields,priority}', s.state #>> '{fields,severity}') as level,
        k.key as step, k.value->>'source' as source,
        case when ${simple} then ${classOf(due, stopped, nowMs)} else '*' || s.key end as bucket,
        count(*) as n
      from subjects s cross join lateral jsonb_each(s.state->'clocks') k
      where s.workspace_id = ${ws} ${subjectFilter}
        and ${started} >= ${q.from.getTime()}::float8 and ${started} < ${q.to.getTime()}::float8
      group by 1, 2, 3, 4, 5, 6, 7, 8
    `),
  );
  const wanted = grouped.filter((r) => r.bucket.startsWith('*'));
  const clocks = new Map<string, ClockState | string>();
  // By primary key, in chunks (an index scan; joining on the keys made PostgreSQL hash the whole table),
  // with only the clock names asked for.
  for (let i = 0; i < wanted.length; i += 5000) {
    const chunk = wanted.slice(i, i + 5000);
    const found = rowsOf<{ key: string; step: string; clock: ClockState | string }>(
      await tx.execute(sql`
        select s.key, k.key as step, k.value->'clock' as clock
        from subjects s cross join lateral jsonb_each(s.state->'clocks') k
        where s.workspace_id = ${ws} and s.key = any(${textArray([...new Set(chunk.map((r) => r.bucket.slice(1)))])}::text[])
          and k.key = any(${textArray([...new Set(chunk.map((r) => r.step))])}::text[])
      `),
    );
    for (const f of found) clocks.set(`${f.key}\u0000${f.step}`, f.clock);
  }
  return grouped.map(({ bucket, ...r }) =>
    bucket.startsWith('*')
      ? { ...r, class: null, clock: clocks.get(`${bucket.slice(1)}\u0000${r.step}`) ?? null }
      : { ...r, class: bucket as Exclude<Class, null>, clock: null },
  );
}

async function taskRows(tx: Tx, ws: string, q: ComplianceQuery, nowMs: number, subjectFilter: SQL) {
  // The step of a task, from its key: `incident:<id>:action:<task>`, `<subject>:review#7`,
  // `<subject>:follow-up:<id>#7`; any other task by its title.
  return rowsOf<Omit<ClockRow, 'clock'>>(
    await tx.execute(sql`
      select s.pack_id, s.pack_version, s.pack_hash, s.kind,
        coalesce(s.state->'fields'->>'priority', s.state->'fields'->>'severity') as level,
        case when t.key like '%:action:%' then 'action-items'
          when t.key ~ ':review(#[0-9]+)?$' then 'review'
          when t.key ~ ':follow-up:' then 'follow-up:' || substring(t.key from ':follow-up:([^#:]+)')
          else 'task:' || t.title end as step,
        'task' as source,
        ${classOf(epochMs(sql`t.due_at`), epochMs(sql`coalesce(t.completed_at, case when t.status = 'done' then t.due_at end)`), nowMs)} as class,
        count(*) as n
      from tasks t join subjects s on s.workspace_id = t.workspace_id and s.key = t.subject
      where t.workspace_id = ${ws} ${subjectFilter} and t.due_at is not null
        and t.created_at >= ${q.from.toISOString()}::timestamptz and t.created_at < ${q.to.toISOString()}::timestamptz
      group by 1, 2, 3, 4, 5, 6, 7, 8
    `),
  );
}

async function checklistRows(
  tx: Tx,
  ws: string,
  q: ComplianceQuery,
  nowMs: number,
  pack: string | undefined,
  subjectFilter: SQL,
) {
  return rowsOf<Omit<ClockRow, 'clock'>>(
    await tx.execute(sql`
      select r.pack_id, coalesce(pv.version, r.pack_hash) as pack_version, r.pack_hash,
        split_part(r.subject, ':', 1) as kind, null as level, r.checklist as step, 'checklist' as source,
        ${classOf(epochMs(sql`r.due_at`), epochMs(sql`r.completed_at`), nowMs)} as class,
        count(*) as n
      from checklist_runs r
        left join pack_versions pv on pv.workspace_id = r.workspace_id and pv.pack_id = r.pack_id and pv.hash = r.pack_hash
      where r.workspace_id = ${ws} ${pack === undefined ? sql`` : sql`and r.pack_id = ${pack}`} ${subjectFilter}
        and r.due_at is not null
        and r.opened_at >= ${q.from.toISOString()}::timestamptz and r.opened_at < ${q.to.toISOString()}::timestamptz
      group by 1, 2, 3, 4, 5, 6, 7, 8
    `),
  );
}

interface VersionRow {
  pack_id: string;
  version: string;
  hash: string;
  title: string;
  active: boolean;
}

/** The prepared versions of the hashes asked for, reading the documents of those not prepared yet. */
async function preparedFor(tx: Tx, ws: string, hashes: readonly string[]) {
  const missing = hashes.filter((h) => !prepared.has(h));
  if (missing.length > 0) {
    const docs = rowsOf<{ hash: string; document: Pack | string }>(
      await tx.execute(sql`select distinct on (hash) hash, document from pack_versions
        where workspace_id = ${ws} and hash in (${sql.join(
          missing.map((h) => sql`${h}`),
          sql`, `,
        )})`),
    );
    if (prepared.size + docs.length > MAX_PREPARED) prepared.clear();
    for (const d of docs) {
      const document = (typeof d.document === 'string' ? JSON.parse(d.document) : d.document) as Pack;
      const policy = compilePack(document, d.hash);
      prepared.set(d.hash, { ep: prepare(policy), describe: describeSteps(policy.pack) });
    }
  }
  return prepared;
}

/**
 * The report of a period, as of `now`.
 *
 * @example await complianceReport(db, ws, { from, to }, new Date())
 */
export async function complianceReport(
  database: Database,
  workspaceId: string,
  q: ComplianceQuery,
  now: Date,
): Promise<ComplianceReport> {
  const nowMs = now.getTime();
  return database.inWorkspace(
    workspaceId,
    async (tx) => {
      const versions = rowsOf<VersionRow>(
        await tx.execute(sql`select pack_id, version, hash, title, active from pack_versions
          where workspace_id = ${workspaceId} ${q.pack === undefined ? sql`` : sql`and pack_id = ${q.pack}`}`),
      );
      if (q.pack !== undefined && versions.length === 0)
        throw new OpsError('OPS_NOT_FOUND', `This workspace runs no pack "${q.pack}".`, [
          {
            pointer: '/querystring/pack',
            message: 'name a pack the workspace runs (see /packs), or leave it out',
          },
        ]);
      // Compiling the statements (JIT) costs more than it saves here; and a hash aggregate, not a sort of
      // every clock, groups them (few groups, but for the clocks read in JavaScript). Local to this report.
      await tx.execute(
        sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true), set_config('enable_sort', 'off', true)`,
      );
      const policies = await preparedFor(tx, workspaceId, [...new Set(versions.map((v) => v.hash))]);
      const alwaysOpen = [...policies].flatMap(([hash, p]) =>
        [...p.ep.calendars].filter(([, calendar]) => calendar.alwaysOpen).map(([id]) => `${hash}/${id}`),
      );
      const hidden = q.seesRestricted
        ? []
        : rowsOf<{ key: string }>(
            await tx.execute(
              sql`select 'incident:' || number as key from incidents where workspace_id = ${workspaceId} and restricted`,
            ),
          ).map((r) => r.key);
      const unseen = (column: SQL) =>
        hidden.length === 0 ? sql`` : sql`and ${column} <> all(${textArray(hidden)}::text[])`;
      const subjectFilter = sql`${q.pack === undefined ? sql`` : sql`and s.pack_id = ${q.pack}`} ${unseen(sql.raw('s.key'))}`;
      const clocks = await clockRows(tx, workspaceId, q, nowMs, subjectFilter, alwaysOpen);
      const tasks = await taskRows(tx, workspaceId, q, nowMs, subjectFilter);
      const runs = await checklistRows(tx, workspaceId, q, nowMs, q.pack, unseen(sql.raw('r.subject')));
      const all = [
        ...clocks,
        ...tasks.map((t) => ({ ...t, clock: null })),
        ...runs.map((r) => ({ ...r, clock: null })),
      ];
      const rows = all.map((r) => toRow(r, policies.get(r.pack_hash)?.ep ?? null, nowMs));
      const describers = new Map<string, DescribeStep>();
      for (const r of all) {
        const p = policies.get(r.pack_hash);
        const key = `${r.pack_id}\u0000${r.pack_version}`;
        if (p && !describers.has(key)) describers.set(key, p.describe);
      }
      const describe: DescribeStep = (row) =>
        (describers.get(`${row.packId}\u0000${row.packVersion}`) ?? fallbackDescribe)(row);
      const shown = versions.filter(
        (v) => v.active || all.some((r) => r.pack_id === v.pack_id && r.pack_version === v.version),
      );
      return buildComplianceReport(
        rows,
        describe,
        { fromMs: q.from.getTime(), toMs: q.to.getTime(), nowMs },
        [
          ...new Map(
            shown.map((v) => [
              `${v.pack_id}\u0000${v.version}`,
              { packId: v.pack_id, version: v.version, title: v.title },
            ]),
          ).values(),
        ],
      );
    },
    { report: true },
  );
}

/** A step of a version whose document is gone (never expected: versions are kept): its ids as labels. */
const fallbackDescribe: DescribeStep = (row) => ({
  family: row.source === 'task' ? 'tasks' : row.source === 'checklist' ? 'checklists' : 'clocks',
  label: row.step,
  quote: null,
  levelLabel: null,
  targetPercent: 100,
  targetKpi: null,
  order: 0,
});

function toRow(r: ClockRow, ep: EnginePolicy | null, nowMs: number): ComplianceRow {
  let decided: { verdict: Verdict; overdue: boolean };
  if (r.class !== null) decided = verdictOfClass(r.class);
  else {
    const clock = (typeof r.clock === 'string' ? JSON.parse(r.clock) : r.clock) as ClockState | null;
    const calendar = ep && clock ? ep.calendar(clock.calendarId) : null;
    // A record changed between the two statements cannot be: one snapshot. A clock gone is running.
    decided =
      calendar && clock
        ? verdictOfPhase(
            readClock(clock, calendar, nowMs).phase,
            clock.stoppedAtMs !== null && clock.stoppedAtMs <= nowMs,
          )
        : { verdict: 'running', overdue: false };
  }
  return {
    packId: r.pack_id,
    packVersion: r.pack_version,
    kind: r.kind,
    step: r.step,
    source: r.source ?? r.step,
    level: r.level,
    ...decided,
    count: Number(r.n ?? 0),
  };
}
