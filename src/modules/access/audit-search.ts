/**
 * Finding and exporting audit entries (issue 10: "searchable in the web app; exportable"): by who (actor),
 * what (action, e.g. `member.` for every membership change), on what (target), and when (from, to). Actor
 * and action match a prefix, case-sensitively, as the log writes them; the target matches exactly
 * (`REL-1` must not find `REL-10`). The export streams every matching entry
 * oldest first in pages of 5,000 — as CSV for a spreadsheet or as JSON lines with each entry's hash, so the
 * chain can be recomputed away from Opsbook — without holding the log in memory.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import type { AuditEntry } from './audit.js';

export interface AuditFilter {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly target?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

const EXPORT_PAGE = 5000;

interface AuditRow {
  seq: string | number;
  at: Date | string;
  actor: string;
  action: string;
  target: string;
  data: Record<string, unknown> | string;
  hash: string;
}

/** `like` with the filter's own `%`, `_` and `\` taken literally. */
const prefix = (value: string) => `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function conditions(workspaceId: string, filter: AuditFilter): SQL {
  const parts: SQL[] = [sql`workspace_id = ${workspaceId}`];
  if (filter.actor) parts.push(sql`actor like ${prefix(filter.actor)}`);
  if (filter.action) parts.push(sql`action like ${prefix(filter.action)}`);
  if (filter.target) parts.push(sql`target = ${filter.target}`);
  if (filter.from) parts.push(sql`at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) parts.push(sql`at < ${filter.to.toISOString()}::timestamptz`);
  return sql.join(parts, sql` and `);
}

function entryOf(r: AuditRow): AuditEntry {
  return {
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    hash: r.hash,
  };
}

/** The newest matching entries first, `before` a sequence number for paging. */
export async function searchAudit(
  database: Database,
  workspaceId: string,
  filter: AuditFilter & { readonly limit: number; readonly before?: number | undefined },
): Promise<AuditEntry[]> {
  const before = filter.before ?? Number.MAX_SAFE_INTEGER;
  const result = await database.inWorkspace(workspaceId, (tx) =>
    tx.execute(sql`select seq, at, actor, action, target, data, hash from audit_log
                   where ${conditions(workspaceId, filter)} and seq < ${before}
                   order by seq desc limit ${filter.limit}`),
  );
  return rowsOf<AuditRow>(result).map(entryOf);
}

/** Every matching entry, oldest first, a page at a time (each page its own short transaction). */
export async function* exportAudit(
  database: Database,
  workspaceId: string,
  filter: AuditFilter,
): AsyncGenerator<AuditEntry[]> {
  let after = 0;
  for (;;) {
    const result = await database.inWorkspace(workspaceId, (tx) =>
      tx.execute(sql`select seq, at, actor, action, target, data, hash from audit_log
                     where ${conditions(workspaceId, filter)} and seq > ${after}
                     order by seq asc limit ${EXPORT_PAGE}`),
    );
    const page = rowsOf<AuditRow>(result).map(entryOf);
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.seq;
    if (page.length < EXPORT_PAGE) return;
  }
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break; a text starting like a formula (`=`,
 * `+`, `-`, `@`, tab, CR) is prefixed with `'` so a spreadsheet shows it instead of running it (OWASP CSV
 * injection).
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = 'seq,at,actor,action,target,data,hash\r\n';

export function csvLine(e: AuditEntry): string {
  return `${[e.seq, e.at, e.actor, e.action, e.target, JSON.stringify(e.data), e.hash].map(csvField).join(',')}\r\n`;
}
