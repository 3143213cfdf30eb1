/**
 * A release's notes, written from the pack's template (`releases.template`; ShopSmart: "Release notes
 * written", 000#124) with the release's title, version, type and notes, and one line per bug it fixes: the
 * bugs the release links to and the bugs that link to it. Rendered when read, so notes follow the bugs
 * linked since; null when the pack has no template for them.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { renderTemplate } from '../../core/templates.js';
import type { Tx } from '../../store/database.js';
import { records } from '../../store/schema-ops.js';
import type { RecordRow } from './records.js';

export async function releaseNotes(
  tx: Tx,
  workspaceId: string,
  ep: EnginePolicy,
  release: RecordRow,
): Promise<{ template: string; text: string } | { template: string; error: string } | null> {
  const id = ep.policy.pack.releases?.template;
  const template = id ? ep.policy.templates[id] : undefined;
  if (!id || !template) return null;
  const linked = release.links.filter((l) => l.startsWith('bug:')).map((l) => l.slice('bug:'.length));
  const bugs = await tx
    .select({ ref: records.ref, title: records.title, number: records.number })
    .from(records)
    .where(
      and(
        eq(records.workspaceId, workspaceId),
        eq(records.kind, 'bug'),
        or(
          inArray(records.ref, linked.length > 0 ? linked : ['']),
          sql`${records.links} @> ${JSON.stringify([`release:${release.ref}`])}::jsonb`,
        ),
      ),
    )
    .orderBy(records.number);
  // The pack's first locale: release notes are for the team, in the language the pack writes them in.
  const rendered = renderTemplate(template, {
    locale: Object.keys(template.locales)[0],
    mode: 'deliver',
    values: {
      title: release.title,
      version: release.fields.version ?? '',
      release_type: release.fields.release_type ?? '',
      notes: release.fields.notes ?? '',
      fixed_bugs: bugs.map((b) => `- ${b.ref}: ${b.title}`).join('\n'),
    },
  });
  return rendered.ok ? { template: id, text: rendered.text.trim() } : { template: id, error: rendered.error };
}
