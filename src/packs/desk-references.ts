/**
 * Checks the help desk section (`desk`) against the rest of the pack, where a slip would otherwise pass
 * unnoticed until a ticket arrives: priorities that are not levels of the ticket scale, tiers and channels
 * the pack does not define, categories outside the listed ones, triage conditions on fields a new ticket
 * does not have, and desk templates the help desk cannot fill (a variable it never provides would go out
 * empty). A `template` that names no template at all is reported by the generic reference walk.
 */
import type { Condition } from './schema/common.js';
import type { Pack } from './schema/pack.js';
import type { CrossProblem, Path } from './cross-check.js';
import { closestName } from './suggest.js';

type Desk = NonNullable<Pack['desk']>;

/**
 * The values the help desk fills when it renders each desk template (src/modules/support/outbound.ts
 * `renderForCustomer` gives every one the ticket's number, title and customer name).
 */
export const DESK_TEMPLATE_VARIABLES = {
  autoReply: ['ticket_number', 'ticket_title', 'customer_name', 'workspace_name', 'portal_url'],
  bot: ['ticket_number', 'ticket_title', 'customer_name', 'articles'],
  csat: ['ticket_number', 'ticket_title', 'customer_name', 'survey_url'],
} as const;

/** The fields a triage rule can read (src/core/support/triage.ts), besides `facts.<name>`. */
export const TRIAGE_FIELDS = ['text', 'subject', 'body', 'channel', 'plan', 'account', 'requester'] as const;

/** A ticket's channel is a channel of the pack, or `api` for one an integration created. */
const API_CHANNEL = 'api';

/** `did you mean "p1"?` when one is close, then what there is. */
function suggest(value: string, known: readonly string[], what: string): string {
  const close = closestName(value, known);
  const list = known.length > 0 ? `${what}: ${known.join(', ')}` : `the pack defines no ${what}`;
  return close ? `did you mean "${close}"? ${list}` : list;
}

type Comparison = Extract<Condition, { field: string }>;

function comparisons(condition: Condition, path: Path): { c: Comparison; path: Path }[] {
  if ('all' in condition) return condition.all.flatMap((c, i) => comparisons(c, [...path, 'all', i]));
  if ('any' in condition) return condition.any.flatMap((c, i) => comparisons(c, [...path, 'any', i]));
  if ('not' in condition) return comparisons(condition.not, [...path, 'not']);
  return [{ c: condition, path }];
}

class DeskChecker {
  readonly problems: CrossProblem[] = [];
  private readonly levels: string[];
  private readonly tiers: string[];
  private readonly channels: string[];
  private readonly scale: string | undefined;

  constructor(
    private readonly pack: Pack,
    private readonly desk: Desk,
  ) {
    const scale = (pack.scales ?? []).find((s) => s.for === 'ticket');
    this.scale = scale?.id;
    this.levels = scale?.levels.map((l) => l.id) ?? [];
    this.tiers = (pack.tiers ?? []).map((t) => t.id);
    this.channels = (pack.channels ?? []).map((c) => c.id);
  }

  private add(path: Path, message: string, hint?: string): void {
    this.problems.push(hint === undefined ? { path, message } : { path, message, hint });
  }

  priority(level: string, path: Path): void {
    if (this.scale === undefined) {
      this.add(
        path,
        `"${level}" is not a ticket priority: no scale is \`for: ticket\``,
        'add the ticket scale',
      );
    } else if (!this.levels.includes(level)) {
      this.add(
        path,
        `the ticket scale "${this.scale}" has no level "${level}"`,
        suggest(level, this.levels, 'its levels'),
      );
    }
  }

  tier(tier: string, path: Path): void {
    if (!this.tiers.includes(tier))
      this.add(path, `no tier "${tier}" is defined in this pack`, suggest(tier, this.tiers, 'tiers'));
  }

  category(category: string, path: Path): void {
    const listed = this.desk.categories?.map((c) => c.id);
    if (listed && !listed.includes(category))
      this.add(
        path,
        `"${category}" is not one of the desk's categories`,
        suggest(category, listed, 'desk.categories'),
      );
  }

  /** Triage conditions read what a new ticket has; a channel or plan they compare with must exist. */
  condition(condition: Condition, path: Path): void {
    for (const { c, path: at } of comparisons(condition, path)) {
      const field = c.field;
      if (field.startsWith('facts.') && field.length > 6) continue;
      if (!(TRIAGE_FIELDS as readonly string[]).includes(field)) {
        this.add(
          [...at, 'field'],
          `a new ticket has no field "${field}" to triage on`,
          suggest(field, [...TRIAGE_FIELDS, 'facts.<name>'], 'fields'),
        );
        continue;
      }
      const plans = this.pack.plans?.map((p) => p.id);
      const known =
        field === 'channel' ? [...this.channels, API_CHANNEL] : field === 'plan' ? plans : undefined;
      if (!known) continue;
      const values: [unknown, Path][] = [
        [c.eq, [...at, 'eq']],
        [c.ne, [...at, 'ne']],
        ...(c.in ?? []).map((v, i): [unknown, Path] => [v, [...at, 'in', i]]),
      ];
      for (const [value, where] of values) {
        if (typeof value === 'string' && !known.includes(value))
          this.add(
            where,
            `no ${field} "${value}" is defined in this pack`,
            suggest(value, known, `${field}s`),
          );
      }
    }
  }

