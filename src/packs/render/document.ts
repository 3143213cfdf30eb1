/** Document control: the title, the control table, purpose and scope, and the change log. */
import type { Pack } from '../schema/pack.js';
import { table } from './markdown.js';

function review(d: Pack['pack']): string {
  if ('by' in d.review) return `by ${d.review.by}`;
  return 'every' in d.review ? `every ${d.review.every}` : `after ${d.review.after}`;
}

export function documentControl(pack: Pack): string[] {
  const d = pack.pack;
  return [
    `# ${d.title}`,
    '',
    table(
      ['Pack', 'Version', 'Owner', 'Approver', 'Effective', 'Review', 'Time zone', 'Languages'],
      [[d.id, d.version, d.owner, d.approver, d.effective, review(d), d.timeZone, d.locales.join(', ')]],
    ),
    d.purpose ? `**Purpose.** ${d.purpose}\n` : '',
    d.scope ? `**Scope.** ${d.scope}\n` : '',
    '## Change log',
    '',
    table(
      ['Version', 'Date', 'Author', 'Changes'],
      d.changelog.map((c) => [c.version, c.date, c.author, c.changes]),
    ),
  ];
}
