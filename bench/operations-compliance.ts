/**
 * The compliance report over 100,000 governed records (issue 10, goal ≤ 2 s) on PostgreSQL. One ShopSmart
 * workspace gets, over 30 days, the records the engine keeps (`subjects` rows with the state it writes):
 * tickets with their first-response, resolution and channel clocks (24/7, WhatsApp hours, some paused
 * while waiting on the customer), SEV1-SEV4 incidents with SOP-003's stage deadlines and the SEV1 customer
 * notice, and accounts with no clock; plus post-incident review tasks and daily checklist runs. Some met,
 * some breached, some still running. Then `complianceReport` (what the API and the page run) over the last
 * 30 days, five times; the median is reported. No peer gives this report (the issue names none).
 *
 * `OPSBOOK_BENCH_COMPLIANCE_RECORDS` sets the number of records (default 100,000).
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import type { ClockState } from '../src/core/clocks.js';
import { seeded } from '../src/core/seeded.js';
import { complianceReport } from '../src/modules/compliance/report.js';
import { activatePack } from '../src/modules/packs/versions.js';
import { loadPack } from '../src/packs/load.js';
import { openPostgres } from '../src/store/postgres.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { createWorkspace } from '../test/support/fixtures.js';
import { fmt, machine, median } from './lib.js';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 1);
const BATCH = 10_000;

type Tracked = { clock: ClockState; source: string; warned: boolean; breachAnnounced: boolean };

/** A clock that started at `startMs` and, unless still running, stopped `doneMin` minutes later. */
function clock(
  id: string,
  source: string,
  targetMin: number,
  calendarId: string | null,
  startMs: number,
  doneMin: number | null,
  paused = false,
): [string, Tracked] {
  const stoppedAtMs = doneMin === null ? null : startMs + doneMin * MIN;
  const pauses = paused ? [{ fromMs: startMs + 5 * MIN, toMs: startMs + 65 * MIN, reason: 'pending' }] : [];
  return [
    id,
    {
      clock: {
        id,
        targetMs: targetMin * MIN,
        calendarId,
        startedAtMs: startMs,
        pauses,
        stoppedAtMs,
        retargets: [],
      },
      source,
      warned: false,
      breachAnnounced: false,
    },
  ];
}

function stateOf(
  kind: string,
  n: number,
  createdMs: number,
  fields: Record<string, string>,
  clocks: [string, Tracked][],
) {
  return {
    key: `${kind}:${n}`,
    kind,
    id: String(n),
    seq: 3,
    createdAtMs: createdMs,
    fields: { ...fields, status: 'open', title: `Record ${n}` },
    facts: {},
    marks: { created: createdMs },
    open: true,
    clocks: Object.fromEntries(clocks),
    escalations: {},
    journeys: {},
    lifecycles: {},
    timers: {},
  };
}

/** The records: 75 % tickets, 15 % incidents, 10 % accounts (no clock); done times drawn around the target. */
function records(count: number) {
  const random = seeded(10);
  const done = (targetMin: number) =>
    random() < 0.1 ? null : Math.round(targetMin * (0.2 + random() * 1.1));
  const out: { key: string; kind: string; state: string }[] = [];
  for (let n = 1; n <= count; n++) {
    const createdMs = NOW - Math.floor(random() * 30 * DAY);
    const pick = random();
    let state;
    if (pick < 0.75) {
      const [priority, fr, res] = (
        [
          ['p1', 15, 240],
          ['p2', 60, 1440],
          ['p3', 240, 2880],
        ] as const
      )[n % 3]!;
      const whatsapp = n % 5 === 0;
      state = stateOf('ticket', n, createdMs, { priority, channel: whatsapp ? 'whatsapp' : 'email' }, [
        clock('first-response', `sla-policy:default/${priority}`, fr, 'always', createdMs, done(fr)),
        clock(
          'resolution',
          `sla-policy:default/${priority}`,
          res,
          'always',
          createdMs,
          done(res),
          n % 10 === 0,
        ),
        whatsapp
          ? clock('channel-response', 'channel:whatsapp', 15, 'whatsapp-hours', createdMs, done(15))
          : clock('channel-response', 'channel:email', 1440, 'always', createdMs, done(1440)),
      ]);
    } else if (pick < 0.9) {
      const severity = `sev${1 + (n % 4)}`;
      const stages: [string, number][] = [
        ['detect', 0],
        ['assess-severity', 5],
        ['assemble-team', 10],
        ['communicate', 15],
        ['post-mortem', 2880],
      ];
      state = stateOf('incident', n, createdMs, { severity }, [
        ...stages.map(([id, min]) => clock(`stage:${id}`, `stage:${id}`, min, null, createdMs, done(min))),
        ...(severity === 'sev1'
          ? [clock('customer-notice', 'scale:incident-severity/sev1', 15, null, createdMs, done(15))]
          : []),
      ]);
    } else state = stateOf('account', n, createdMs, { plan: 'pro' }, []);
    out.push({ key: state.key, kind: state.kind, state: JSON.stringify(state) });
  }
  return out;
}

