/**
 * The workspace's values for the pack's `from: workspace` template variables: the SaaS's own links and
 * words the pack cannot know (`upgrade_url`, `update_payment_method_url`, `export_data_url`, ShopSmart's
 * `video_url`). Set once per workspace, like Customer.io's global data, and filled into every message
 * that names them; without one the variable renders empty and the delivery says it was missing.
 *
 * Only variables the active pack declares `from: workspace` may be set, so a typo is refused with the
 * list, and a variable named like a link (`…_url`, `…_link`) must be an absolute http(s) URL.
 */
import { eq } from 'drizzle-orm';
import { OpsError, type FieldError } from '../../errors/catalog.js';
import type { Policy } from '../../packs/compile.js';
import type { Queryable, Tx } from '../../store/database.js';
import { workspaces } from '../../store/schema.js';

export interface WorkspaceVariable {
  readonly name: string;
  readonly description: string;
  readonly example: string | null;
  /** The templates that use it. */
  readonly templates: string[];
  readonly value: string | null;
}

const isLink = (name: string) => name.endsWith('_url') || name.endsWith('_link');

/** The active pack's `from: workspace` variables, each once, with the templates that use it. */
function declared(policy: Policy): Map<string, Omit<WorkspaceVariable, 'value'>> {
  const out = new Map<string, Omit<WorkspaceVariable, 'value'>>();
  for (const template of Object.values(policy.templates))
    for (const v of template.variables)
      if (v.from === 'workspace') {
        const seen = out.get(v.name);
        if (seen) seen.templates.push(template.id);
        else
          out.set(v.name, {
            name: v.name,
            description: v.description,
            example: v.example ?? null,
            templates: [template.id],
          });
      }
  return out;
}

export async function readTemplateValues(q: Queryable, workspaceId: string): Promise<Record<string, string>> {
  const [row] = await q
    .select({ values: workspaces.templateValues })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return row?.values ?? {};
}

/** Every variable the pack declares, with the workspace's value; then values set for ones it no longer does. */
export function workspaceVariables(
  policy: Policy | null,
  values: Readonly<Record<string, string>>,
): WorkspaceVariable[] {
  const vars = policy ? [...declared(policy).values()] : [];
  const names = new Set(vars.map((v) => v.name));
  return [
    ...vars
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((v) => ({ ...v, value: values[v.name] ?? null })),
    ...Object.keys(values)
      .filter((name) => !names.has(name))
      .sort()
      .map((name) => ({
        name,
        description: 'Not used by the active pack.',
        example: null,
        templates: [],
        value: values[name]!,
      })),
  ];
}

function problemOf(name: string, value: string): string | null {
  if (value.trim() === '') return 'a value may not be blank: send null to remove it';
  if (!isLink(name)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'a link starts with https://';
  } catch {
    return 'a variable named …_url or …_link is an absolute link, e.g. https://app.example.com/billing';
  }
}

/**
 * Merges `patch` into the workspace's values (`null` removes one); all or nothing. A name the active pack
 * does not declare `from: workspace`, or a link that is not one, is refused naming each.
 */
export async function updateTemplateValues(
  tx: Tx,
  workspaceId: string,
  policy: Policy | null,
  patch: Readonly<Record<string, string | null>>,
): Promise<Record<string, string>> {
  const known = policy ? declared(policy) : new Map();
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) continue;
    if (!known.has(name))
      problems.push({
        pointer: `/body/values/${name}`,
        message: `the active pack has no template variable "${name}" from the workspace; it has: ${[...known.keys()].sort().join(', ') || 'none'}`,
      });
    else {
      const problem = problemOf(name, value);
      if (problem) problems.push({ pointer: `/body/values/${name}`, message: problem });
    }
  }
  if (problems.length > 0)
    throw new OpsError(
      'OPS_VALIDATION',
      `${problems.length} template value${problems.length === 1 ? ' is' : 's are'} not valid; nothing was changed.`,
      problems,
    );
  const [row] = await tx
    .select({ values: workspaces.templateValues })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .for('update');
  const next: Record<string, string> = { ...(row?.values ?? {}) };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name];
    else next[name] = value.trim();
  }
  await tx.update(workspaces).set({ templateValues: next }).where(eq(workspaces.id, workspaceId));
  return next;
}
