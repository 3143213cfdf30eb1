/**
 * Secrets pasted into records (a password in a ticket, an API key in a chat) are masked for everyone as
 * they arrive; the original is kept sealed under the workspace's data key, and only people with
 * `secrets.reveal` can read it, each reading written to the audit log. Smart Estate: secrets are never
 * kept in tickets or screenshots; the company SOP: "AES-256 for sensitive data".
 */
import { and, eq } from 'drizzle-orm';
import { maskSecrets } from '../../core/secret-scan.js';
import { OpsError } from '../../errors/catalog.js';
import type { KeyService } from '../../security/keys.js';
import { newId } from '../../shared/ids.js';
import { mapStrings } from '../../shared/json.js';
import type { Database } from '../../store/database.js';
import { maskedSecrets } from '../../store/schema.js';
import { appendAudit } from './audit.js';

export interface MaskedField {
  readonly field: string;
  readonly kinds: string[];
  readonly secretId: string;
}

const SEALED_FIELD = 'masked_secrets.sealed';

/**
 * Masks the secrets found in the string fields of an event (nested objects and arrays too) and stores
 * each changed field's original, sealed. Returns the masked data and what was masked (never the values).
 */
export async function maskIncoming<T extends Readonly<Record<string, unknown>>>(
  database: Database,
  keys: KeyService,
  workspaceId: string,
  subject: string,
  data: T,
  now: Date,
): Promise<{ data: T; masked: MaskedField[] }> {
  const found: { field: string; original: string; kinds: string[]; id: string }[] = [];
  // Strings stay strings, so the masked data keeps its type.
  const masked = mapStrings(data, (text, field) => {
    const result = maskSecrets(text);
    if (result.findings.length === 0) return text;
    found.push({
      field,
      original: text,
      kinds: [...new Set(result.findings.map((f) => f.kind))],
      id: newId('sec', now.getTime()),
    });
    return result.text;
  }) as T;
  if (found.length === 0) return { data, masked: [] };
  // Sealed before the transaction opens (the data key may need its own query first).
  const sealed = await Promise.all(
    found.map((f) => keys.seal(workspaceId, f.original, { field: SEALED_FIELD, recordId: f.id })),
  );
  await database.inWorkspace(workspaceId, async (tx) => {
    await tx.insert(maskedSecrets).values(
      found.map((f, i) => ({
        id: f.id,
        workspaceId,
        subject,
        field: f.field,
        kind: f.kinds.join(','),
        sealed: sealed[i]!,
        createdAt: now,
      })),
    );
    await appendAudit(tx, now, {
      actor: 'system',
      action: 'secret.masked',
      target: subject,
      data: { fields: found.map((f) => ({ field: f.field, kinds: f.kinds, secretId: f.id })) },
    });
  });
  return { data: masked, masked: found.map((f) => ({ field: f.field, kinds: f.kinds, secretId: f.id })) };
}

/** The original of a masked field, for an admin; the reading is audited. */
export async function revealSecret(
  database: Database,
  keys: KeyService,
  workspaceId: string,
  secretId: string,
  actor: string,
  now: Date,
): Promise<{ subject: string; field: string; kinds: string[]; original: string }> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(maskedSecrets)
      .where(and(eq(maskedSecrets.workspaceId, workspaceId), eq(maskedSecrets.id, secretId))),
  );
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No masked secret "${secretId}" in this workspace.`);
  const original = await keys.open(workspaceId, row.sealed, { field: SEALED_FIELD, recordId: row.id });
  await database.inWorkspace(workspaceId, (tx) =>
    appendAudit(tx, now, {
      actor,
      action: 'secret.revealed',
      target: secretId,
      data: { subject: row.subject, field: row.field },
    }),
  );
  return { subject: row.subject, field: row.field, kinds: row.kind.split(','), original };
}
