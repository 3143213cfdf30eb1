/**
 * Messages for schema issues that say what was expected and what was found, in the words of someone
 * writing YAML ("a list", "a map", "text") rather than zod's ("array", "object", "string"). Installed as
 * the per-parse error map, so a message written in the schema itself still wins.
 */
import type { z } from 'zod';

const TYPE_NAMES: Partial<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map (key: value lines)',
  null: 'an empty value',
  date: 'a date',
  bigint: 'a whole number',
};

/** What a type is called in a message: `text`, `a list`, `a map (key: value lines)`. */
export function describeType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

/** A literal as the author would write it: `"24/7"`, `true`, `5`. */
export function describeLiteral(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * What was found, briefly.
 *
 * @example describeValue(42) // 'the number 42'
 * @example describeValue(['a']) // 'a list'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

/** "one of a, b or c" */
export function oneOf(values: readonly unknown[]): string {
  const shown = values.map(describeLiteral);
  if (shown.length <= 1) return shown.join('');
  return `one of ${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

const FORMATS: Partial<Record<string, string>> = {
  date: 'a date as YYYY-MM-DD, e.g. 2026-03-31',
  datetime: 'a date and time as YYYY-MM-DDTHH:MM:SSZ',
  time: 'a time of day as HH:MM',
  email: 'an e-mail address',
  url: 'a URL',
};

function sizeMessage(issue: {
  origin: string;
  inclusive?: boolean;
  bound: number | bigint;
  least: boolean;
}): string {
  const bound = Number(issue.bound);
  const word = issue.least ? 'at least' : 'at most';
  if (issue.origin === 'array' || issue.origin === 'set') return `expected ${word} ${bound} item(s)`;
  if (issue.origin === 'string') {
    return issue.least && bound === 1 ? 'must not be empty' : `expected ${word} ${bound} character(s)`;
  }
  const sign = issue.least ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  return `expected a number ${sign} ${bound}`;
}

/** The per-parse error map: a message for each kind of issue the schema did not word itself. */
export const packErrorMap: z.core.$ZodErrorMap = (issue) => {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${describeType(issue.expected)}, ${got}`;
    case 'invalid_value':
      // The allowed values go in the hint: lists of a dozen would drown the message.
      return issue.values.length === 1
        ? `expected ${describeLiteral(issue.values[0])}, ${got}`
        : `expected one of the allowed values, ${got}`;
    case 'too_small':
      return sizeMessage({ ...issue, bound: issue.minimum, least: true });
    case 'too_big':
      return sizeMessage({ ...issue, bound: issue.maximum, least: false });
    case 'invalid_format': {
      const expected =
        FORMATS[issue.format] ?? (issue.pattern ? `text matching ${issue.pattern}` : issue.format);
      return `expected ${expected}, ${got}`;
    }
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, ${got}`;
    case 'unrecognized_keys':
      return `unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return `matches none of the allowed forms (${got})`;
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_element':
      return 'invalid entry';
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
};
