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

/** The newest entries first, filtered and paged (audit-search.ts). */
export { searchAudit as listAudit } from './audit-search.js';

export interface AuditVerdict {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** What is wrong, first problem first; empty when ok. */
  readonly problems: readonly string[];
}

/** The most problems a verdict lists (a log rewritten from its start would otherwise list every entry). */
const MAX_PROBLEMS = 1000;

/**
 * Recomputes every hash of a workspace's chain and checks links, numbering and the stored head. The
 * database walks the chain (a window over the entries in order) and sends back only the entries that are
 * wrong and the last one, so a million entries are checked without a million rows crossing the wire.
 */
export async function verifyAudit(database: Database, workspaceId: string): Promise<AuditVerdict> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const wrong = rowsOf<{
      rn: string | number;
      seq: string | number;
      renumbered: boolean;
      reordered: boolean;
      unlinked: boolean;
      changed: boolean;
    }>(
      await tx.execute(sql`
        with chain as (
          select seq, id, hash, prev_hash,
                 row_number() over w as rn,
                 coalesce(lag(hash) over w, 'genesis') as expected_prev,
                 lag(id) over w as prev_id,
                 opsbook_audit_hash(prev_hash, seq, at, actor, action, target, data) as expected
            from audit_log where workspace_id = ${workspaceId}
          window w as (order by seq, id))
        select rn, seq, seq <> rn as renumbered, coalesce(id < prev_id, false) as reordered,
               prev_hash <> expected_prev as unlinked, hash <> expected as changed
          from chain
         where seq <> rn or id < prev_id or prev_hash <> expected_prev or hash <> expected
         order by rn limit ${MAX_PROBLEMS}`),
    );
    const [summary] = rowsOf<{ entries: string | number }>(
      await tx.execute(sql`select count(*) as entries from audit_log where workspace_id = ${workspaceId}`),
    );
    const [last] = rowsOf<{ seq: string | number; hash: string }>(
      await tx.execute(sql`select seq, hash from audit_log where workspace_id = ${workspaceId}
                            order by seq desc, id desc limit 1`),
    );
    const headRow = rowsOf<{ seq: string | number; hash: string }>(
      await tx.execute(sql`select seq, hash from audit_heads where workspace_id = ${workspaceId}`),
    )[0];
    const problems: string[] = [];
    for (const row of wrong) {
      const rn = Number(row.rn);
      const seq = Number(row.seq);
      if (row.renumbered) problems.push(`entry ${rn} is numbered ${seq}: an entry was deleted or inserted`);
      if (row.reordered) problems.push(`entry ${seq} was written before entry ${seq - 1}: reordered`);
      if (row.unlinked) problems.push(`entry ${seq} does not link to the entry before it`);
      if (row.changed) problems.push(`entry ${seq} was changed after it was written`);
    }
    if (wrong.length === MAX_PROBLEMS)
      problems.push(`… and maybe more: only the first ${MAX_PROBLEMS} wrong entries are listed`);
    const entries = Number(summary?.entries ?? 0);
    const head = headRow ? { seq: Number(headRow.seq), hash: headRow.hash } : null;
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
    if (!head && entries > 0) problems.push('the log has entries but no head: the head was removed');
    return { ok: problems.length === 0, entries, head, problems };
  });
}
