/**
 * What an agent may set on a ticket, checked against the pack that governs it: a priority is a level of
 * its ticket scale, a tier one of its tiers, a category one its desk or knowledge names, a channel one of
 * its customer channels, an escalation target one its matrix or tiers name. Pure: the pack is passed in.
 */
import type { FieldError } from '../../errors/catalog.js';
import { OpsError } from '../../errors/catalog.js';
import type { Frozen } from '../../packs/compile.js';
import type { Pack } from '../../packs/schema/pack.js';

type PackLike = Pick<Frozen<Pack>, 'scales' | 'tiers' | 'desk' | 'knowledge' | 'channels' | 'escalations'>;

/** Statuses an agent sets by hand (resolve and reopen have their own routes). */
export const SETTABLE_STATUSES = ['open', 'pending', 'waiting', 'on-hold'] as const;

/** Channels every workspace has besides its pack's: the API itself and a logged phone call. */
const BUILT_IN_CHANNELS = ['api', 'phone'];

export const priorityLevels = (pack: PackLike): string[] =>
  (pack.scales ?? []).find((s) => s.for === 'ticket')?.levels.map((l) => l.id) ?? [];

export const tierIds = (pack: PackLike): string[] => (pack.tiers ?? []).map((t) => t.id);

/** The desk's categories and those its knowledge items answer (Smart Estate names them only there). */
export function categoryIds(pack: PackLike): string[] {
  const ids = [
    ...(pack.desk?.categories ?? []).map((c) => c.id),
    ...(pack.knowledge ?? []).flatMap((k) => k.categories ?? []),
  ];
  return [...new Set(ids)];
}

export const channelIds = (pack: PackLike): string[] => [
  ...new Set([
    ...BUILT_IN_CHANNELS,
    ...(pack.channels ?? []).filter((c) => c.audience === 'customer').map((c) => c.id),
  ]),
];

/** The channel a logged call counts under: the pack's phone (or voice) channel, else `phone`. */
export const phoneChannel = (pack: PackLike): string =>
  (pack.channels ?? []).find((c) => c.audience === 'customer' && (c.kind === 'phone' || c.kind === 'voice'))
    ?.id ?? 'phone';

/** Where a person may escalate to: the pack's tiers and every target its escalation rules name. */
export const escalationTargets = (pack: PackLike): string[] => [
  ...new Set([...tierIds(pack).map((t) => `tier:${t}`), ...(pack.escalations ?? []).map((e) => e.to)]),
];

export interface TicketFieldValues {
  readonly priority?: string | undefined;
  readonly category?: string | undefined;
  readonly tier?: string | undefined;
  readonly channel?: string | undefined;
  readonly escalateTo?: string | undefined;
}

function oneOf(
  errors: FieldError[],
  pointer: string,
  value: string | undefined,
  allowed: string[],
  what: string,
) {
  if (value === undefined || allowed.includes(value)) return;
  errors.push({
    pointer,
    message: allowed.length
      ? `"${value}" is not ${what} of the active pack; use one of: ${allowed.join(', ')}`
      : `the active pack defines no ${what.replace(/^an? /, '')}s`,
  });
}

/** Throws OPS_VALIDATION naming every field the pack does not know, at `pointerOf(field)`. */
export function checkTicketFields(
  pack: PackLike,
  values: TicketFieldValues,
  pointerOf: (field: string) => string = (field) => `/body/${field}`,
): void {
  const errors: FieldError[] = [];
  const levels = priorityLevels(pack);
  if (levels.length) oneOf(errors, pointerOf('priority'), values.priority, levels, 'a priority level');
  oneOf(errors, pointerOf('tier'), values.tier, tierIds(pack), 'a tier');
  const categories = categoryIds(pack);
  if (categories.length) oneOf(errors, pointerOf('category'), values.category, categories, 'a category');
  oneOf(errors, pointerOf('channel'), values.channel, channelIds(pack), 'a customer channel');
  oneOf(errors, pointerOf('to'), values.escalateTo, escalationTargets(pack), 'an escalation target');
  if (errors.length) throw new OpsError('OPS_VALIDATION', errors.map((e) => e.message).join('; '), errors);
}
