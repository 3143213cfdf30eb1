/**
 * The text side of help-centre articles, pure: URL slugs from titles, plain-text excerpts of Markdown, and
 * the topical words of a customer's message that suggestions search for.
 */

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;

/**
 * A URL slug from a title: lower-case ASCII letters and digits joined by dashes (accents dropped); `article`
 * when nothing is left (a title in Hindi), so the caller numbers it.
 *
 * @example slugify('How do I reset my password?') // 'how-do-i-reset-my-password'
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'article';
}

/** Plain text of the first words of a Markdown body, for result lists. */
export function excerptOf(markdown: string, maxChars = 200): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~|]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1).replace(/\s+\S*$/, '')}…`;
}

/** Words that say nothing about a topic: kept out of suggestion queries, where any one word matches. */
const STOP_WORDS = new Set(
  (
    'the and for are but not you your yours our ours was were has have had can could would should will ' +
    'this that these those there their they them then than with from into onto about after before ' +
    'what when where which who whom why how does did doing done just also very really please thanks ' +
    "thank hello dear regards team any all some been being its it’s i’m i'm dont don't cant can't " +
    'hai hain kya nahi aur'
  ).split(/\s+/),
);

/** The distinct topical words of a text (letters and digits, 3+ long, no stop words), at most `max`. */
export function suggestionWords(text: string, max = 24): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{M}\p{N}]{3,}/gu) ?? [];
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w)))].slice(0, max);
}
