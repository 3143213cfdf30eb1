/**
 * A person opens a run of a one-off checklist by hand: ShopSmart's QA sign-off (SOP-007: "QA Sign-off
 * Criteria", opened by the QA process, not by an event the pack names). Only a checklist with neither a
 * `schedule` (the engine opens those on time) nor a `trigger` (its event opens it) is opened this way;
 * anything else is refused with the reason and changes nothing.
 *
 * The run belongs to a record when one is named (`release:12`, which must exist, so its completion tells
 * the engine there); otherwise to `checklist:<id>`, whose timeline is the history of that checklist's runs.
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { NoActivePackError, type Engine } from '../../engine/engine.js';
import { loadSubject } from '../../engine/subjects.js';
import { appendTimeline } from '../../engine/timeline.js';
import { OpsError } from '../../errors/catalog.js';
import type { Tx } from '../../store/database.js';
import { openRuns } from './checklist-open.js';
import { getRun, type RunView } from './checklists.js';

const refuse = (message: string, pointer: string) =>
  new OpsError('OPS_VALIDATION', message, [{ pointer, message }]);

/** The checklists a person may open by hand, by id. */
export function openableByHand(ep: EnginePolicy): string[] {
  return Object.values(ep.policy.checklists)
    .filter((c) => !c.schedule && !c.trigger)
    .map((c) => c.id)
    .sort();
}

/**
 * Opens a run of `checklist` on `subject` (or `checklist:<id>`) at `at`.
 *
 * @example await openRunByHand(tx, engine, ws, { checklist: 'qa-sign-off' }, 'user:usr_…', now)
 */
export async function openRunByHand(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  input: { readonly checklist: string; readonly subject?: string | undefined },
  actor: string,
  at: Date,
): Promise<RunView> {
  const subject = input.subject ?? `checklist:${input.checklist}`;
  const record = input.subject ? await loadSubject(tx, workspaceId, input.subject) : null;
  if (input.subject && !record)
    throw refuse(
      `There is no record "${input.subject}" in this workspace; name an existing one (e.g. release:12, account:EST-7) or leave "subject" out.`,
      '/body/subject',
    );
  let governing;
  try {
    governing = record
      ? await engine.policyFor(tx, workspaceId, subject)
      : await engine.activePolicyIn(tx, workspaceId);
  } catch (err) {
    if (err instanceof NoActivePackError) throw new OpsError('OPS_NO_ACTIVE_PACK');
    throw err;
  }
  const { ep } = governing;
  const checklist = ep.policy.checklists[input.checklist];
  const openable = openableByHand(ep);
  const choose =
    openable.length > 0
      ? `one of: ${openable.join(', ')}`
      : 'none can be: every checklist of this pack opens by itself';
  if (!checklist)
    throw refuse(
      `The pack ${ep.policy.id} has no checklist "${input.checklist}"; open ${choose}.`,
      '/body/checklist',
    );
  if (checklist.schedule)
    throw refuse(
      `"${checklist.label}" is recurring: its runs open on its schedule, not by hand. Open ${choose}.`,
      '/body/checklist',
    );
  if (checklist.trigger)
    throw refuse(
      `"${checklist.label}" opens when "${checklist.trigger.event}" happens: send that event instead. Open ${choose}.`,
      '/body/checklist',
    );
  const atMs = at.getTime();
  const [runId] = await openRuns(tx, workspaceId, ep, [
    { type: 'checklist', checklist: checklist.id, key: `hand:${subject}:${atMs}:${actor}`, atMs, subject },
  ]);
  if (!runId)
    throw new OpsError('OPS_CONFLICT', 'This run was just opened by the same person; nothing was changed.');
  await appendTimeline(tx, workspaceId, {
    subject,
    type: 'checklist.opened',
    actor,
    data: { run: runId, checklist: checklist.id, label: checklist.label },
    occurredAt: at,
  });
  return getRun(tx, workspaceId, runId);
}
