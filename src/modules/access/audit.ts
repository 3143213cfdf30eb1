/**
 * The audit log (RELIABILITY S8): who did what to access, security settings, secrets and personal data.
 * Entries form a hash chain per workspace (`*` for account-level events such as sign-ins), appended by
 * `opsbook_audit_append` under an advisory lock, so concurrent writers never fork it. `verifyAudit`
 * recomputes the chain and checks it against the stored head: an edited, deleted, reordered, inserted or
 * truncated entry is reported.
 *
 * Data written here must never hold a secret: callers pass ids, emails and outcomes, not passwords,
 * tokens or codes.
 */
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';

/** The chain of account-level events (sign-ins, MFA changes) that belong to no one workspace. */
export const ACCOUNT_CHAIN = '*';

export interface AuditInput {
  readonly actor: string;
  readonly action: string;
  readonly target?: string;
  readonly data?: Record<string, unknown>;
}

/** Appends inside the caller's workspace transaction, so the entry commits with the change it records. */
export async function appendAudit(tx: Tx, at: Date, input: AuditInput): Promise<number> {
  const result = await tx.execute(
    sql`select opsbook_audit_append(${at.toISOString()}::timestamptz, ${input.actor}, ${input.action}, ${input.target ?? ''}, ${JSON.stringify(input.data ?? {})}::jsonb) as seq`,
  );
  return Number(rowsOf<{ seq: string | number }>(result)[0]!.seq);
}

/** Appends to the account chain in its own transaction. */
export function appendAccountAudit(database: Database, at: Date, input: AuditInput): Promise<number> {
  return database.inWorkspace(ACCOUNT_CHAIN, (tx) => appendAudit(tx, at, input));
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly data: Record<string, unknown>;
  readonly hash: string;
}

interface AuditRow {
  seq: string | number;
  at: Date | string;
  actor: string;
  action: string;
  target: string;
  data: Record<string, unknown> | string;
  hash: string;
}

/** The newest entries first, `before` a sequence number for paging. */
export async function listAudit(
  database: Database,
  workspaceId: string,
  options: { limit: number; before?: number | undefined },
): Promise<AuditEntry[]> {
  const before = options.before ?? Number.MAX_SAFE_INTEGER;
  const result = await database.inWorkspace(workspaceId, (tx) =>
    tx.execute(sql`select seq, at, actor, action, target, data, hash from audit_log
                    where workspace_id = ${workspaceId} and seq < ${before}
                    order by seq desc limit ${options.limit}`),
  );
  return rowsOf<AuditRow>(result).map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    hash: r.hash,
  }));
}

export interface AuditVerdict {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** What is wrong, first problem first; empty when ok. */
  readonly problems: readonly string[];
}

/** Recomputes every hash of a workspace's chain and checks links, numbering and the stored head. */
export async function verifyAudit(database: Database, workspaceId: string): Promise<AuditVerdict> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const rows = rowsOf<{
      id: string | number;
      seq: string | number;
      prev_hash: string;
      hash: string;
      expected: string;
    }>(
      await tx.execute(sql`select id, seq, prev_hash, hash,
                                  opsbook_audit_hash(prev_hash, seq, at, actor, action, target, data) as expected
                             from audit_log where workspace_id = ${workspaceId} order by seq, id`),
    );
    const headRow = rowsOf<{ seq: string | number; hash: string }>(
      await tx.execute(sql`select seq, hash from audit_heads where workspace_id = ${workspaceId}`),
    )[0];
    const problems: string[] = [];
    let prev = 'genesis';
    let lastId = 0;
    rows.forEach((row, i) => {
      const seq = Number(row.seq);
      if (seq !== i + 1) problems.push(`entry ${i + 1} is numbered ${seq}: an entry was deleted or inserted`);
      if (Number(row.id) < lastId)
        problems.push(`entry ${seq} was written before entry ${seq - 1}: reordered`);
      lastId = Number(row.id);
      if (row.prev_hash !== prev) problems.push(`entry ${seq} does not link to the entry before it`);
      if (row.hash !== row.expected) problems.push(`entry ${seq} was changed after it was written`);
      prev = row.hash;
    });
    const head = headRow ? { seq: Number(headRow.seq), hash: headRow.hash } : null;
    const last = rows.at(-1);
    const lastSeq = last ? Number(last.seq) : 0;
    if (head && lastSeq < head.seq) {
      problems.push(
        `the log ends at entry ${lastSeq} but its head records entry ${head.seq}: entries were removed`,
      );
    } else if (head && lastSeq > head.seq) {
      problems.push(
        `the log goes on past its head (entry ${head.seq}) to entry ${lastSeq}: entries were added`,
      );
    } else if (head && last && last.hash !== head.hash) {
      problems.push(`entry ${lastSeq} is not the entry its head records: it was replaced`);
    }
    if (!head && rows.length > 0) problems.push('the log has entries but no head: the head was removed');
    return { ok: problems.length === 0, entries: rows.length, head, problems };
  });
}
