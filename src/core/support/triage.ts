/**
 * Auto-categorise and prioritise (ShopSmart SOP-002: "Ticket Created → Auto-categorize & Prioritize →
 * Assign to Agent"). The pack's triage rules are tried in order; each sets only what is still unset, so the
 * first (most urgent) matching rule wins each field, and what the caller gave (an agent creating a ticket
 * with a priority) is never overridden. The result names the rule that decided, for the ticket to show.
 */
import type { Frozen } from '../../packs/compile.js';
import type { Desk } from '../../packs/schema/desk.js';
import type { z } from 'zod';
import { holds } from '../decide/conditions.js';
import type { Scalar } from '../decide/types.js';

type DeskPolicy = Frozen<z.output<typeof Desk>>;

export interface TriageInput {
  readonly subject: string;
  readonly body: string;
  readonly channel: string;
  readonly plan?: string | undefined;
  readonly account?: string | undefined;
  readonly requester?: string | undefined;
  /** The account's usage facts, read as `facts.<name>`. */
  readonly facts?: Readonly<Record<string, Scalar>>;
  /** Set by the caller: kept as given. */
  readonly given?: { readonly priority?: string; readonly category?: string; readonly tier?: string };
}

export interface TriageResult {
  readonly priority: string;
  readonly category: string | null;
  readonly tier: string | null;
  readonly tags: readonly string[];
  /** The first rule that set something, or null (defaults, or all given). */
  readonly rule: string | null;
  readonly quote?: string;
  /** Which rule (or `given`, `default`) set each field. */
  readonly set: Readonly<Record<string, string>>;
}

export function triage(
  desk: DeskPolicy | undefined,
  input: TriageInput,
  fallbackPriority: string,
): TriageResult {
  const fields: Record<string, Scalar | undefined> = {
    text: `${input.subject}\n${input.body}`,
    subject: input.subject,
    body: input.body,
    channel: input.channel,
    plan: input.plan,
    account: input.account,
    requester: input.requester,
  };
  const source = {
    lookup: (field: string): Scalar | undefined =>
      field.startsWith('facts.') ? input.facts?.[field.slice(6)] : fields[field],
  };
  const chosen: { priority?: string; category?: string; tier?: string } = { ...input.given };
  const set: Record<string, string> = {};
  for (const key of Object.keys(chosen)) set[key] = 'given';
  const tags: string[] = [];
  let rule: string | null = null;
  let quote: string | undefined;
  for (const r of desk?.triage ?? []) {
    if (!holds(r.when, source)) continue;
    let used = false;
    for (const key of ['priority', 'category', 'tier'] as const) {
      const value = r.set[key];
      if (value !== undefined && chosen[key] === undefined) {
        chosen[key] = value;
        set[key] = r.id;
        used = true;
      }
    }
    for (const tag of r.set.tags ?? [])
      if (!tags.includes(tag)) {
        tags.push(tag);
        used = true;
      }
    if (used && rule === null) {
      rule = r.id;
      quote = r.quote;
    }
  }
  if (chosen.priority === undefined) {
    chosen.priority = desk?.defaultPriority ?? fallbackPriority;
    set.priority = 'default';
  }
  if (chosen.category === undefined && desk?.defaultCategory) {
    chosen.category = desk.defaultCategory;
    set.category = 'default';
  }
  return {
    priority: chosen.priority,
    category: chosen.category ?? null,
    tier: chosen.tier ?? null,
    tags,
    rule,
    ...(quote !== undefined ? { quote } : {}),
    set,
  };
}
