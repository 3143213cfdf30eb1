/**
 * `opsbook render-template <pack-dir> <template-id>`: shows a pack template rendered with sample data, per
 * locale, so an author sees the message before anyone receives it. A thin shell: the pack loads with the
 * same loader as `validate`, rendering is src/core/templates.ts in preview mode (missing values come from
 * each variable's example); a template that fails to render is reported at its file:line:column.
 */
import { parseArgs } from 'node:util';
import { renderTemplate } from '../core/templates.js';
import { formatProblems } from '../packs/format.js';
import { loadPack, type LoadResult } from '../packs/load.js';
import { formatPath } from '../packs/problems.js';
import type { Pack } from '../packs/schema/pack.js';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface RenderTemplateOptions {
  /** Only this locale; every locale of the template when absent. */
  readonly locale?: string | undefined;
  /** `name=value` pairs that replace the examples. */
  readonly vars: readonly string[];
  readonly json: boolean;
}

export const RENDER_TEMPLATE_USAGE = `opsbook render-template <pack-dir> <template-id> [--locale L] [--var name=value ...] [--json]

  <pack-dir>     the pack's folder; an invalid pack prints its problems and exits 1.
  <template-id>  the template's id (templates.yaml).
  --locale       render only this locale (default: every locale the template has).
  --var          a value for a variable, e.g. --var customer_name=Asha (repeatable); the others show
                 their example, or [name] when they have none.
  --json         one JSON object per line: { template, locale, subject, text, missing }, or
                 { template, locale, error } when a locale fails to render.

Exit 0 when every locale renders, 1 when the pack is invalid or a locale fails to render, 2 on bad usage.`;

export const RENDER_TEMPLATE_OPTIONS = {
  locale: { type: 'string' },
  var: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const EXIT = { ok: 0, finding: 1, usage: 2 } as const;

/**
 * Parses the command's own arguments (everything after `render-template`), then renders.
 *
 * @example await renderTemplateCommand(['packs/shopsmart-pro', 'welcome-sms', '--locale', 'hi'], io)
 */
export async function renderTemplateCommand(args: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: RENDER_TEMPLATE_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${RENDER_TEMPLATE_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 2) {
    const problem =
      positionals.length > 2 ? `unexpected argument "${positionals[2]}".` : 'missing arguments.';
    return usage(io, `${problem} Give <pack-dir> and <template-id>.`);
  }
  const [dir = '', id = ''] = positionals;
  return renderTemplates(
    dir,
    id,
    { locale: values.locale, vars: values.var ?? [], json: values.json === true },
    io,
  );
}

/** Loads the pack, renders the template's locales in preview mode and prints them; resolves to the exit code. */
export async function renderTemplates(
  dir: string,
  templateId: string,
  options: RenderTemplateOptions,
  io: CommandIo,
): Promise<number> {
  const loaded = await loadPack(dir);
  if (!loaded.ok) {
    io.err(formatProblems(loaded.problems));
    return EXIT.finding;
  }
  const templates = loaded.pack.templates ?? [];
  const index = templates.findIndex((t) => t.id === templateId);
  const template = templates[index];
  if (!template) {
    const known =
      templates.length > 0 ? `templates are: ${templates.map((t) => t.id).join(', ')}` : 'it has none';
    return usage(io, `no template “${templateId}” in pack ${loaded.pack.pack.id} (${dir}); ${known}`);
  }
  const values = parseVars(options.vars, template);
  if (typeof values === 'string') return usage(io, values);
  const available = Object.keys(template.locales);
  if (options.locale !== undefined && !available.includes(options.locale))
    return usage(
      io,
      `template “${template.id}” has no locale “${options.locale}”; it has: ${available.join(', ')}`,
    );
  let failed = false;
  for (const locale of options.locale === undefined ? available : [options.locale]) {
    const result = renderTemplate(template, { locale, values, mode: 'preview' });
    if (result.ok) {
      const { subject = null, text, missing } = result;
      io.out(
        options.json
          ? jsonLine({ template: template.id, locale, subject, text, missing })
          : asText(template, result),
      );
    } else {
      failed = true;
      const part = /\) subject: /.test(result.error) ? 'subject' : 'body';
      if (options.json) io.out(jsonLine({ template: template.id, locale, error: result.error }));
      else io.err(renderProblem(loaded, ['templates', index, 'locales', locale, part], result.error));
    }
  }
  return failed ? EXIT.finding : EXIT.ok;
}

type Template = NonNullable<Pack['templates']>[number];

/** `--var name=value` pairs as values, or what is wrong with one of them. */
function parseVars(vars: readonly string[], template: Template): Record<string, string> | string {
  const declared = template.variables.map((v) => v.name);
  const values: Record<string, string> = {};
  for (const pair of vars) {
    const at = pair.indexOf('=');
    if (at <= 0) return `--var "${pair}" must be name=value, e.g. --var ${declared[0] ?? 'name'}=value`;
    const name = pair.slice(0, at);
    if (!declared.includes(name)) {
      const list = declared.length > 0 ? `it declares: ${declared.join(', ')}` : 'it declares none';
      return `--var ${name}: template “${template.id}” has no variable “${name}”; ${list}`;
    }
    values[name] = pair.slice(at + 1);
  }
  return values;
}

function asText(
  template: Template,
  result: { locale: string; subject?: string; text: string; missing: readonly string[] },
): string {
  const heading = `== ${template.id} [${result.locale}] (${template.channel}, ${template.audience}) ==\n`;
  const subject = result.subject === undefined ? '' : `Subject: ${result.subject}\n\n`;
  const examples =
    result.missing.length > 0 ? `-- example values used for: ${result.missing.join(', ')}\n` : '';
  return `${heading}${subject}${result.text}${result.text.endsWith('\n') ? '' : '\n'}${examples}\n`;
}

function jsonLine(line: Record<string, unknown>): string {
  return `${JSON.stringify(line)}\n`;
}

/** The failure at the file:line:column of the part that failed, as `validate` prints problems. */
function renderProblem(loaded: Extract<LoadResult, { ok: true }>, path: (string | number)[], error: string) {
  const { file, line, column } = loaded.locate(path);
  const problem = { file, line, column, path: formatPath(path), message: error, severity: 'error' as const };
  return formatProblems([problem], { counts: false });
}

function usage(io: CommandIo, message: string): number {
  io.err(`opsbook render-template: ${message}\nSee opsbook render-template --help.\n`);
  return EXIT.usage;
}
