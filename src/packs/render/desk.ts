/** The help desk section in words: triage rules, assignment, automatic replies, CSAT, reopen window. */
import type { RenderContext } from './context.js';
import { labelOf, levelLabel } from './context.js';
import { code, list, quoted, section, table } from './markdown.js';
import { describeCondition, describeDuration } from './words.js';

type Pack = RenderContext['pack'];
type Desk = NonNullable<Pack['desk']>;

const STRATEGY: Record<Desk['assignment'][number]['strategy'], string> = {
  'round-robin': 'in turn among its agents on shift (round-robin)',
  'least-loaded': 'to its agent on shift with the fewest open tickets',
  manual: 'by hand: a lead assigns, or an agent takes it',
};

type Condition = Desk['triage'][number]['when'];

/**
 * A triage condition in words. Word lists read "contains any of …" so that, next to `and`, their `or`
 * cannot be misread; everything else is worded as elsewhere in the SOP.
 */
function describeWhen(c: Condition, nested = false): string {
  if ('all' in c || 'any' in c) {
    const [parts, joiner] = 'all' in c ? [c.all, ' and '] : [c.any, ' or '];
    if (!parts.some((p) => 'field' in p && p.contains)) return describeCondition(c);
    const text = parts.map((p) => describeWhen(p, true)).join(joiner);
    return nested ? `(${text})` : text;
  }
  if ('field' in c && c.contains) {
    const words = c.contains.map((w) => `"${w}"`).join(', ');
    return `${c.field} contains ${c.contains.length > 1 ? 'any of ' : ''}${words}`;
  }
  return describeCondition(c);
}

function categoryLabel(d: Desk, id: string): string {
  const label = d.categories?.find((c) => c.id === id)?.label;
  return label ? `${label} (${code(id)})` : code(id);
}

function triage(pack: Pack, d: Desk): string[] {
  const fallback = `A ticket no rule prioritises is ${levelLabel(pack, d.defaultPriority)}${d.defaultCategory ? `, category ${categoryLabel(d, d.defaultCategory)}` : ''}.`;
  if (d.triage.length === 0) return [fallback];
  const rows = d.triage.map((r, i) => [
    String(i + 1),
    r.label ?? r.id,
    describeWhen(r.when),
    [
      r.set.priority ? `priority ${levelLabel(pack, r.set.priority)}` : '',
      r.set.category ? `category ${categoryLabel(d, r.set.category)}` : '',
      r.set.tier ? `tier ${labelOf(pack.tiers, r.set.tier)}` : '',
      r.set.tags?.length ? `tags ${r.set.tags.map(code).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(', '),
    r.quote ?? '',
  ]);
  return [
    'A new ticket is triaged by these rules, in order: for each field (priority, category, tier) the first rule that matches sets it, and tags add up. Texts match as whole words, ignoring case. What the ticket was given (an agent creating it with a priority) is kept, and an agent can change any of it later.',
    '',
    table(['#', 'Rule', 'When', 'Sets', 'SOP'], rows),
    '',
    fallback,
  ];
}

function assignment(pack: Pack, d: Desk): string[] {
  if (d.assignment.length === 0) return [];
  return [
    'Each tier assigns its new tickets:',
    '',
    ...list(d.assignment.map((a) => `${labelOf(pack.tiers, a.tier)}: ${STRATEGY[a.strategy]}`)),
  ];
}

/** A paragraph and the SOP's words under it. */
const paragraph = (text: string, quote?: string): string[] => [text, '', ...quoted(quote)];

function messages(pack: Pack, d: Desk): string[][] {
  const blocks: string[][] = [];
  if (d.autoReply)
    blocks.push(
      paragraph(
        `A new email ticket is acknowledged at once with ${code(d.autoReply.template)}: at most ${d.autoReply.maxPerSenderPerHour} automatic replies to one sender an hour, and never to automated mail (auto-replies, bounces, mailing lists).`,
        d.autoReply.quote,
      ),
    );
  if (d.bot)
    blocks.push(
      paragraph(
        `A bot answers ${labelOf(pack.channels, d.bot.channel)} first with ${code(d.bot.template)}${d.bot.suggestArticles > 0 ? `, suggesting up to ${d.bot.suggestArticles} help-centre articles` : ''}; an agent takes over when the customer replies.`,
        d.bot.quote,
      ),
    );
  if (d.csat)
    blocks.push(
      paragraph(
        `A satisfaction survey (1-${d.csat.scale}), ${code(d.csat.template)}, goes over the channel the ticket came from ${d.csat.delay ? `${describeDuration(d.csat.delay)} after` : 'when'} the ticket is resolved${d.csat.target !== undefined ? `; the goal is an average over ${d.csat.target}/${d.csat.scale}` : ''}.`,
        d.csat.quote,
      ),
    );
  const fcr = d.firstContactResolution;
  if (fcr)
    blocks.push(
      paragraph(
        `An agent who resolves a ticket at first contact tags it ${code(fcr.tag)}${fcr.target !== undefined ? `; the goal is over ${fcr.target} % of resolved tickets` : ''}.`,
        fcr.quote,
      ),
    );
  return blocks;
}

/** Blocks separated by one blank line, and one after the last, as every section ends. */
function joined(blocks: readonly string[][]): string[] {
  const trimmed = blocks
    .map((b) => {
      const lines = [...b];
      while (lines.at(-1) === '') lines.pop();
      return lines;
    })
    .filter((b) => b.length > 0);
  return [...trimmed.flatMap((b, i) => (i === 0 ? b : ['', ...b])), ''];
}

export function desk({ pack }: RenderContext): string[] {
  const d = pack.desk;
  if (!d) return [];
  return section(
    'Help desk',
    joined([
      quoted(d.quote),
      triage(pack, d),
      d.categories?.length
        ? ['Categories:', '', ...list(d.categories.map((c) => `${c.label} (${code(c.id)})`))]
        : [],
      assignment(pack, d),
      d.reopenWindow === undefined
        ? []
        : [
            `A resolved ticket reopened within ${describeDuration(d.reopenWindow)} counts toward the reopen rate; a reply after that opens a new ticket.`,
          ],
      ...messages(pack, d),
    ]),
  );
}
