/**
 * `npm run bench -- operations` (issue 10). Built so far: **audit verify** over 1,000,000 entries of one
 * workspace's hash-chained log on PostgreSQL (goal ≤ 5 s): the chain is written straight into the table
 * (hashes computed here the way `opsbook_audit_hash` does, and checked against it first), then
 * `verifyAudit` — what `opsbook audit verify` and the API run — recomputes every hash and link, three
 * times; the median is reported. No peer exists for this (the issue names none). Then the other
 * figures: recurring checklists for a year (operations-checklists.ts), the compliance report over 100,000
 * governed records (operations-compliance.ts), and backup and restore throughput of a 1 GB database
 * (operations-backup.ts).
 *
 * `OPSBOOK_BENCH_AUDIT_ENTRIES` sets the length (default 1,000,000).
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { verifyAudit } from '../src/modules/access/audit.js';
import { openPostgres } from '../src/store/postgres.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { createWorkspace } from '../test/support/fixtures.js';
import { fmt, machine, median } from './lib.js';
import { benchBackup } from './operations-backup.js';
import { benchChecklists } from './operations-checklists.js';
import { benchCompliance } from './operations-compliance.js';

const BATCH = 20_000;
const BASE_MS = Date.UTC(2026, 0, 1);

/** The canonical text `opsbook_audit_hash` hashes (migration 0006): fields joined by U+001F. */
function auditHash(prev: string, seq: number, atMicros: number, data: string): string {
  return createHash('sha256')
    .update(
      [prev, String(seq), String(atMicros), 'user:bench', 'member.role-changed', `user:u${seq}`, data].join(
        '\u001f',
      ),
    )
    .digest('hex');
}

async function writeChain(adminUrl: string, ws: string, entries: number): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    // The JavaScript hash must be the database's, or the chain would not verify: checked on one entry.
    const sample = await c.query<{ h: string }>(
      `select opsbook_audit_hash('genesis', 1, to_timestamp(${BASE_MS / 1000}), 'user:bench', 'member.role-changed', 'user:u1', '{"i": 1}'::jsonb) as h`,
    );
    if (sample.rows[0]!.h !== auditHash('genesis', 1, BASE_MS * 1000, '{"i": 1}'))
      throw new Error('bench hash differs from opsbook_audit_hash');
    let prev = 'genesis';
    for (let start = 1; start <= entries; start += BATCH) {
      const seqs: number[] = [];
      const ats: string[] = [];
      const datas: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (let seq = start; seq < Math.min(start + BATCH, entries + 1); seq++) {
        const atMs = BASE_MS + seq;
        const data = `{"i": ${seq}}`;
        const hash = auditHash(prev, seq, atMs * 1000, data);
        seqs.push(seq);
        ats.push(new Date(atMs).toISOString());
        datas.push(data);
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await c.query(
        `insert into audit_log (workspace_id, seq, at, actor, action, target, data, prev_hash, hash)
         select $1, s, a, 'user:bench', 'member.role-changed', 'user:u' || s, d::jsonb, p, h
           from unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) as t(s, a, d, p, h)`,
        [ws, seqs, ats, datas, prevs, hashes],
      );
    }
    await c.query(
      `insert into audit_heads (workspace_id, seq, hash) values ($1, $2, $3)
       on conflict (workspace_id) do update set seq = excluded.seq, hash = excluded.hash`,
      [ws, entries, prev],
    );
    await c.query('analyze audit_log');
  } finally {
    await c.end();
  }
}

/**
 * All four figures in one run; `OPSBOOK_BENCH_OPERATIONS=audit,checklists,compliance,backup` picks some
 * (each part's own environment variables set its sizes).
 */
export async function benchOperations(): Promise<void> {
  const parts = new Set(
    (process.env.OPSBOOK_BENCH_OPERATIONS ?? 'audit,checklists,compliance,backup').split(','),
  );
  if (parts.has('audit')) await benchAudit();
  if (parts.has('checklists')) await benchChecklists();
  if (parts.has('compliance')) await benchCompliance();
  if (parts.has('backup')) await benchBackup();
}

async function benchAudit(): Promise<void> {
  const entries = Number(process.env.OPSBOOK_BENCH_AUDIT_ENTRIES ?? 1_000_000);
  console.log(`operations: audit verify over ${fmt(entries)} entries on ${machine()}`);
  console.log('peer: none (the issue names none); figures stand alone');
  if (!postgresAvailable) {
    console.log(`skipped: PostgreSQL is required${postgresSkipReason}`);
    return;
  }
  const created = await createPostgresDatabase();
  await created.migrate();
  const database = await openPostgres({ url: created.appUrl, poolMax: 4, migrate: false });
  try {
    const ws = await createWorkspace(database, 'Audit bench');
    const writeStart = performance.now();
    await writeChain(created.url, ws, entries);
    console.log(`  chain written in ${fmt(performance.now() - writeStart)} ms`);
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const verdict = await verifyAudit(database, ws);
      times.push(performance.now() - start);
      if (!verdict.ok || verdict.entries !== entries)
        throw new Error(`the bench chain does not verify: ${verdict.problems.slice(0, 3).join('; ')}`);
    }
    const ms = median(times);
    console.log(
      `  audit verify: median ${fmt(ms)} ms (runs ${times.map((t) => fmt(t)).join(', ')} ms), ${fmt((entries / ms) * 1000)} entries/s; goal ≤ 5,000 ms: ${ms <= 5000 ? 'met' : 'NOT met'}; load average ${loadavg()[0]!.toFixed(2)}`,
    );
  } finally {
    await database.close();
    await created.drop();
  }
}
