/**
 * From a place in the pack (a path like `calendars[0].hours`) back to the place in its YAML file
 * (line and column), so every problem points where the author has to look. Also turns YAML syntax errors
 * into problems.
 */
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type YAMLError,
} from 'yaml';
import type { PackProblem } from './problems.js';

export interface YamlSource {
  /** Relative to the pack folder. */
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

const START: Position = { line: 1, column: 1 };

/** Hints for the YAML mistakes authors make most; the parser's message says what it found. */
const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'each key may appear once in a map; merge the two entries',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align keys of the same map at the same indentation, and close every [ and {',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be quoted, e.g. title: "Note: read me"',
  MISSING_CHAR: 'close the quote or bracket opened here',
  MULTIPLE_DOCS: 'a pack file holds one document; remove the `---` separator or split the file',
  UNEXPECTED_TOKEN: 'check the indentation and the quoting of this line',
};

/**
 * Parses one YAML file, keeping what is needed to map paths back to lines.
 *
 * @example parseYamlSource('calendars.yaml', 'calendars: []\n').problems // []
 */
export function parseYamlSource(file: string, text: string): { source: YamlSource; problems: PackProblem[] } {
  const lines = new LineCounter();
  // Positions come from `error.pos` and the LineCounter, so messages stay one line (no code frame).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const source: YamlSource = { file, doc, lines };
  const problems = [
    ...doc.errors.map((e) => yamlProblem(source, e, 'error')),
    ...doc.warnings.map((e) => yamlProblem(source, e, 'warning')),
    ...unresolvedAliases(source),
    ...valuesCutByComments(source),
  ];
  return { source, problems };
}

/**
 * `purpose: Post in #releases channel` is read as "Post in" and a comment: YAML starts a comment at any
 * ` #`. A comment glued to its `#` right after a plain value is almost always text the author meant, so
 * it is reported (quote the value to keep the `#`). Comments written `# like this` are left alone.
 */
function valuesCutByComments(source: YamlSource): PackProblem[] {
  const problems: PackProblem[] = [];
  visit(source.doc, {
    Scalar(_key, node) {
      if (node.type !== 'PLAIN' || typeof node.comment !== 'string' || !/^\S/.test(node.comment)) return;
      const kept = String(node.value);
      problems.push({
        file: source.file,
        ...positionOf(source, node),
        path: '',
        message: `YAML read "#${node.comment.split('\n')[0]}" as a comment, so this value ends at "${kept}"`,
        hint: "quote the value (e.g. 'Post in #releases channel') if the `#` is part of it, or write comments as `# …`",
        severity: 'warning',
      });
    },
  });
  return problems;
}

/**
 * `*name` with no `&name` before it: the parser accepts it, reading the data would fail without a line.
 * One pass in document order, collecting anchors as they come (`alias.resolve` walks the whole document
 * for each alias, which made a file with thousands of aliases take minutes).
 */
function unresolvedAliases(source: YamlSource): PackProblem[] {
  const problems: PackProblem[] = [];
  const anchors = new Set<string>();
  visit(source.doc, {
    Node(_key, node) {
      if (!isAlias(node)) {
        if (node.anchor) anchors.add(node.anchor);
        return;
      }
      const alias = node;
      if (anchors.has(alias.source)) return;
      const message = `YAML: the alias *${alias.source} refers to no anchor &${alias.source} before it`;
      problems.push({
        file: source.file,
        ...positionOf(source, alias),
        path: '',
        message,
        severity: 'error',
      });
    },
  });
  return problems;
}

function yamlProblem(source: YamlSource, error: YAMLError, severity: 'error' | 'warning'): PackProblem {
  const { line, col } = source.lines.linePos(error.pos[0]);
  const hint = YAML_HINTS[error.code];
  const message = `YAML: ${error.message.replace(/\.$/, '')}`;
  return { file: source.file, line, column: col, path: '', message, severity, ...(hint ? { hint } : {}) };
}

/** Where the value at `path` is written; for a path that does not exist, where its deepest parent is. */
export function locateValue(source: YamlSource, path: readonly PropertyKey[]): Position {
  const found = walk(source, path);
  const node = isEmpty(found.node) ? (found.key ?? found.parent) : found.node;
  return positionOf(source, node);
}

/** Where a key of the map at `path` is written (e.g. an unknown field); else where the map is. */
export function locateKey(source: YamlSource, path: readonly PropertyKey[], key: string): Position {
  const found = walk(source, [...path, key]);
  return positionOf(source, found.found ? found.key : found.node);
}

/** The keys of the file's top-level map, with where each is written; `undefined` when it is not a map. */
export function topLevelKeys(source: YamlSource): Array<{ key: string; position: Position }> | undefined {
  const root = source.doc.contents;
  if (!isMap(root)) return undefined;
  return root.items.map((pair) => ({
    key: isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
    position: positionOf(source, pair.key),
  }));
}

type Found = { node: unknown; key: unknown; parent: unknown; found: boolean };

function walk(source: YamlSource, path: readonly PropertyKey[]): Found {
  let current: Found = { node: source.doc.contents, key: undefined, parent: undefined, found: true };
  for (const step of path) {
    const node = isAlias(current.node) ? current.node.resolve(source.doc) : current.node;
    const child = childOf(node, step);
    if (!child) return { ...current, found: false };
    current = { node: child.node, key: child.key, parent: node, found: true };
  }
  return current;
}

function childOf(node: unknown, step: PropertyKey): { node: unknown; key: unknown } | undefined {
  if (isSeq(node) && typeof step === 'number') {
    return step < node.items.length ? { node: node.items[step], key: undefined } : undefined;
  }
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
  return pair && { node: pair.value, key: pair.key };
}

/** `key:` with nothing after it: point at the key rather than at the end of the line. */
function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.source === '' && node.value === null);
}

function positionOf(source: YamlSource, node: unknown): Position {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  if (range?.[0] === undefined) return START;
  const { line, col } = source.lines.linePos(range[0]);
  return { line, column: col };
}
