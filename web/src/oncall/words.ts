/** The words of the on-call pages: paths, names of members and targets, and hand-offs. */
import type { Member } from '../access-api';
import type { Layer } from '../oncall-api';
import { WEEKDAYS } from './zoned';

export const ONCALL_PATH = '/oncall';
export const POLICIES_PATH = '/oncall/policies';

export const ONCALL_TABS = [
  { path: ONCALL_PATH, name: 'On call' },
  { path: POLICIES_PATH, name: 'Escalation policies' },
] as const;

/** A member's name, or the id of someone who is no longer one. */
export const memberName = (members: readonly Member[], userId: string): string =>
  members.find((m) => m.userId === userId)?.name ?? userId;

/** `incident-commander` → "Incident commander". */
export function idWords(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const TARGET_KINDS = [
  { id: 'rotation', name: 'Rotation (who is on call)' },
  { id: 'user', name: 'Member' },
  { id: 'role', name: 'Role (everyone holding it)' },
  { id: 'contact', name: 'Pack contact' },
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number]['id'];

/** `rotation:incident-commander` → "Rotation: Incident Commander on-call rotation". */
export function targetWords(
  target: string,
  names: {
    members: readonly Member[];
    rotations: ReadonlyMap<string, string>;
    roles: ReadonlyMap<string, string>;
  },
): string {
  const at = target.indexOf(':');
  const kind = target.slice(0, at);
  const id = target.slice(at + 1);
  if (kind === 'user') return memberName(names.members, id);
  if (kind === 'rotation') return `On call: ${names.rotations.get(id) ?? idWords(id)}`;
  if (kind === 'role') return `Role: ${names.roles.get(id) ?? idWords(id)}`;
  if (kind === 'contact') return `Contact: ${idWords(id)}`;
  return target;
}

/** "Weekly, Monday 09:00" / "Daily 22:00, only 22:00–06:00". */
export function handoffWords(layer: Layer): string {
  const day = layer.handoff === 'weekly' ? `, ${WEEKDAYS[(layer.handoffDay ?? 1) - 1] ?? ''}` : '';
  const hours = layer.restrict ? `, only ${layer.restrict.from}–${layer.restrict.to}` : '';
  return `${layer.handoff === 'weekly' ? 'Weekly' : 'Daily'}${day} ${layer.handoffTime}${hours}`;
}
