/**
 * The content hash of a pack: SHA-256 of its validated meaning, serialized with sorted keys, so the same
 * definitions give the same hash whatever the file layout, key order, quoting or comments, and a record can
 * name exactly the version it ran under.
 */
import { createHash } from 'node:crypto';

/**
 * JSON with the keys of every map sorted; `undefined` fields left out.
 *
 * @example canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const entries = Object.entries(item as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}

/** SHA-256, hex, of `canonicalJson(value)`. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
