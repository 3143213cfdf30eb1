/**
 * `opsbook audit verify --workspace <id> [--json]`: recomputes a workspace's audit log hash chain (company
 * SOP 004: an operationally important action is recorded; issue 10: "an edit or deletion is detected by
 * `opsbook audit verify`") and says whether it is whole. `--workspace '*'` checks the accounts' own chain
 * (sign-ins, security settings). Exit 0 when whole, 1 with each problem when not (or no such workspace).
 * Keep the printed head (entry number and hash) somewhere else: a rewrite of the whole log and its head
 * together is then detected too, by comparing.
 */
import { eq } from 'drizzle-orm';
import type { Config } from '../config/config.js';
import { ACCOUNT_CHAIN, verifyAudit, type AuditVerdict } from '../modules/access/audit.js';
import { openDatabase } from '../store/open.js';
import { workspaces } from '../store/schema.js';

export const AUDIT_USAGE = `opsbook audit verify --workspace <id> [--json]

  --workspace   the workspace id (ws_…), or '*' for the accounts' own chain (sign-ins, security settings).
  --json        print the verdict as JSON: { ok, entries, head: { seq, hash }, problems }.`;

export function describeVerdict(name: string, verdict: AuditVerdict): string {
  const head = verdict.head ? `head: entry ${verdict.head.seq}, ${verdict.head.hash}` : 'no head';
  if (verdict.ok)
    return `${name}: the audit log is whole: ${verdict.entries} ${verdict.entries === 1 ? 'entry' : 'entries'}, ${head}.\n`;
  return `${name}: the audit log was tampered with: ${verdict.problems.length} ${verdict.problems.length === 1 ? 'problem' : 'problems'} in ${verdict.entries} entries (${head}):\n${verdict.problems.map((p) => `  - ${p}\n`).join('')}`;
}

export async function auditVerifyCommand(
  config: Config,
  input: { readonly workspace: string; readonly json: boolean },
  out: (text: string) => void,
): Promise<boolean> {
  const database = await openDatabase(config);
  try {
    let name = 'the accounts chain';
    if (input.workspace !== ACCOUNT_CHAIN) {
      // Row-level security shows a workspace's row only inside its own transaction: the id is needed.
      const [found] = await database.inWorkspace(input.workspace, (tx) =>
        tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, input.workspace)),
      );
      if (!found) {
        out(`No workspace "${input.workspace}" (use its id, ws_…, shown on the Admin page).\n`);
        return false;
      }
      name = found.name;
    }
    const verdict = await verifyAudit(database, input.workspace);
    out(input.json ? `${JSON.stringify(verdict)}\n` : describeVerdict(name, verdict));
    return verdict.ok;
  } finally {
    await database.close();
  }
}
