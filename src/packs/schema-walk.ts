/**
 * Reads the pack schema itself at a path, to say more than a zod issue carries: the fields a map allows
 * (for "did you mean …?") and the description written for docs/pack-reference.md (as a hint). Works for
 * any section, so it needs no change when sections are added.
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;
interface Concrete {
  readonly schema: Schema;
  /** The nearest description on the way to it, the outermost first. */
  readonly description: string | undefined;
}

/** Wrappers (optional, lazy, pipes, unions) unwrapped to the schemas that check a value's shape. */
function expand(schema: Schema, description: string | undefined, depth = 0): Concrete[] {
  const own = description ?? z.globalRegistry.get(schema)?.description;
  if (depth > 20) return [];
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return expand(def.innerType, own, depth + 1);
    case 'lazy':
      return expand(def.getter(), own, depth + 1);
    case 'pipe':
      return [...expand(def.in, own, depth + 1), ...expand(def.out, own, depth + 1)];
    case 'union':
      return def.options.flatMap((option) => expand(option, own, depth + 1));
    case 'transform':
      return [];
    default:
      return [{ schema, description: own }];
  }
}

function childOf(schema: Schema, key: PropertyKey): Schema | undefined {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'object':
      return typeof key === 'string' ? def.shape[key] : undefined;
    case 'array':
      return typeof key === 'number' ? def.element : undefined;
    case 'record':
      return def.valueType;
    case 'tuple':
      return typeof key === 'number' ? def.items[key] : undefined;
    default:
      return undefined;
  }
}

/** The shape-checking schemas a value at `path` may be checked by (several below a union). */
function schemasAt(root: Schema, path: readonly PropertyKey[]): Concrete[] {
  let current = expand(root, undefined);
  for (const key of path) {
    current = current.flatMap((c) => {
      const child = childOf(c.schema, key);
      return child ? expand(child, undefined) : [];
    });
  }
  return current;
}

/** The description of what belongs at `path`, as written in the schema. */
export function describeAt(root: Schema, path: readonly PropertyKey[]): string | undefined {
  return schemasAt(root, path).find((c) => c.description !== undefined)?.description;
}

/**
 * The fields a map at `path` may have. Below a union, only the forms that allow every field already
 * present (`present`) count, so the list matches what the author was writing.
 *
 * @example allowedKeys(PackSchema, ['calendars', 0], ['id']) // ['id', 'label', 'timeZone', 'hours', …]
 */
export function allowedKeys(
  root: Schema,
  path: readonly PropertyKey[],
  present: readonly string[],
): string[] {
  const shapes = schemasAt(root, path).flatMap((c) => {
    const def = (c.schema as z.core.$ZodTypes)._zod.def;
    return def.type === 'object' ? [Object.keys(def.shape)] : [];
  });
  const fitting = shapes.filter((keys) => present.every((key) => keys.includes(key)));
  return [...new Set((fitting.length > 0 ? fitting : shapes).flat())];
}
