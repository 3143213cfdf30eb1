/**
 * Markdown building blocks for the rendered SOP: tables whose cells stay on one line, code spans and fenced
 * blocks that survive backticks in pack text, headed sections, and list items that carry a command.
 */

/** Whitespace runs, newlines included, become one space: list items and table cells are one line. */
export const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

// Table cells are one line: newlines become spaces (raw HTML like <br> is escaped when shown).
const esc = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * A GFM table. Columns empty in every row are left out, so optional fields cost no space; no rows, no table.
 * @example table(['Level', 'Note'], [['P1', '']]) // '| Level |\n| --- |\n| P1 |\n'
 */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const kept = header.map((_, i) => i).filter((i) => i === 0 || rows.some((r) => (r[i] ?? '') !== ''));
  const pick = (cells: string[]) => kept.map((i) => cells[i] ?? '');
  return (
    [
      `| ${pick(header).join(' | ')} |`,
      `| ${kept.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${pick(r).map(esc).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}

const longestRun = (text: string, char: string) =>
  Math.max(0, ...[...text.matchAll(new RegExp(`${char}+`, 'g'))].map((m) => m[0].length));

/** An inline code span, fenced with more backticks than the text holds. */
export function code(text: string): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine(text)}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the text (a template body, a script). */
export function fenced(text: string, indent = ''): string[] {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return [fence, ...text.split('\n'), fence].map((line) => (line === '' ? '' : `${indent}${line}`));
}

/** The SOP's own wording, in italics. */
export function quoted(quote: string | undefined): string[] {
  return quote ? [`*“${oneLine(quote).replace(/([*_])/g, '\\$1')}”*`, ''] : [];
}

/** A `## title` section, or nothing when the body is empty. */
export function section(title: string, body: string[]): string[] {
  return body.length === 0 ? [] : [`## ${title}`, '', ...body];
}

/** `text: \`command\``, or the text with the command as a fenced block indented under a list item. */
export function withCommand(marker: string, text: string, command: string | undefined): string[] {
  if (command === undefined) return [`${marker} ${oneLine(text)}`];
  if (!command.includes('\n')) return [`${marker} ${oneLine(text)}: ${code(command)}`];
  return [`${marker} ${oneLine(text)}:`, '', ...fenced(command, ' '.repeat(marker.length + 1)), ''];
}

/** Items as a numbered list, or as bullets. */
export function list(items: string[], ordered = false): string[] {
  return items.length === 0
    ? []
    : [...items.map((item, i) => `${ordered ? `${i + 1}.` : '-'} ${oneLine(item)}`), ''];
}

/** Steps as a numbered list, each with its command; a number the text already starts with is dropped. */
export function numberedSteps(steps: readonly { text: string; command?: string | undefined }[]): string[] {
  if (steps.length === 0) return [];
  const text = (s: { text: string }) => s.text.replace(/^\d+\.\s+/, '');
  return [...steps.flatMap((s, i) => withCommand(`${i + 1}.`, text(s), s.command)), ''];
}
