/**
 * Issue 10's backup figure: `opsbook backup` and `opsbook restore` throughput (MB/s) of a database of about
 * 1 GB on PostgreSQL. A throwaway database is migrated, given one workspace, and its bulkiest real tables
 * (timeline_events, effects, audit_log) are filled with INSERT … SELECT generate_series until
 * pg_database_size reaches the size asked; then the very functions the two commands run (writeDump;
 * verifyDump + loadDump into a fresh migrated database) are timed. MB/s is dump bytes (10^6) per second of
 * the whole command, connection and checks included; a restore reads the file twice (the checksum pass
 * before anything is touched, then the load), and its figure counts the file once.
 *
 * `OPSBOOK_BENCH_BACKUP_MB` sets the size (default 1024). Runs: median of 3 up to 256 MB, 1 run above (a
 * 1 GB round trip takes minutes on two shared cores); `OPSBOOK_BENCH_BACKUP_ROUNDS` overrides. No peer is
 * run; pg_dump/psql on the same data would be the natural one (noted in docs/benchmarks.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../src/config/config.js';
import { loadDump } from '../src/store/dump-load.js';
import { verifyDump } from '../src/store/dump-read.js';
import { openDumpSession } from '../src/store/dump-session.js';
import { writeDump } from '../src/store/dump-write.js';
import { openPostgres } from '../src/store/postgres.js';
import { createPostgresDatabase, postgresAvailable, postgresSkipReason } from '../test/support/databases.js';
import { createWorkspace } from '../test/support/fixtures.js';
import { fmt, machine, median } from './lib.js';

type DumpConfig = Pick<
  Config,
  'databaseUrl' | 'migrationDatabaseUrl' | 'dataDir' | 'databasePoolMax' | 'embeddedSharedBuffersMb'
>;

const BATCH_ROWS = 50_000;
const NOTE = `repeat(md5(g::text), 8)`; // 256 characters that do not compress (TOAST leaves < 2 kB alone)

/** One batch into each bulky table; `from` numbers the rows so keys stay unique. */
function fillStatements(ws: string, from: number): string[] {
  const range = `generate_series(${from}, ${from + BATCH_ROWS - 1}) g`;
  const at = `timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'`;
  return [
    `insert into timeline_events (workspace_id, subject, type, data, actor, occurred_at)
       select '${ws}', 'ticket:tkt_' || g, 'ticket.replied', jsonb_build_object('i', g, 'note', ${NOTE}), 'user:bench', ${at} from ${range}`,
    `insert into effects (workspace_id, key, subject, type, at, data)
       select '${ws}', 'bench:' || g, 'ticket:tkt_' || g, 'notify', ${at}, jsonb_build_object('channel', 'email', 'note', ${NOTE}) from ${range}`,
    `insert into audit_log (workspace_id, seq, at, actor, action, target, data, prev_hash, hash)
       select '${ws}', g, ${at}, 'user:bench', 'member.role-changed', 'user:u' || g, jsonb_build_object('note', ${NOTE}), md5(g::text), md5((g + 1)::text) from ${range}`,
  ];
}

async function fill(adminUrl: string, ws: string, targetBytes: number): Promise<number> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    let size = 0;
    for (let from = 1; size < targetBytes; from += BATCH_ROWS) {
      for (const statement of fillStatements(ws, from)) await c.query(statement);
      const { rows } = await c.query<{ size: string }>('select pg_database_size(current_database()) as size');
      size = Number(rows[0]!.size);
    }
    await c.query('vacuum analyze');
    return size;
  } finally {
    await c.end();
  }
}

const configOf = (created: { url: string; appUrl: string }): DumpConfig => ({
  databaseUrl: created.appUrl,
  migrationDatabaseUrl: created.url,
  dataDir: '',
  databasePoolMax: 2,
  embeddedSharedBuffersMb: 16,
});

export async function benchBackup(): Promise<void> {
  const targetMb = Number(process.env.OPSBOOK_BENCH_BACKUP_MB ?? 1024);
  const rounds = Number(process.env.OPSBOOK_BENCH_BACKUP_ROUNDS ?? (targetMb <= 256 ? 3 : 1));
  console.log(`operations: backup and restore of a ~${fmt(targetMb)} MB database on ${machine()}`);
  if (!postgresAvailable) {
    console.log(`skipped: PostgreSQL is required${postgresSkipReason}`);
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'opsbook-bench-backup-'));
  const file = join(folder, 'bench.sql');
  const source = await createPostgresDatabase();
  try {
    await source.migrate();
    const app = await openPostgres({ url: source.appUrl, poolMax: 2, migrate: false });
    const ws = await createWorkspace(app, 'Backup bench').finally(() => app.close());
    const fillStart = performance.now();
    const dbBytes = await fill(source.url, ws, targetMb * 1024 * 1024);
    console.log(
      `  database filled to ${fmt(dbBytes / 2 ** 20)} MiB (pg_database_size) in ${fmt((performance.now() - fillStart) / 1000, 1)} s`,
    );
    const backups: number[] = [];
    const restores: number[] = [];
    let dumpBytes = 0;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      const session = await openDumpSession(configOf(source), 'backup');
      const result = await writeDump(session, file, {
        opsbookVersion: 'bench',
        createdAt: new Date(),
      }).finally(() => session.close());
      backups.push((performance.now() - start) / 1000);
      dumpBytes = result.bytes;

      const target = await createPostgresDatabase();
      try {
        await target.migrate();
        const restoreStart = performance.now();
        const dump = await verifyDump(file);
        const into = await openDumpSession(configOf(target), 'restore');
        await loadDump(into, dump).finally(() => into.close());
        restores.push((performance.now() - restoreStart) / 1000);
      } finally {
        await target.drop();
      }
    }
    const mbs = (seconds: number) => dumpBytes / 1_000_000 / seconds;
    const runs = rounds === 1 ? '1 run' : `median of ${rounds}`;
    const line = (name: string, times: number[]) =>
      `  ${name}: ${fmt(mbs(median(times)), 1)} MB/s (${runs}: ${times.map((t) => `${fmt(t, 1)} s`).join(', ')})`;
    console.log(`  dump: ${fmt(dumpBytes / 1_000_000)} MB (10^6 bytes)`);
    console.log(line('backup', backups));
    console.log(line('restore (checksum pass + load in one transaction)', restores));
    // The filling runs in PostgreSQL, so this process's peak memory is the dump's and the restore's.
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(`  peak RSS of this process ${fmt(peakMb)} MB; load average ${loadavg()[0]!.toFixed(2)}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await source.drop();
  }
}
