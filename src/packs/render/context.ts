/**
 * What every section renderer is handed: the pack, targets in words (with the pack's 24/7 calendars left
 * unmentioned), and labels for the ids that sections refer to. Built once per render; nothing is kept
 * between renders.
 */
import type { Pack } from '../schema/pack.js';
import { describeTarget, type Target } from './words.js';

export interface RenderContext {
  readonly pack: Pack;
  /** The ids of the pack's 24/7 calendars: a target on one of them is plain wall-clock time. */
  readonly alwaysOpen: ReadonlySet<string>;
  /** A target in words; on a 24/7 calendar, without mention of hours. */
  readonly target: (target: Target | undefined) => string;
}

export type SectionRenderer = (ctx: RenderContext) => string[];

export function renderContext(pack: Pack): RenderContext {
  const alwaysOpen = new Set((pack.calendars ?? []).filter((c) => c.hours === '24/7').map((c) => c.id));
  return { pack, alwaysOpen, target: (target) => describeTarget(target, alwaysOpen) };
}

/** The label of the item with this id, or the id itself when the pack has no such item. */
export function labelOf(items: readonly { id: string; label?: string }[] | undefined, id: string): string {
  return items?.find((item) => item.id === id)?.label ?? id;
}

/** The label of a level, looked up on the named scale, else on any scale that has it. */
export function levelLabel(pack: Pack, level: string, scale?: string): string {
  const scales = pack.scales ?? [];
  const on = scales.find((s) => s.id === scale) ?? scales.find((s) => s.levels.some((l) => l.id === level));
  return labelOf(on?.levels, level);
}
