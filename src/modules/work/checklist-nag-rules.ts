/**
 * When an overdue checklist item is nagged and escalated, as pure functions of the run's items and now
 * (the issue: "Overdue items nag and escalate per the pack"). The packs give checklists an owner and items
 * a due offset, but no nag schedule, so Opsbook's rule is:
 *
 * - **nag**: at an item's due instant, if it is still open, its owner (the item's `owner`, else the
 *   checklist's) is told, once;
 * - **escalate**: after a further grace, if it is still open, the checklist's owner is told (or, when the
 *   checklist has none or it is the same owner, the workspace's owners and admins), once. The grace is the
 *   item's own `due` offset when it has one (a step due 15 min after the run opens escalates 15 min after
 *   that: SOP-001 "Notify - Alert security team" is urgent), else 24 h (a daily run not done by the time
 *   the next one opens).
 *
 * Items due at the same instant for the same owner are told in one message. checklist-nags.ts reads, sends
 * (each message under its own idempotency key, so a repeated wake-up tells nobody twice) and sets the
 * next wake-up.
 */
import type { ChecklistItemStatus } from '../../store/schema-work.js';

export const DEFAULT_GRACE_MS = 24 * 3_600_000;

export type NagStage = 'due' | 'escalate';

export interface NagItem {
  readonly item: string;
  readonly text: string;
  readonly owner: string | null;
  readonly dueMs: number | null;
  /** The pack's `due` offset of the item, if it has one. */
  readonly offsetMs: number | null;
  readonly status: ChecklistItemStatus;
}

export interface NagGroup {
  readonly stage: NagStage;
  /** The due instant the items share. */
  readonly dueMs: number;
  /** The items' owner (`role:devops`), null: nobody in particular. */
  readonly owner: string | null;
  readonly items: readonly { readonly item: string; readonly text: string }[];
}

/** The grace after the due instant before an open item is escalated. */
export const graceOf = (item: Pick<NagItem, 'offsetMs'>): number =>
  item.offsetMs !== null && item.offsetMs > 0 ? item.offsetMs : DEFAULT_GRACE_MS;

/**
 * What is to be told at `nowMs`: per stage, due instant and owner, the open items whose instant has come.
 * An item whose escalation has come too is only escalated (a run caught up days late is one message per
 * owner, not two).
 */
export function nagsDue(items: readonly NagItem[], nowMs: number): NagGroup[] {
  const groups = new Map<string, NagGroup & { items: { item: string; text: string }[] }>();
  for (const i of items) {
    if (i.status !== 'open' || i.dueMs === null || i.dueMs > nowMs) continue;
    const stage: NagStage = i.dueMs + graceOf(i) <= nowMs ? 'escalate' : 'due';
    const key = `${stage}|${i.dueMs}|${i.owner ?? ''}`;
    const group = groups.get(key) ?? { stage, dueMs: i.dueMs, owner: i.owner, items: [] };
    group.items.push({ item: i.item, text: i.text });
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.dueMs - b.dueMs || a.stage.localeCompare(b.stage));
}

/** The next instant after `nowMs` at which an open item is nagged or escalated; null when none is left. */
export function nextNagMs(items: readonly NagItem[], nowMs: number): number | null {
  let next: number | null = null;
  for (const i of items) {
    if (i.status !== 'open' || i.dueMs === null) continue;
    for (const at of [i.dueMs, i.dueMs + graceOf(i)])
      if (at > nowMs && (next === null || at < next)) next = at;
  }
  return next;
}

/** The message's idempotency key for one person: a stage of one due instant of one run, once. */
export const nagKey = (runId: string, group: NagGroup, userId: string): string =>
  `checklist:${runId}:${group.stage}:${group.dueMs}:${group.owner ?? '-'}:${userId}`;
