/**
 * A template rendered with sample data, per locale: what the web app's preview and
 * `opsbook render-template` show, so an author sees the Hindi and the English message before any is sent.
 */
import { renderTemplate } from '../../core/templates.js';
import { OpsError } from '../../errors/catalog.js';
import type { Policy } from '../../packs/compile.js';

export interface PreviewItem {
  readonly locale: string;
  readonly subject: string | null;
  readonly text: string;
  readonly missing: string[];
}

export function renderPreview(
  policy: Policy | null,
  templateId: string,
  input: {
    readonly locale?: string | undefined;
    readonly values?: Readonly<Record<string, string>> | undefined;
  },
): { template: string; channel: string; items: PreviewItem[] } {
  if (!policy)
    throw new OpsError('OPS_NOT_FOUND', 'This workspace has no active pack, so it has no templates.');
  const template = policy.templates[templateId];
  if (!template) {
    const ids = Object.keys(policy.templates).sort();
    throw new OpsError(
      'OPS_NOT_FOUND',
      `No template "${templateId}" in the active pack; its templates are: ${ids.join(', ') || 'none'}.`,
    );
  }
  const locales = input.locale ? [input.locale] : Object.keys(template.locales);
  const items = locales.map((locale) => {
    const result = renderTemplate(template, { locale, values: input.values ?? {}, mode: 'preview' });
    if (!result.ok)
      throw new OpsError(
        'OPS_VALIDATION',
        `Template "${templateId}" (${locale}) does not render: ${result.error}`,
        [
          {
            pointer: input.locale ? '/body/locale' : `/templates/${templateId}/locales/${locale}`,
            message: result.error,
          },
        ],
      );
    return {
      locale: result.locale,
      subject: result.subject ?? null,
      text: result.text,
      missing: [...result.missing],
    };
  });
  return { template: template.id, channel: template.channel, items };
}
