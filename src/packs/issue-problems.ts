/**
 * Schema issues turned into problems an author can act on: a union reports the form the author was
 * evidently writing rather than "invalid input"; each unknown field is its own problem with a suggestion;
 * a missing field names itself; wrong values list what is allowed. Finding the line is the caller's
 * (`locate`), so this stays a pure function of the issues, the schema and the checked value.
 */
import type { z } from 'zod';
import { describeLiteral, describeType, describeValue, oneOf } from './issue-messages.js';
import { formatPath, type PackProblem } from './problems.js';
import { allowedKeys, describeAt } from './schema-walk.js';
import { closestName } from './suggest.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export interface IssueContext {
  /** The schema that was checked, read for allowed fields and descriptions. */
  readonly schema: z.core.$ZodType;
  /** The value that was checked. */
  readonly input: unknown;
  /** Where a path is written (with `key`: where that key of the map at `path` is written). */
  readonly locate: (path: Path, key?: string) => { file: string; line: number; column: number };
}

/** Every issue as one or more problems, unsorted. */
export function issuesToProblems(issues: readonly Issue[], context: IssueContext): PackProblem[] {
  return issues.flatMap((issue) => explain(issue, [], context));
}

function explain(issue: Issue, prefix: Path, context: IssueContext): PackProblem[] {
  const path = [...prefix, ...issue.path];
  if (isMissing(context.input, path)) return [missingField(issue, path, context)];
  switch (issue.code) {
    case 'invalid_union': {
      const branch = likeliestBranch(issue.errors);
      if (branch) return branch.flatMap((inner) => explain(inner, path, context));
      return [unionProblem(issue, path, context)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownField(key, path, context));
    case 'invalid_key':
      return issue.issues.map((inner) => invalidKey(inner, path, context));
    case 'invalid_element':
      return issue.issues.flatMap((inner) => explain(inner, path, context));
    default:
      return [problemAt(context, path, issue.message, hintFor(issue, path, context))];
  }
}

function problemAt(
  context: IssueContext,
  path: Path,
  message: string,
  hint?: string,
  key?: string,
): PackProblem {
  const where = context.locate(path, key);
  const fullPath = key === undefined ? path : [...path, key];
  return { ...where, path: formatPath(fullPath), message, severity: 'error', ...(hint ? { hint } : {}) };
}

/**
 * The union member the author was writing: one whose issues are not about the value's own type, with the
 * fewest issues. None when every member mismatches, or when two fit equally well (then guessing would
 * mislead: the problem lists the forms instead).
 */
function likeliestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const scored = branches
    .filter((issues) => !issues.some((i) => i.path.length === 0 && isTypeMismatch(i)))
    .map((issues) => ({ issues, weight: weigh(issues) }))
    .sort((a, b) => a.weight - b.weight);
  const [best, second] = scored;
  if (!best || (second && second.weight === best.weight)) return undefined;
  return best.issues;
}

function isTypeMismatch(issue: Issue): boolean {
  return issue.code === 'invalid_type' || issue.code === 'invalid_value';
}

function weigh(issues: readonly Issue[]): number {
  return issues.reduce((sum, i) => sum + (i.code === 'unrecognized_keys' ? i.keys.length : 1), 0);
}

function unionProblem(issue: Issue, path: Path, context: IssueContext): PackProblem {
  const alternatives = expectedOf(issue);
  const got = describeValue(valueAt(context.input, path));
  const message = alternatives
    ? `expected ${alternatives}, got ${got}`
    : `matches none of the allowed forms (got ${got})`;
  const hints = [...misspeltKeys(path, context), describeAt(context.schema, path)];
  return problemAt(context, path, message, hints.filter(Boolean).join(' '));
}

/** Fields of a map that no form of the union has, with the closest one each form allows. */
function misspeltKeys(path: Path, context: IssueContext): string[] {
  const value = valueAt(context.input, path);
  if (!isRecord(value)) return [];
  const allowed = allowedKeys(context.schema, path, []);
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => {
      const closest = closestName(key, allowed);
      return closest ? `\`${key}\`: did you mean \`${closest}\`?` : `\`${key}\` is not a field here.`;
    });
}

/** What an issue says was expected, when it says it plainly. */
function expectedOf(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return describeType(issue.expected);
    case 'invalid_value':
      return oneOf(issue.values);
    case 'invalid_union': {
      const each = issue.errors.map((branch) => {
        const root = branch.find((i) => i.path.length === 0 && isTypeMismatch(i));
        return root && expectedOf(root);
      });
      const known = each.filter((e) => e !== undefined);
      return known.length === each.length && known.length > 0 ? [...new Set(known)].join(' or ') : undefined;
    }
    default:
      return undefined;
  }
}

function missingField(issue: Issue, path: Path, context: IssueContext): PackProblem {
  const expected = expectedOf(issue);
  const message = `missing required field \`${String(path.at(-1))}\`${expected ? `: expected ${expected}` : ''}`;
  return problemAt(context, path, message, describeAt(context.schema, path));
}

function unknownField(key: string, path: Path, context: IssueContext): PackProblem {
  const value = valueAt(context.input, path);
  const present = isRecord(value) ? Object.keys(value).filter((k) => k !== key) : [];
  const allowed = allowedKeys(context.schema, path, present);
  const closest = closestName(
    key,
    allowed.filter((k) => !present.includes(k)),
  );
  const hint = [
    closest && `did you mean \`${closest}\`?`,
    allowed.length > 0 && `allowed here: ${allowed.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' ');
  return problemAt(context, path, `unknown field \`${key}\``, hint, key);
}

/** A key of a record (e.g. a level id in an SLA policy's targets) that is not valid: point at the key. */
function invalidKey(inner: Issue, path: Path, context: IssueContext): PackProblem {
  const key = String(path.at(-1));
  return problemAt(context, path.slice(0, -1), `key \`${key}\`: ${inner.message}`, undefined, key);
}

function hintFor(issue: Issue, path: Path, context: IssueContext): string | undefined {
  const value = valueAt(context.input, path);
  switch (issue.code) {
    case 'invalid_value': {
      const closest = typeof value === 'string' ? closestName(value, issue.values.map(String)) : undefined;
      const allowed = `allowed: ${issue.values.map(String).join(', ')}`;
      return closest ? `did you mean ${describeLiteral(closest)}? ${allowed}` : allowed;
    }
    case 'invalid_type':
      return typeHint(issue.expected, value) ?? describeAt(context.schema, path);
    default:
      return undefined;
  }
}

function typeHint(expected: string, value: unknown): string | undefined {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    const read = typeof value === 'number' ? 'a number' : 'true/false';
    return `YAML read this as ${read}; put it in quotes to keep it as text`;
  }
  if (expected === 'array') return 'write a list: one `- item` per line, or `[a, b]` on one line';
  if (expected === 'object') return 'write `key: value` lines, indented below';
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A field of a map that is not there at all (as opposed to present but empty). */
function isMissing(input: unknown, path: Path): boolean {
  const key = path.at(-1);
  if (key === undefined) return false;
  const parent = valueAt(input, path.slice(0, -1));
  return isRecord(parent) && !Object.hasOwn(parent, key);
}
