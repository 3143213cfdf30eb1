/**
 * Compiles a validated pack into the policy the engine runs: one immutable object, indexed by id for what
 * the engine looks up on every decision (a level's targets, a calendar, a channel, a template, …), and
 * carrying the pack's content hash so every governed record can name the exact version it ran under.
 * The policy is a deep-frozen copy: the caller's pack is left as it was, and nothing the engine holds
 * can be changed under a running record.
 */
import type { Pack } from './schema/pack.js';

/** A value and everything it contains, read-only. */
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

/** Items by id; a lookup of an unknown id is `undefined` (the index has no prototype). */
export type Index<T> = Readonly<Record<string, T>>;

type ItemOf<K extends keyof Pack> = NonNullable<Pack[K]> extends readonly (infer U)[] ? Frozen<U> : never;

export type PolicyLevel = Frozen<NonNullable<Pack['scales']>[number]['levels'][number]>;

/** A scale with its levels in order (most urgent first) and by id. */
export type PolicyScale = ItemOf<'scales'> & { readonly levelsById: Index<PolicyLevel> };

export interface Policy {
  readonly id: string;
  readonly version: string;
  /** SHA-256 (hex) of the validated pack, as `loadPack` computed it. */
  readonly hash: string;
  /** The whole pack, for what is read rarely and needs no index. */
  readonly pack: Frozen<Pack>;
  readonly scales: Index<PolicyScale>;
  readonly calendars: Index<ItemOf<'calendars'>>;
  readonly channels: Index<ItemOf<'channels'>>;
  readonly templates: Index<ItemOf<'templates'>>;
  readonly lifecycles: Index<ItemOf<'lifecycles'>>;
  readonly checklists: Index<ItemOf<'checklists'>>;
  readonly journeys: Index<ItemOf<'journeys'>>;
  readonly roles: Index<ItemOf<'roles'>>;
}

/**
 * The policy of a validated pack (`loadPack` gives both the pack and its hash).
 *
 * @example
 * const loaded = await loadPack('packs/shopsmart-pro');
 * if (loaded.ok) {
 *   const policy = compilePack(loaded.pack, loaded.hash);
 *   policy.scales['support-priority']?.levelsById.p1?.targets?.firstResponse; // { within: 900000, … }
 * }
 */
export function compilePack(pack: Pack, hash: string): Policy {
  // A copy, so freezing never reaches the caller's objects (nor a default value zod may share).
  const own = deepFreeze(structuredClone(pack)) as Frozen<Pack>;
  const scales = (own.scales ?? []).map((scale) => ({
    ...scale,
    levelsById: indexById(scale.levels, `scales.${scale.id}.levels`),
  }));
  return deepFreeze({
    id: own.pack.id,
    version: own.pack.version,
    hash,
    pack: own,
    scales: indexById(scales, 'scales'),
    calendars: indexById(own.calendars, 'calendars'),
    channels: indexById(own.channels, 'channels'),
    templates: indexById(own.templates, 'templates'),
    lifecycles: indexById(own.lifecycles, 'lifecycles'),
    checklists: indexById(own.checklists, 'checklists'),
    journeys: indexById(own.journeys, 'journeys'),
    roles: indexById(own.roles, 'roles'),
  });
}

/**
 * Items by id, in a map with no prototype (so `index.constructor` is not a find). A validated pack has
 * unique ids (the loader checks them); a duplicate here is a caller's mistake and throws.
 */
function indexById<T extends { readonly id: string }>(
  items: readonly T[] | undefined,
  where: string,
): Index<T> {
  const index = Object.create(null) as Record<string, T>;
  for (const item of items ?? []) {
    if (Object.hasOwn(index, item.id))
      throw new Error(`compilePack: the id "${item.id}" appears twice in ${where}`);
    index[item.id] = item;
  }
  return index;
}

/** Freezes a value and everything reachable from it; returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
