/**
 * What changed in meaning between two validated packs, for `opsbook diff` and the version history page:
 * a reviewer approving a new SOP version needs "P2 resolution within 1d → within 1d1h", not a text diff
 * of YAML files that may have been reformatted or reorganised. Pure: two packs in, a list of changes out.
 *
 * Sections are compared in the order of the rendered SOP, document control first. List items are matched
 * by `id` (or `name`), so a moved item is not a change and a renamed one is a removal and an addition;
 * lists without ids are aligned like lines. Template bodies are compared line by line. Changes to `quote`
 * and `facts` (the seed's wording and citations) are annotations, left out unless asked for.
 */
import { align } from './align.js';
import { canonicalJson } from './canonical.js';
import {
  childShape,
  formatText,
  formatTargetPair,
  formatValue,
  isRecordShape,
  leafKind,
  shapeOf,
  type Shape,
  type TargetValue,
} from './diff-values.js';
import { PACK_SECTIONS, PackSchema, type Pack } from './schema/pack.js';

export interface Change {
  readonly kind: 'added' | 'removed' | 'changed' | 'reordered';
  /** Where, list items named by id: `scales.support-priority.levels.p2.targets.resolution`. */
  readonly path: string;
  /** The old value in human terms (changed, removed, reordered). */
  readonly before?: string;
  /** The new value in human terms (changed, added, reordered). */
  readonly after?: string;
  /** For a template body: the 1-based line removed (in the old body) or added (in the new one). */
  readonly line?: number;
  /** A change to `quote` or `facts` only: the seed's wording or citations, not what the pack does. */
  readonly annotation: boolean;
}

export interface DiffOptions {
  /** Include changes to `quote` and `facts` (default: only changes in meaning). */
  readonly annotations?: boolean;
}

type Segment = string | number;

/** Where the walk is: the path so far, the schema there, and whether it is inside a quote or facts. */
interface Place {
  readonly path: readonly Segment[];
  readonly shape: Shape;
  readonly annotation: boolean;
}

const ROOT: Place = { path: [], shape: shapeOf(PackSchema), annotation: false };
const ANNOTATIONS = new Set(['quote', 'facts']);
/** Fields that name an item best, when an added or removed item is summarised. */
const NAMING_FIELDS = ['label', 'name', 'title', 'issue', 'text', 'scenario', 'metric', 'data'] as const;
const SUMMARY_LENGTH = 100;

/**
 * The changes from `a` to `b`, document control first, then the sections in the order of `PACK_SECTIONS`.
 *
 * @example
 * diffPacks(before, after).map(formatChange)
 * // ['pack.version: 1.0.0 → 1.1.0',
 * //  'scales.support-priority.levels.p2.targets.resolution: within 1d → within 1d1h']
 */
export function diffPacks(a: Pack, b: Pack, options: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  const document = field(ROOT, 'pack');
  diffFields(a.pack, b.pack, document, out, ['version']);
  for (const section of Object.keys(PACK_SECTIONS) as (keyof typeof PACK_SECTIONS)[]) {
    diffNode(a[section], b[section], field(ROOT, section), out);
  }
  return options.annotations ? out : out.filter((change) => !change.annotation);
}

/**
 * One change as a line of text.
 *
 * @example formatChange({ kind: 'changed', path: 'pack.version', before: '1.0.0', after: '1.1.0', annotation: false })
 * // 'pack.version: 1.0.0 → 1.1.0'
 */
export function formatChange(change: Change): string {
  const line = change.line === undefined ? '' : ` line ${change.line}:`;
  switch (change.kind) {
    case 'changed':
      return `${change.path}: ${change.before} → ${change.after}`;
    case 'reordered':
      return `${change.path}: reordered ${change.before} → ${change.after}`;
    case 'added':
      return `${change.path}: added${line}${change.after ? ` ${change.after}` : ''}`;
    case 'removed':
      return `${change.path}: removed${line}${change.before ? ` ${change.before}` : ''}`;
  }
}

