/** Message templates: every locale of each, the email subject first, the body in a fenced block. */
import type { RenderContext } from './context.js';
import { code, fenced, section } from './markdown.js';

type Template = NonNullable<RenderContext['pack']['templates']>[number];

function variables(template: Template): string[] {
  if (template.variables.length === 0) return [];
  const names = template.variables.map((v) => `${code(v.name)}${v.required ? '' : ' (optional)'}`);
  return [`Variables: ${names.join(', ')}.`, ''];
}

/** `hi` → "Hindi (hi)"; an unknown code stays as it is. */
function localeName(locale: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(locale);
    return name && name !== locale ? `${name} (${locale})` : locale;
  } catch {
    return locale;
  }
}

function template(t: Template): string[] {
  return [
    `### ${t.label}`,
    '',
    `Id ${code(t.id)}; channel ${t.channel}; for ${t.audience === 'customer' ? 'the customer' : 'the team'}.`,
    '',
    ...variables(t),
    ...Object.entries(t.locales).flatMap(([locale, v]) => [
      `*${localeName(locale)}*`,
      '',
      ...fenced([...(v.subject ? [`Subject: ${v.subject}`, ''] : []), v.body.trimEnd()].join('\n')),
      '',
    ]),
  ];
}

export function templates({ pack }: RenderContext): string[] {
  return section('Templates', (pack.templates ?? []).flatMap(template));
}
