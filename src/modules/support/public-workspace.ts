/**
 * Which workspace a public help-centre URL names, before any workspace is set: `/help/<slug>` (the address
 * people are given) or `/help/<workspace id>` (the CSAT link, the chat widget). Workspaces are tenant rows
 * (row-level security), so a slug is looked up by a SECURITY DEFINER function that answers one id for
 * one exact slug and nothing else; the name is then read inside that workspace's own transaction.
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { workspaces } from '../../store/schema.js';

export interface PublicWorkspace {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

/** Slugs are lower-case letters, digits and dashes; ids start with `ws_` (never a slug: no underscores). */
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

async function idBySlug(database: Database, slug: string): Promise<string | null> {
  const rows = rowsOf<{ id: string | null }>(
    await database.db.execute(sql`select opsbook_help_workspace(${slug}) as id`),
  );
  return rows[0]?.id ?? null;
}

/** The workspace of a public URL segment (slug or id); null when there is none. */
export async function findPublicWorkspace(database: Database, ref: string): Promise<PublicWorkspace | null> {
  const id = ref.startsWith('ws_') ? ref : SLUG.test(ref) ? await idBySlug(database, ref) : null;
  if (!id || id.length > 64) return null;
  const [row] = await database.inWorkspace(id, (tx) =>
    tx
      .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, id)),
  );
  return row ?? null;
}