/** `scales.support-priority.levels.p2`, `lifecycles.bug.transitions[3]`. */
function formatSegments(path: readonly Segment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function field(at: Place, key: string): Place {
  return {
    path: [...at.path, key],
    shape: childShape(at.shape, key),
    annotation: at.annotation || ANNOTATIONS.has(key),
  };
}

/** An element of a list, named by its id (`levels.p2`) or its position (`transitions[3]`). */
function element(at: Place, name: Segment): Place {
  return { path: [...at.path, name], shape: childShape(at.shape, 0), annotation: at.annotation };
}

function push(out: Change[], at: Place, change: Omit<Change, 'path' | 'annotation'>): void {
  out.push({ path: formatSegments(at.path), ...change, annotation: at.annotation });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function diffNode(a: unknown, b: unknown, at: Place, out: Change[]): void {
  if (same(a, b)) return;
  if (leafKind(at.shape, a ?? b) !== null) return diffLeaf(a, b, at, out);
  if (typeof a === 'string' && typeof b === 'string' && isTemplateBody(at.path))
    return diffLines(a, b, at, out);
  if ((Array.isArray(a) || a === undefined) && (Array.isArray(b) || b === undefined))
    return diffList((a ?? []) as unknown[], (b ?? []) as unknown[], at, out);
  if ((isObject(a) || a === undefined) && (isObject(b) || b === undefined)) {
    if (isRecordShape(at.shape)) return diffEntries(a ?? {}, b ?? {}, at, out);
    return diffFields(a ?? {}, b ?? {}, at, out);
  }
  diffScalar(a, b, at, out);
}

function diffScalar(a: unknown, b: unknown, at: Place, out: Change[]): void {
  if (a === undefined) push(out, at, { kind: 'added', after: formatValue(b, at.shape) });
  else if (b === undefined) push(out, at, { kind: 'removed', before: formatValue(a, at.shape) });
  else push(out, at, { kind: 'changed', before: formatValue(a, at.shape), after: formatValue(b, at.shape) });
}

/** The fields of an object in schema order (`first` before the others); a missing object is `{}`. */
function diffFields(a: object, b: object, at: Place, out: Change[], first: readonly string[] = []): void {
  const before = a as Record<string, unknown>;
  const after = b as Record<string, unknown>;
  const keys = new Set([...first, ...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) diffNode(before[key], after[key], field(at, key), out);
}

/** A map of entries (a template's locales, a policy's targets per level): each entry as a whole. */
function diffEntries(a: Record<string, unknown>, b: Record<string, unknown>, at: Place, out: Change[]): void {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const place = field(at, key);
    if (!(key in b)) push(out, place, { kind: 'removed', before: summarize(a[key], place.shape) });
    else if (!(key in a)) push(out, place, { kind: 'added', after: summarize(b[key], place.shape) });
    else diffNode(a[key], b[key], place, out);
  }
}

/** A duration, target, cadence or condition: one phrase each side; its quote is an annotation apart. */
function diffLeaf(a: unknown, b: unknown, at: Place, out: Change[]): void {
  const meaning = (value: unknown) => (isObject(value) ? { ...value, quote: undefined } : value);
  if (!same(meaning(a), meaning(b))) {
    const kind = leafKind(at.shape, a);
    if (kind === 'target' && kind === leafKind(at.shape, b)) {
      const [before, after] = formatTargetPair(a as TargetValue, b as TargetValue);
      push(out, at, { kind: 'changed', before, after });
    } else diffScalar(meaning(a), meaning(b), at, out);
  }
  const quote = (value: unknown) => (isObject(value) ? value.quote : undefined);
  diffNode(quote(a), quote(b), field(at, 'quote'), out);
}

/** `templates.<id>.locales.<locale>.body`. */
function isTemplateBody(path: readonly Segment[]): boolean {
  return path.length === 5 && path[0] === 'templates' && path[2] === 'locales' && path[4] === 'body';
}

/** A message body line by line: the lines removed and added, not the whole text twice. */
function diffLines(a: string, b: string, at: Place, out: Change[]): void {
  const before = a.split('\n');
  const after = b.split('\n');
  for (const op of align(before, after)) {
    if (op.op === 'removed')
      push(out, at, { kind: 'removed', line: op.from + 1, before: JSON.stringify(before[op.from]) });
    if (op.op === 'added')
      push(out, at, { kind: 'added', line: op.to + 1, after: JSON.stringify(after[op.to]) });
  }
}

function diffList(a: readonly unknown[], b: readonly unknown[], at: Place, out: Change[]): void {
  const key = listKey(a, b);
  if (key === null) diffPositional(a, b, at, out);
  else diffKeyed(a as Record<string, unknown>[], b as Record<string, unknown>[], key, at, out);
}

/** `id` when every item has a distinct one, else `name` likewise; null for lists to align by position. */
function listKey(a: readonly unknown[], b: readonly unknown[]): 'id' | 'name' | null {
  const keyed = (list: readonly unknown[], key: string) => {
    const names = list.map((item) => (isObject(item) ? item[key] : undefined));
    return names.every((name) => typeof name === 'string') && new Set(names).size === names.length;
  };
  if (a.length + b.length === 0) return null;
  if (keyed(a, 'id') && keyed(b, 'id')) return 'id';
  return keyed(a, 'name') && keyed(b, 'name') ? 'name' : null;
}

type Item = Record<string, unknown>;

function diffKeyed(
  a: readonly Item[],
  b: readonly Item[],
  key: 'id' | 'name',
  at: Place,
  out: Change[],
): void {
  const name = (item: Item) => item[key] as string;
  const inA = new Map(a.map((item) => [name(item), item]));
  const inB = new Map(b.map((item) => [name(item), item]));
  for (const item of a) {
    const place = element(at, name(item));
    const other = inB.get(name(item));
    if (other === undefined) push(out, place, { kind: 'removed', before: summarize(item, place.shape) });
    else diffNode(item, other, place, out);
  }
  for (const item of b) {
    const place = element(at, name(item));
    if (!inA.has(name(item))) push(out, place, { kind: 'added', after: summarize(item, place.shape) });
  }
  // Order carries meaning in a pack: levels run most urgent first, the first matching SLA policy wins.
  const kept = (list: readonly Item[], other: Map<string, Item>) =>
    list.map(name).filter((n) => other.has(n));
  const before = kept(a, inB);
  const after = kept(b, inA);
  if (before.join('\n') !== after.join('\n'))
    push(out, at, { kind: 'reordered', before: `[${before.join(', ')}]`, after: `[${after.join(', ')}]` });
}

/**
 * A list without ids, aligned like lines. A run of removed items facing a run of added objects is read as
 * those objects changed in place (a step's text edited), so their fields are compared one by one.
 */
function diffPositional(a: readonly unknown[], b: readonly unknown[], at: Place, out: Change[]): void {
  const keysA = a.map((item) => canonicalJson(item));
  const keysB = b.map((item) => canonicalJson(item));
  const ops = align(keysA, keysB);
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    pairRun(a, b, removed, added, at, out);
    removed = [];
    added = [];
  };
  for (const op of ops) {
    if (op.op === 'removed') removed.push(op.from);
    else if (op.op === 'added') added.push(op.to);
    else flush();
  }
  flush();
}

function pairRun(
  a: readonly unknown[],
  b: readonly unknown[],
  removed: readonly number[],
  added: readonly number[],
  at: Place,
  out: Change[],
): void {
  const objects = (list: readonly unknown[], indexes: readonly number[]) =>
    indexes.every((i) => typeof list[i] === 'object');
  const paired = objects(a, removed) && objects(b, added) ? Math.min(removed.length, added.length) : 0;
  for (let k = 0; k < paired; k++) diffNode(a[removed[k]!], b[added[k]!], element(at, added[k]!), out);
  const isScalar = (value: unknown) => typeof value !== 'object';
  for (const i of removed.slice(paired)) {
    const place = isScalar(a[i]) ? at : element(at, i);
    push(out, place, { kind: 'removed', before: summarize(a[i], element(at, i).shape) });
  }
  for (const j of added.slice(paired)) {
    const place = isScalar(b[j]) ? at : element(at, j);
    push(out, place, { kind: 'added', after: summarize(b[j], element(at, j).shape) });
  }
}

/** An added or removed item in a few words: its label (or name, title, …), else its fields, shortened. */
function summarize(value: unknown, shape: Shape): string {
  if (isObject(value) && leafKind(shape, value) === null) {
    const naming = NAMING_FIELDS.map((key) => value[key]).find((v) => typeof v === 'string');
    if (typeof naming === 'string') return formatText(naming);
  }
  const text = formatValue(value, shape);
  return text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1)}…` : text;
}