async function writeRecords(adminUrl: string, ws: string, hash: string, version: string, count: number) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const all = records(count);
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      await c.query(
        `insert into subjects (workspace_id, key, kind, pack_id, pack_version, pack_hash, state)
         select $1, k, kind, 'shopsmart-pro', $2, $3, s::jsonb from unnest($4::text[], $5::text[], $6::text[]) as t(k, kind, s)`,
        [ws, version, hash, batch.map((r) => r.key), batch.map((r) => r.kind), batch.map((r) => r.state)],
      );
    }
    // Incidents' post-incident reviews (due T+48 h) and a daily checklist's runs, some late or open.
    await c.query(
      `insert into tasks (id, workspace_id, key, title, subject, assignee, status, due_at, created_at, completed_at)
       select 'tsk_b' || k, $1, k || ':review#3', 'Post-incident review', k, 'role:incident-commander',
         case when (i % 5) = 0 then 'open' else 'done' end,
         to_timestamp((s->>'createdAtMs')::float8 / 1000) + interval '48 hours',
         to_timestamp((s->>'createdAtMs')::float8 / 1000),
         case when (i % 5) = 0 then null else to_timestamp((s->>'createdAtMs')::float8 / 1000) + (i % 60) * interval '1 hour' end
       from (select key as k, state as s, row_number() over () as i from subjects where kind = 'incident') x`,
      [ws],
    );
    await c.query(
      `insert into checklist_runs (id, workspace_id, checklist, label, pack_id, pack_hash, subject, effect_key, status, opened_at, due_at, completed_at)
       select 'run_b' || d, $1, 'daily-ops', 'Daily operations', 'shopsmart-pro', $2, 'schedule:daily-ops', 'b:' || d,
         case when d % 9 = 0 then 'open' else 'completed' end,
         $3::timestamptz - d * interval '1 day', $3::timestamptz - d * interval '1 day' + interval '10 hours',
         case when d % 9 = 0 then null else $3::timestamptz - d * interval '1 day' + (d % 12) * interval '1 hour' end
       from generate_series(1, 30) d`,
      [ws, hash, new Date(NOW).toISOString()],
    );
    await c.query('analyze subjects; analyze tasks; analyze checklist_runs');
  } finally {
    await c.end();
  }
}

export async function benchCompliance(): Promise<void> {
  const count = Number(process.env.OPSBOOK_BENCH_COMPLIANCE_RECORDS ?? 100_000);
  console.log(`operations: compliance report over ${fmt(count)} governed records on ${machine()}`);
  console.log('peer: none (no peer gives a report per SOP); figures stand alone');
  if (!postgresAvailable) {
    console.log(`skipped: PostgreSQL is required${postgresSkipReason}`);
    return;
  }
  const created = await createPostgresDatabase();
  await created.migrate();
  const database = await openPostgres({ url: created.appUrl, poolMax: 4, migrate: false });
  try {
    const ws = await createWorkspace(database, 'Compliance bench');
    const loaded = await loadPack('packs/shopsmart-pro');
    if (!loaded.ok) throw new Error('shopsmart-pro does not load');
    await activatePack(database, ws, loaded, 'bench', new Date(NOW - 60 * DAY));
    const writeStart = performance.now();
    await writeRecords(created.url, ws, loaded.hash, loaded.pack.pack.version, count);
    console.log(`  records written in ${fmt(performance.now() - writeStart)} ms`);
    const times: number[] = [];
    let steps = 0;
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      const report = await complianceReport(
        database,
        ws,
        { from: new Date(NOW - 30 * DAY), to: new Date(NOW) },
        new Date(NOW),
      );
      times.push(performance.now() - start);
      steps = report.packs.reduce((n, p) => n + p.steps, 0);
    }
    const ms = median(times);
    console.log(
      `  compliance report: median ${fmt(ms)} ms (runs ${times.map((t) => fmt(t)).join(', ')} ms), ${fmt(steps)} timed steps counted; goal ≤ 2,000 ms: ${ms <= 2000 ? 'met' : 'NOT met'}; load average ${loadavg()[0]!.toFixed(2)}`,
    );
  } finally {
    await database.close();
    // OPSBOOK_BENCH_COMPLIANCE_KEEP=1 keeps the database for EXPLAIN ANALYZE (printed, dropped by hand).
    if (process.env.OPSBOOK_BENCH_COMPLIANCE_KEEP === '1') console.log(`  kept: ${created.url}`);
    else await created.drop();
  }
}

// `npx tsx bench/operations-compliance.ts` runs it alone (bench/run.ts is not wired to it yet).
if (process.argv[1]?.endsWith('operations-compliance.ts')) await benchCompliance();
