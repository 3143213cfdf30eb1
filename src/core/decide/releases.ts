/**
 * A release's rollback window (ShopSmart SOP-005: "Hotfix | Immediate", "Patch | 24 hours", "Minor | 48
 * hours", "Major | 1 week"): it opens when the release ships (the transition on `releases.shippedOn`,
 * default `deployed`, which leaves that mark) and closes after the release type's `rollbackWindow`, counted from the deploy.
 *
 * The window is never shorter than the monitoring hour ("Monitor (1 hour)"): a failure seen while the
 * deploy is watched is rolled back, whatever the type. So a hotfix ("Immediate", 000#106 reading B: no grace
 * window after the deploy) can be rolled back during its monitoring hour and not after; the pack's README
 * records the choice.
 *
 * While open the record says `rollback_window: open` and when it ends (`rollback_window_ends`); when it
 * closes, `rollback_window: closed`, so the pack's rollback transition can be guarded on it
 * (`{ field: rollback_window, ne: closed }`) and the release moves `on: rollback-window.closed` (Announce →
 * Released) once it is announced.
 */
import type { Ctx } from './context.js';
import { lifecycleEvent } from './lifecycles.js';

const TIMER = 'release:rollback-window';
const CLOSED_MARK = 'rollback-window-closed';

/** The event at which the pack's releases ship (`releases.shippedOn`, default `deployed`). */
export const shippedOn = (ctx: Pick<Ctx, 'ep'>): string =>
  ctx.ep.policy.pack.releases?.shippedOn ?? 'deployed';

/** When the window of a release deployed at `deployedMs` closes; null when its type has no window. */
export function rollbackWindowEnd(ctx: Pick<Ctx, 'ep' | 's'>, deployedMs: number): number | null {
  const releases = ctx.ep.policy.pack.releases;
  const typeId = ctx.s.fields.release_type ?? ctx.s.fields.type;
  const type = releases?.types.find((t) => t.id === typeId);
  if (!type || !('within' in type.rollbackWindow)) return null;
  return deployedMs + Math.max(type.rollbackWindow.within, releases?.monitorFor ?? 0);
}

export function releaseTimers(ctx: Ctx, wake: (name: string, atMs: number | null) => void): void {
  if (ctx.s.kind !== 'release') return;
  const deployedMs = ctx.s.marks[shippedOn(ctx)];
  if (deployedMs === undefined) return;
  // The monitoring hour, as the record shows it: incidents declared in it are linked to the release.
  const monitorMs = ctx.ep.policy.pack.releases?.monitorFor;
  if (monitorMs !== undefined)
    ctx.s.fields.monitoring_ends ??= new Date(deployedMs + monitorMs).toISOString();
  if (ctx.s.marks[CLOSED_MARK] === undefined) {
    const endsMs = rollbackWindowEnd(ctx, deployedMs);
    if (endsMs === null) return;
    ctx.s.fields.rollback_window_ends = new Date(endsMs).toISOString();
    if (endsMs > ctx.nowMs) {
      ctx.s.fields.rollback_window = 'open';
      return wake(TIMER, endsMs);
    }
    ctx.s.marks[CLOSED_MARK] = endsMs;
    ctx.s.fields.rollback_window = 'closed';
    wake(TIMER, null);
  }
  // A release announced before its window closed is released when it closes; one announced after (a hotfix
  // whose window ends with its monitoring hour) is released at once. Other states do not move on it.
  lifecycleEvent(ctx, 'rollback-window.closed');
}
