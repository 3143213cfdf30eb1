/**
 * Renders pack templates (Liquid). Bodies are written by pack authors and are untrusted, so one shared
 * Liquid instance is locked down: no file access (`include`/`render`/`layout` refused at parse time, and an
 * `fs` that refuses anyway), own properties only (nothing reachable through a prototype), unknown filters
 * rejected, and parse/render/memory limits so a template bomb fails that one message, never the process.
 * A missing value never fails a delivery (missing variables fail validation): it renders as "" and is
 * reported in `missing`; a preview fills it from the variable's example. Delivery only parses (cached) and
 * renders; static analysis is for validation (see analyzeTemplateSource). liquidjs checks `renderLimit` (wall-clock ms) between template nodes, also on the synchronous path, so a
 * loop that runs too long stops there; a single filter call that allocates too much is stopped by
 * `memoryLimit` (measured on the bombs of test/security/template-bombs.test.ts).
 */
import { Liquid, type FilterImplOptions, type FS, type Template as LiquidTemplate } from 'liquidjs';

export const TEMPLATE_LIMITS = {
  parseChars: 64 * 1024, // template text one parse may read
  renderMs: 100, // wall-clock time one render (subject or body) may take
  memoryUnits: 1024 * 1024, // characters and list items one render may allocate (liquidjs's unit)
  outputChars: 1024 * 1024, // a rendered part's length (`capture` output escapes memoryLimit)
  subjectChars: 998, // RFC 5322: a header line is at most 998 characters
  searchItemUnits: 100, // memory units a search filter charges per item it may visit (see chargedSearch)
  valueDepth: 8, // nesting of the values handed to a template; deeper data is dropped
  analysisTags: 2_000, // `{{` and `{%` a text may have for static analysis (see analyzeTemplateSource)
  cachedTemplates: 256, // parsed texts kept; the cache starts over when full
  cachedTemplateChars: 16 * 1024, // longer texts are not cached
} as const;

/** The parts of a pack template (src/packs/schema/templates.ts) rendering needs. */
export interface RenderableTemplate {
  readonly id: string;
  readonly variables: readonly {
    readonly name: string;
    readonly example?: string | undefined;
    readonly required?: boolean | undefined;
  }[];
  readonly locales: Readonly<Record<string, TemplateText>>;
}

type TemplateText = { readonly subject?: string | undefined; readonly body: string };

export interface RenderTemplateOptions {
  /** Render exactly this locale (an error when the template has none); otherwise chosen from `preferred`. */
  readonly locale?: string | undefined;
  /** Locale tags in order of preference (the contact's, then the workspace's). */
  readonly preferred?: readonly (string | undefined | null)[];
  /** Used when no preferred tag matches (the pack's default locale); `en` after it. */
  readonly fallback?: string | undefined;
  readonly values: Readonly<Record<string, unknown>>;
  /** `preview` fills missing values from examples; `deliver` renders them empty. */
  readonly mode: 'deliver' | 'preview';
}

export type RenderResult =
  | {
      readonly ok: true;
      readonly locale: string;
      readonly subject?: string;
      readonly text: string;
      /** Required variables used by this locale that had no value (rendered empty, or sampled in preview). */
      readonly missing: string[];
    }
  | { readonly ok: false; readonly error: string };

const refuseFile = (): never => {
  throw new Error('a template cannot read files');
};
// prettier-ignore
const noFiles: FS = {
  exists: async () => false, existsSync: () => false, readFile: async () => refuseFile(),
  readFileSync: refuseFile, resolve: (_dir, file) => file, contains: async () => false, containsSync: () => false,
};

const liquid = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  jsTruthy: false,
  relativeReference: false,
  dynamicPartials: false,
  fs: noFiles,
  parseLimit: TEMPLATE_LIMITS.parseChars,
  renderLimit: TEMPLATE_LIMITS.renderMs,
  memoryLimit: TEMPLATE_LIMITS.memoryUnits,
  // The `date` filter must not depend on the host's time zone; callers pass times already formatted.
  timezoneOffset: 0,
});
for (const tag of ['include', 'render', 'layout']) {
  liquid.registerTag(tag, {
    parse() {
      throw new Error(`{% ${tag} %} is not allowed: a template cannot read other files; write the text here`);
    },
    render() {},
  });
}

for (const name of ['has', 'has_exp', 'find', 'find_exp', 'find_index', 'find_index_exp']) {
  liquid.registerFilter(name, chargedSearch(liquid.filters[name]));
}

