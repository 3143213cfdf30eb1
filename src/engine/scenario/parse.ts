/**
 * Reads a scenario file (docs/scenarios.md): `start`, optional `zone` and `until`, initial `facts`, the
 * `events` in time order and, for a pack test, `expect`. Every problem is reported at once with its
 * file:line:column; a scenario with any problem is not run at all.
 */
import { parseDuration } from '../../core/duration.js';
import { localToInstant } from '../../core/instant.js';
import { formatPath, type PackProblem } from '../../packs/problems.js';
import { locateKey, locateValue, parseYamlSource, type YamlSource } from '../../packs/source-map.js';
import { closestName as closest } from '../../packs/suggest.js';
import type { Fields, Scalar } from '../../core/decide/types.js';
import { checkEvent, EVENTS } from '../../core/decide/events.js';

export interface ScenarioEvent {
  readonly line: number;
  readonly atMs: number;
  readonly type: string;
  readonly subject: string;
  readonly data: Fields;
  readonly creates: boolean;
}

export interface Expectation {
  readonly line: number;
  /** The instant it must happen at (from = to), or the window `[from, to)` it must (not) happen in. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly type: string;
  readonly subject?: string;
  readonly absent: boolean;
  /** Other fields the effect must have (`clock`, `channel`, `to`, …); instants are ms. */
  readonly fields: Readonly<Record<string, Scalar>>;
  /** As written, for messages. */
  readonly text: string;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly zone: string;
  readonly startMs: number;
  readonly untilMs: number;
  readonly events: readonly ScenarioEvent[];
  readonly expectations: readonly Expectation[];
}

