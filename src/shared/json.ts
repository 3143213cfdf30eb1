/** Walking JSON values. */

/**
 * A copy of a JSON value with every string replaced by `fn(text, pointer)` (the pointer names where it
 * is, e.g. `/body/0`); object keys go through `fn` too when `keys` is set. Other values are kept.
 */
export function mapStrings(
  value: unknown,
  fn: (text: string, pointer: string) => string,
  options: { keys?: boolean } = {},
  pointer = '',
): unknown {
  if (typeof value === 'string') return fn(value, pointer);
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, fn, options, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        options.keys ? fn(k, pointer) : k,
        mapStrings(v, fn, options, `${pointer}/${k}`),
      ]),
    );
  }
  return value;
}