/**
 * The search filters (`has`, `find`, `find_index` and their `_exp` forms) scan an array charging nothing
 * and checking no clock: `(1..1000000) | has_exp: …` ran 8 s in one call. Charging the memory budget per
 * item they may visit (~8 µs each) caps them at about 10,000 visits per render.
 */
function chargedSearch(original: FilterImplOptions | undefined): FilterImplOptions {
  if (typeof original !== 'function') throw new Error('liquidjs changed its search filters');
  return function (this, input: unknown, ...args: unknown[]): unknown {
    const items = Array.isArray(input) ? input.length : 1;
    this.context.memoryLimit.use(items * TEMPLATE_LIMITS.searchItemUnits);
    return original.call(this, input, ...args) as unknown;
  };
}

/**
 * Picks the locale to send: for each preferred tag in order, an exact match (case-insensitive), then its
 * primary language (`hi-IN` → `hi`), then a regional variant of that language; then `fallback`, `en`, and
 * finally the first available one.
 *
 * @example chooseLocale(['en', 'hi'], ['hi-IN']) // 'hi'
 */
export function chooseLocale(
  available: readonly string[],
  preferred: readonly (string | undefined | null)[],
  fallback = 'en',
): string {
  const byTag = new Map(available.map((tag) => [normalise(tag), tag]));
  const primaryOf = (tag: string) => tag.split('-')[0] ?? tag;
  for (const wanted of preferred) {
    if (!wanted?.trim()) continue;
    const tag = normalise(wanted);
    const match =
      byTag.get(tag) ??
      byTag.get(primaryOf(tag)) ??
      [...byTag].find(([candidate]) => primaryOf(candidate) === primaryOf(tag))?.[1];
    if (match !== undefined) return match;
  }
  return byTag.get(normalise(fallback)) ?? byTag.get('en') ?? available[0] ?? fallback;
}

function normalise(tag: string): string {
  return tag.trim().toLowerCase().replaceAll('_', '-');
}

/** Each variable's example, or `[name]` when it has none: the values a preview shows. */
export function sampleValues(template: Pick<RenderableTemplate, 'variables'>): Record<string, string> {
  return Object.fromEntries(template.variables.map((v) => [v.name, v.example ?? `[${v.name}]`]));
}

/**
 * Parses a template text with the same rules as delivery and lists the variables it reads (root names), for
 * validation. liquidjs's static analysis finds each reference's line by scanning from the start (quadratic:
 * 13,000 `{{x}}` took 2.5 s), so a text with more than `analysisTags` tags is refused instead.
 */