const TOP_KEYS = ['name', 'cites', 'start', 'zone', 'until', 'facts', 'events', 'expect'];
const EXPECT_KEYS = new Set(['at', 'window', 'type', 'subject', 'absent']);
/** Expected fields that are instants, written like `at`. */
const INSTANT_FIELDS = new Set(['due', 'notBefore']);

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; problems: PackProblem[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Parses a scenario file's text; `zone` is the pack's zone, used when the file names none. */
export function parseScenario(file: string, text: string, packZone: string): ParseResult {
  const { source, problems } = parseYamlSource(file, text);
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  const out: PackProblem[] = [];
  const problem = (path: readonly PropertyKey[], message: string, hint?: string, key?: string) => {
    const pos = key === undefined ? locateValue(source, path) : locateKey(source, path, key);
    out.push({
      file,
      line: pos.line,
      column: pos.column,
      path: formatPath(key === undefined ? path : [...path, key]),
      message,
      severity: 'error',
      ...(hint ? { hint } : {}),
    });
  };
  const root: unknown = source.doc.toJS();
  if (!isRecord(root)) {
    problem([], 'a scenario is a map with `start`, `events` and, in a pack test, `expect`');
    return { ok: false, problems: out };
  }
  for (const key of Object.keys(root)) {
    if (!TOP_KEYS.includes(key)) {
      const near = closest(key, TOP_KEYS);
      problem(
        [],
        `unknown key "${key}"`,
        near ? `did you mean "${near}"?` : `keys: ${TOP_KEYS.join(', ')}`,
        key,
      );
    }
  }
  const zone = typeof root.zone === 'string' ? root.zone : packZone;
  if (root.zone !== undefined && !validZone(zone))
    problem(['zone'], `"${zone}" is not a known IANA time zone`, 'e.g. Asia/Kolkata, Europe/London, UTC');

  const startMs = readInstant(root.start, zone, null);
  if (startMs === null) {
    problem(
      ['start'],
      'start must be an instant with its offset or zone',
      "e.g. '2025-01-20T10:00:00+05:30' or '2025-01-20T10:00 Asia/Kolkata'",
    );
    return { ok: false, problems: out };
  }
  const instant = (value: unknown, path: PropertyKey[]): number | null => {
    const ms = readInstant(value, zone, startMs);
    if (ms === null)
      problem(
        path,
        `"${String(value)}" is neither an offset from start nor an instant`,
        'write an offset like +15m, +2h, +1h30m, +3d, or an instant with its offset',
      );
    return ms;
  };

  const events: ScenarioEvent[] = [];
  const created = new Set<string>();
  for (const [subject, values] of Object.entries(isRecord(root.facts) ? root.facts : {})) {
    if (!isRecord(values)) {
      problem(
        ['facts', subject],
        'facts are given per subject: `facts: { "user:U1": { customers_added: 0 } }`',
      );
      continue;
    }
    for (const [name, value] of Object.entries(values)) {
      if (!isScalar(value)) problem(['facts', subject, name], 'a fact is a number, a string or a boolean');
      else {
        events.push({
          line: locateValue(source, ['facts', subject, name]).line,
          atMs: startMs,
          type: 'fact.set',
          subject,
          data: { name, value },
          creates: true,
        });
        created.add(subject);
      }
    }
  }
  if (root.facts !== undefined && !isRecord(root.facts))
    problem(['facts'], 'facts are a map of subject → { name: value }');

  if (!Array.isArray(root.events))
    problem(
      ['events'],
      'events must be a list',
      'events: [{ at: +0m, type: ticket.created, ticket: T1, priority: p1, channel: email }]',
    );
  let lastMs = startMs;
  (Array.isArray(root.events) ? root.events : []).forEach((raw: unknown, index) => {
    const path = ['events', index];
    if (!isRecord(raw)) return problem(path, 'an event is a map with `at`, `type` and its fields');
    const atMs =
      raw.at === undefined
        ? (problem(path, 'the event has no `at`', 'add at: +0m'), null)
        : instant(raw.at, [...path, 'at']);
    const checked = checkEvent(Object.fromEntries(Object.entries(raw).filter(([name]) => name !== 'at')));
    if (atMs !== null && (checked.ok || checked.problems.every((p) => p.field !== 'type'))) {
      if (atMs < lastMs)
        problem(
          [...path, 'at'],
          'events must be in time order',
          'move this event before the ones that happen after it',
        );
      lastMs = Math.max(lastMs, atMs);
    }
    if (!checked.ok) {
      for (const p of checked.problems) {
        if (p.where === 'key') problem(path, p.message, p.hint, p.field);
        else problem(p.where === 'value' ? [...path, p.field] : path, p.message, p.hint);
      }
    }
    if (!checked.subject || !checked.spec) return;
    const { spec, subject } = checked;
    const type = String(raw.type);
    if (!spec.creates && !created.has(subject))
      return problem(
        [...path, spec.subject.field],
        `${subject} was never created before this event`,
        `first send an event that creates it${creatorOf(spec.subject.kind)}`,
      );
    created.add(subject);
    if (atMs !== null && checked.ok)
      events.push({
        line: locateValue(source, path).line,
        atMs,
        type,
        subject,
        data: checked.data,
        creates: !!spec.creates,
      });
  });

  const untilMs = root.until === undefined ? Math.max(lastMs, startMs) : instant(root.until, ['until']);
  const expectations = readExpectations(source, root.expect, instant, problem);
  if (out.length > 0 || untilMs === null) return { ok: false, problems: out };
  const name = typeof root.name === 'string' ? root.name : file;
  return {
    ok: true,
    scenario: { file, name, zone, startMs, untilMs: Math.max(untilMs, lastMs), events, expectations },
  };
}

function readExpectations(
  source: YamlSource,
  raw: unknown,
  instant: (value: unknown, path: PropertyKey[]) => number | null,
  problem: (path: readonly PropertyKey[], message: string, hint?: string, key?: string) => void,
): Expectation[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problem(['expect'], 'expect must be a list of effects');
    return [];
  }
  const result: Expectation[] = [];
  raw.forEach((item: unknown, index) => {
    const path = ['expect', index];
    if (!isRecord(item) || typeof item.type !== 'string')
      return problem(path, 'an expectation is a map with `type` and `at` or `window`');
    let fromMs: number | null = null;
    let toMs: number | null = null;
    if (item.at !== undefined) fromMs = toMs = instant(item.at, [...path, 'at']);
    else if (Array.isArray(item.window) && item.window.length === 2) {
      fromMs = instant(item.window[0], [...path, 'window', 0]);
      toMs = instant(item.window[1], [...path, 'window', 1]);
    } else return problem(path, 'an expectation needs `at` (an instant) or `window: [from, to]`');
    const fields: Record<string, Scalar> = {};
    for (const [name, value] of Object.entries(item)) {
      if (EXPECT_KEYS.has(name)) continue;
      if (INSTANT_FIELDS.has(name)) {
        const ms = instant(value, [...path, name]);
        if (ms !== null) fields[name] = ms;
      } else if (isScalar(value)) fields[name] = value;
      else problem([...path, name], `${name} must be a number, a string or a boolean`);
    }
    if (fromMs === null || toMs === null) return;
    const subject = typeof item.subject === 'string' ? item.subject : undefined;
    result.push({
      line: locateValue(source, path).line,
      fromMs,
      toMs,
      type: item.type,
      ...(subject ? { subject } : {}),
      absent: item.absent === true,
      fields,
      text: JSON.stringify(item),
    });
  });
  return result;
}

/** ", e.g. ticket.created": the catalog's first creating event for a kind. */
function creatorOf(kind: string): string {
  const found = Object.entries(EVENTS).find(([, spec]) => spec.creates && spec.subject.kind === kind);
  return found ? `, e.g. ${found[0]}` : '';
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `+15m`, `+1h30m`, `+3d` from start; an ISO instant with offset; or `YYYY-MM-DDTHH:MM <zone>`. */
export function readInstant(value: unknown, zone: string, startMs: number | null): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text.startsWith('+')) {
    if (startMs === null) return null;
    const parsed = parseDuration(text.slice(1));
    return parsed.ok ? startMs + parsed.ms : null;
  }
  const zoned = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?) ([A-Za-z_]+(?:\/[A-Za-z_+-]+)*)$/.exec(text);
  if (zoned) return validZone(zoned[2]!) ? localToInstant(zoned[1]!, zoned[2]!) : null;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text)) return localToInstant(text, zone);
  return null;
}
