/**
 * `deletion-before-read-only-ends`: a read-only state promises the customer access for a period (its
 * timed way out, e.g. "read-only access for 30 days" then cancelled). A timed transition out of that state
 * into a deleted or cancelled state that fires earlier breaks the promise: the data goes at 7 d while the
 * SOP says 30 d. States count as deletions when their id or label says deleted, cancelled or purged.
 */
import type { Pack } from '../schema/pack.js';
import { finding, readableDuration, type LintFinding } from './finding.js';

type Lifecycle = NonNullable<Pack['lifecycles']>[number];
type Transition = Lifecycle['transitions'][number];

const DELETION = /delet|cancel|purg/i;

interface TimedExit {
  readonly index: number;
  readonly to: string;
  readonly afterMs: number;
  readonly deletes: boolean;
}

export function deletionBeforeReadOnlyEnds(pack: Pack): LintFinding[] {
  return (pack.lifecycles ?? []).flatMap((lifecycle, l) =>
    lifecycle.states
      .filter((state) => state.readOnly)
      .flatMap((state) => earlyDeletions(lifecycle, state.id, l)),
  );
}

function earlyDeletions(lifecycle: Lifecycle, readOnly: string, l: number): LintFinding[] {
  const exits = timedExits(lifecycle, readOnly);
  // The read-only period ends with the state's longest timed way out that keeps the data, if any.
  const keeping = exits.filter((e) => !e.deletes);
  const period = longest(keeping.length > 0 ? keeping : exits);
  if (!period) return [];
  return exits
    .filter((e) => e.deletes && e.afterMs < period.afterMs)
    .map((e) =>
      finding(
        'deletion-before-read-only-ends',
        ['lifecycles', l, 'transitions', e.index, 'after'],
        `lifecycle \`${lifecycle.id}\`: \`${readOnly}\` → \`${e.to}\` fires after ${readableDuration(e.afterMs)}, ` +
          `but \`${readOnly}\` is read-only for ${readableDuration(period.afterMs)} (until → \`${period.to}\`): ` +
          'the data goes before the read-only period ends',
        `wait at least ${readableDuration(period.afterMs)}, or shorten the read-only period; ignore this if their guards never both hold`,
      ),
    );
}

/** Transitions that leave `state` on a timer alone (`after`, no event). */
function timedExits(lifecycle: Lifecycle, state: string): TimedExit[] {
  const deleting = new Set(
    lifecycle.states.filter((s) => DELETION.test(s.id) || DELETION.test(s.label)).map((s) => s.id),
  );
  return lifecycle.transitions.flatMap((t, index) =>
    t.after === undefined || t.on !== undefined || !leaves(t, state)
      ? []
      : [{ index, to: t.to, afterMs: t.after, deletes: deleting.has(t.to) }],
  );
}

function leaves(transition: Transition, state: string): boolean {
  const from = transition.from;
  return from === '*' || from === state || (Array.isArray(from) && from.includes(state));
}

function longest(exits: readonly TimedExit[]): TimedExit | undefined {
  return exits.reduce<TimedExit | undefined>(
    (best, e) => (!best || e.afterMs > best.afterMs ? e : best),
    undefined,
  );
}