export function analyzeTemplateSource(
  text: string,
): { readonly ok: true; readonly variables: string[] } | { readonly ok: false; readonly error: string } {
  const parsed = parse(text);
  if (!parsed.ok) return parsed;
  const tags = text.match(/\{[{%]/g)?.length ?? 0;
  if (tags > TEMPLATE_LIMITS.analysisTags)
    return { ok: false, error: `has ${tags} tags and outputs, more than ${TEMPLATE_LIMITS.analysisTags}` };
  try {
    return { ok: true, variables: liquid.globalVariablesSync(parsed.tpl) };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** The syntax error of a template text (`line 1, column 4: …`), or null when it parses. */
export function validateTemplateSource(text: string): string | null {
  const parsed = parse(text);
  return parsed.ok ? null : parsed.error;
}

/**
 * Renders one locale of a template as plain text (no HTML escaping). Never throws: a syntax error, an
 * unknown filter or an exceeded limit comes back as `{ ok: false, error }` naming the part and position.
 *
 * @example renderTemplate(t, { preferred: ['hi-IN'], values: { customer_name: 'Ramesh' }, mode: 'deliver' })
 */
export function renderTemplate(template: RenderableTemplate, options: RenderTemplateOptions): RenderResult {
  const available = Object.keys(template.locales);
  const locale = options.locale ?? chooseLocale(available, options.preferred ?? [], options.fallback);
  const variant = Object.hasOwn(template.locales, locale) ? template.locales[locale] : undefined;
  if (!variant) {
    const has = available.length > 0 ? `it has: ${available.join(', ')}` : 'it has none';
    return { ok: false, error: `template "${template.id}" has no "${locale}" locale; ${has}` };
  }
  const samples = sampleValues(template);
  const fill = options.mode === 'preview' ? (name: string) => samples[name] ?? `[${name}]` : undefined;
  const { scope, unfilled } = watchedScope(plainValues(options.values), fill);
  const where = (part: string) => `template "${template.id}" (${locale}) ${part}`;
  const subject = variant.subject === undefined ? null : renderPart(variant.subject, scope, where('subject'));
  if (subject && !subject.ok) return subject;
  const body = renderPart(variant.body, scope, where('body'));
  if (!body.ok) return body;
  const optional = new Set(template.variables.filter((v) => v.required === false).map((v) => v.name));
  const missing = [...unfilled].filter((name) => !optional.has(name));
  const rendered = { ok: true as const, locale, text: body.text, missing };
  return subject ? { ...rendered, subject: headerSafe(subject.text) } : rendered;
}

type Failure = { readonly ok: false; readonly error: string };

/** Parsed texts, by text: a dispatcher renders the same few templates over and over. */
const parsedCache = new Map<string, LiquidTemplate[]>();

function parse(text: string): { ok: true; tpl: LiquidTemplate[] } | Failure {
  const cached = parsedCache.get(text);
  if (cached) return { ok: true, tpl: cached };
  try {
    const tpl = liquid.parse(text);
    if (text.length <= TEMPLATE_LIMITS.cachedTemplateChars) {
      if (parsedCache.size >= TEMPLATE_LIMITS.cachedTemplates) parsedCache.clear();
      parsedCache.set(text, tpl);
    }
    return { ok: true, tpl };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

function renderPart(text: string, scope: object, where: string): { ok: true; text: string } | Failure {
  const parsed = parse(text);
  if (!parsed.ok) return { ok: false, error: `${where}: ${parsed.error}` };
  try {
    const out = String(liquid.renderSync(parsed.tpl, scope));
    if (out.length > TEMPLATE_LIMITS.outputChars)
      return { ok: false, error: `${where}: renders to more than ${TEMPLATE_LIMITS.outputChars} characters` };
    return { ok: true, text: out };
  } catch (err) {
    return { ok: false, error: `${where}: ${describeError(err)}` };
  }
}

/**
 * The render scope, recording each top-level name the template looks up and finds without a value (liquidjs
 * asks the scope `name in scope` only after the template's own assigns and loop variables, so these are
 * exactly the variables it needed). In a preview the name is filled there and then.
 */
function watchedScope(values: Record<string, unknown>, fill: ((name: string) => string) | undefined) {
  const unfilled = new Set<string>();
  const scope = new Proxy(values, {
    has(target, key) {
      if (typeof key === 'string' && (target[key] === undefined || target[key] === null)) {
        unfilled.add(key);
        if (fill) target[key] = fill(key);
      }
      return Reflect.has(target, key);
    },
  });
  return { scope, unfilled };
}

/**
 * A copy of the values holding only data: a function would be *called* by liquidjs when read (it invokes
 * function-valued properties), so functions and symbols are dropped, and cycles are cut by a depth limit.
 * The scope has no prototype, so `constructor` or `__proto__` name nothing unless the caller set them.
 */
function plainValues(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const scope = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) scope[key] = plain(value, 1);
  return scope;
}

function plain(value: unknown, depth: number): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value)))
    return String(value);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (depth >= TEMPLATE_LIMITS.valueDepth) return undefined;
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
}

/** A subject is a mail header: line breaks and control characters would inject headers. */
function headerSafe(subject: string): string {
  const chars = Array.from(subject.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim());
  return chars.slice(0, TEMPLATE_LIMITS.subjectChars).join('').trimEnd();
}

const EXPLAINED: Readonly<Record<string, string>> = {
  'template render limit exceeded': `took longer than ${TEMPLATE_LIMITS.renderMs} ms to render (a loop too large?)`,
  'memory alloc limit exceeded': `built more than ${TEMPLATE_LIMITS.memoryUnits} characters or list items (a loop that grows a string?)`,
  'parse length limit exceeded': `is longer than ${TEMPLATE_LIMITS.parseChars} characters`,
  'Maximum call stack size exceeded': 'tags are nested too deeply',
};

/** liquidjs's `message, line:1, col:4` as `line 1, column 4: message`, limits explained. */
function describeError(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const at = /^([\s\S]*?)(?:, file:[^,]*)?, line:(\d+), col:(\d+)$/.exec(raw);
  const message = at?.[1] ?? raw;
  const explained = Object.hasOwn(EXPLAINED, message)
    ? EXPLAINED[message]
    : message.replace(/^undefined filter: (.*)$/, 'unknown filter "$1"');
  return `${at ? `line ${at[2]}, column ${at[3]}: ` : ''}${explained}`;
}