  /** A desk template must exist for the customer, on the right kind of channel, and be fillable. */
  template(
    use: keyof typeof DESK_TEMPLATE_VARIABLES,
    id: string,
    path: Path,
    expectedKind: string | undefined,
  ): void {
    const template = this.pack.templates?.find((t) => t.id === id);
    if (!template) return; // reported by the reference walk
    if (template.audience !== 'customer')
      this.add(
        path,
        `the help desk sends template "${id}" to the customer, but it is \`audience: internal\``,
      );
    if (expectedKind !== undefined && template.channel !== expectedKind)
      this.add(
        path,
        `template "${id}" is for ${template.channel}, but this message goes by ${expectedKind}`,
        `use a template with \`channel: ${expectedKind}\``,
      );
    const filled: readonly string[] = DESK_TEMPLATE_VARIABLES[use];
    for (const variable of template.variables) {
      if (!variable.required || filled.includes(variable.name)) continue;
      const close = closestName(variable.name, filled);
      this.add(
        path,
        `the help desk fills template "${id}" with ${filled.join(', ')}; its required variable "${variable.name}" would be empty`,
        `${close ? `rename it "${close}", or ` : ''}make it optional (\`required: false\`)`,
      );
    }
  }

  triage(): void {
    const d = this.desk;
    this.priority(d.defaultPriority, ['desk', 'defaultPriority']);
    if (d.defaultCategory !== undefined) this.category(d.defaultCategory, ['desk', 'defaultCategory']);
    d.triage.forEach((rule, i) => {
      const at: Path = ['desk', 'triage', i];
      this.condition(rule.when, [...at, 'when']);
      if (rule.set.priority !== undefined) this.priority(rule.set.priority, [...at, 'set', 'priority']);
      if (rule.set.tier !== undefined) this.tier(rule.set.tier, [...at, 'set', 'tier']);
      if (rule.set.category !== undefined) this.category(rule.set.category, [...at, 'set', 'category']);
    });
    // The help desk suggests the first checks of a ticket's category (`knowledge`).
    (this.pack.knowledge ?? []).forEach((k, i) =>
      (k.categories ?? []).forEach((c, j) => this.category(c, ['knowledge', i, 'categories', j])),
    );
  }

  assignment(): void {
    const firstOfTier = new Map<string, number>();
    this.desk.assignment.forEach((a, i) => {
      this.tier(a.tier, ['desk', 'assignment', i, 'tier']);
      const first = firstOfTier.get(a.tier);
      if (first === undefined) firstOfTier.set(a.tier, i);
      else
        this.add(
          ['desk', 'assignment', i, 'tier'],
          `tier "${a.tier}" already has a strategy (desk.assignment.${first}); the help desk uses the first`,
        );
    });
  }

  messages(): void {
    const { autoReply, bot, csat } = this.desk;
    // "A new email ticket is acknowledged": the acknowledgement is an email.
    if (autoReply) this.template('autoReply', autoReply.template, ['desk', 'autoReply', 'template'], 'email');
    if (bot) {
      const channel = this.pack.channels?.find((c) => c.id === bot.channel);
      if (!channel)
        this.add(
          ['desk', 'bot', 'channel'],
          `no channel "${bot.channel}" is defined in this pack`,
          suggest(bot.channel, this.channels, 'channels'),
        );
      this.template('bot', bot.template, ['desk', 'bot', 'template'], channel?.kind);
    }
    // The survey goes back over the channel the ticket came from, so its template's kind is not fixed.
    if (csat) this.template('csat', csat.template, ['desk', 'csat', 'template'], undefined);
  }
}

/**
 * Problems of the `desk` section, each at the path of the offending value.
 *
 * @example
 * checkDesk(pack); // [{ path: ['desk', 'triage', 0, 'set', 'priority'], message: 'the ticket scale "support-priority" has no level "p9"', hint: … }]
 */
export function checkDesk(pack: Pack): CrossProblem[] {
  if (!pack.desk) return [];
  const checker = new DeskChecker(pack, pack.desk);
  checker.triage();
  checker.assignment();
  checker.messages();
  return checker.problems;
}
