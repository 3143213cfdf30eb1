/**
 * What the workspace's active packs name for the help-desk setup: support tiers (an agent's queues),
 * customer channels (what mail to a support address counts as) and ticket categories (what an article
 * answers). Admin input is checked against these lists, so a typo does not silently match nothing.
 */
import { and, eq } from 'drizzle-orm';
import type { Pack } from '../../packs/schema/pack.js';
import type { Tx } from '../../store/database.js';
import { packVersions } from '../../store/schema.js';

export interface Named {
  readonly id: string;
  readonly label: string;
}

export interface DeskLists {
  readonly tiers: readonly Named[];
  /** Customer-facing channels, with their kind (`email`, `whatsapp`, …). */
  readonly channels: readonly (Named & { readonly kind: string })[];
  readonly ticketCategories: readonly Named[];
}

/** The lists of every active pack of the workspace (first pack wins on a shared id). */
export async function activeDeskLists(tx: Tx, workspaceId: string): Promise<DeskLists> {
  const rows = await tx
    .select({ document: packVersions.document })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
    .orderBy(packVersions.packId);
  const tiers = new Map<string, Named>();
  const channels = new Map<string, Named & { kind: string }>();
  const categories = new Map<string, Named>();
  for (const { document } of rows) {
    const pack = document as Pack;
    for (const t of pack.tiers ?? []) if (!tiers.has(t.id)) tiers.set(t.id, { id: t.id, label: t.label });
    for (const c of pack.channels ?? [])
      if (c.audience === 'customer' && !channels.has(c.id))
        channels.set(c.id, { id: c.id, label: c.label, kind: c.kind });
    for (const c of pack.desk?.categories ?? [])
      if (!categories.has(c.id)) categories.set(c.id, { id: c.id, label: c.label });
  }
  return {
    tiers: [...tiers.values()],
    channels: [...channels.values()],
    ticketCategories: [...categories.values()],
  };
}

/** The ids of `given` that are not in `known` (nothing is unknown when the packs name none at all). */
export function unknownIds(given: readonly string[], known: readonly Named[]): string[] {
  if (known.length === 0) return [];
  const ids = new Set(known.map((k) => k.id));
  return given.filter((g) => !ids.has(g));
}
