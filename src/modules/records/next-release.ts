/**
 * "Low: Minor UI or cosmetic issue (Fix in next scheduled update)" (company SOP 2.3, 001#86): a bug whose
 * fix target is `{ by: next-release }` is due when the next scheduled release ships (a release type with a
 * cadence; not a hotfix made as needed). When such a release ships (its pack's `releases.shippedOn`
 * step), every open, triaged bug with that target that the release does not
 * ship (neither links the other) is told the deploy's instant, and the engine starts its fix clock due
 * then: already past, so the bug is late. A bug the release ships, or fixed before any release, never gets
 * the clock.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { lifecycleFor } from '../../core/record-gates.js';
import type { Engine } from '../../engine/engine.js';
import type { Tx } from '../../store/database.js';
import { records } from '../../store/schema-ops.js';
import { subjectOf, subjectState, type RecordRow } from './records.js';

/** The bug levels whose fix is due by the next release (company-ops: `low`). */
function nextReleaseLevels(ep: EnginePolicy): Set<string> {
  const levels = new Set<string>();
  for (const scale of Object.values(ep.policy.scales)) {
    if (scale.for !== 'bug') continue;
    for (const level of Object.values(scale.levelsById)) {
      const fix = level.targets?.fix;
      if (fix && 'by' in fix && fix.by === 'next-release') levels.add(level.id);
    }
  }
  return levels;
}

export async function releaseDeployed(
  engine: Engine,
  tx: Tx,
  workspaceId: string,
  release: RecordRow,
  deployedMs: number,
  actor: string,
): Promise<void> {
  // Only a scheduled update counts ("next scheduled update"): a release type that ships on a cadence, not
  // one made as needed (a hotfix). Without release types, every release does.
  const { ep: releasePolicy } = await engine.policyFor(tx, workspaceId, subjectOf(release));
  const type = releasePolicy.policy.pack.releases?.types.find((t) => t.id === release.fields.release_type);
  if (type && 'on' in type.frequency && !('every' in type.frequency)) return;
  // Only bugs of a level due by the next release can be late: none in most packs, so nothing is read.
  const levels = [...nextReleaseLevels(releasePolicy)];
  if (levels.length === 0) return;
  const bugs = await tx
    .select()
    .from(records)
    .where(
      and(
        eq(records.workspaceId, workspaceId),
        eq(records.kind, 'bug'),
        isNull(records.endedAt),
        inArray(
          sql<string>`coalesce(${records.fields}->>'priority', ${records.fields}->>'severity')`,
          levels,
        ),
      ),
    );
  for (const bug of bugs) {
    if (release.links.includes(subjectOf(bug)) || bug.links.includes(subjectOf(release))) continue;
    const subject = subjectOf(bug);
    const { ep } = await engine.policyFor(tx, workspaceId, subject);
    const state = await subjectState(tx, workspaceId, subject);
    const level = state?.fields.priority ?? state?.fields.severity;
    if (!state || !state.open || state.clocks.fix || typeof level !== 'string') continue;
    if (!nextReleaseLevels(ep).has(level) || state.marks.triaged === undefined) continue;
    if (!lifecycleFor(ep, 'bug')) continue;
    await engine.handleIn(tx, workspaceId, {
      type: 'bug.release-deployed',
      subject,
      data: { next_release_deployed_ms: deployedMs, next_release: release.ref },
      actor,
    });
  }
}
