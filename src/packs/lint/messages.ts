/**
 * Rules on what customers receive. `journey-without-exit`: a journey that waits (a step later than T+0,
 * or on an event) keeps sending after the customer converted, churned or complained unless something ends
 * it; a journey whose steps all run at T+0 is over at once and needs no exit. `template-missing-locale`:
 * a customer who reads the pack's other locale gets that message in the default one instead. A template is
 * compared only with templates of its own `audience`: an internal Slack alert need not be translated
 * because the customer messages are, nor a customer message because an internal one is.
 */
import type { Pack } from '../schema/pack.js';
import { finding, type LintFinding } from './finding.js';

export function journeyWithoutExit(pack: Pack): LintFinding[] {
  return (pack.journeys ?? []).flatMap((journey, i) => {
    if ((journey.exitWhen ?? []).length > 0) return [];
    if (journey.steps.every((step) => step.at === 0)) return [];
    return [
      finding(
        'journey-without-exit',
        ['journeys', i],
        `journey \`${journey.id}\` has no \`exitWhen\`: it runs every step even after its purpose is met (upgraded, churned, opted out)`,
        'add `exitWhen: [{ field: …, eq: … }]` with the conditions that end it',
      ),
    ];
  });
}

export function templateMissingLocale(pack: Pack): LintFinding[] {
  const templates = pack.templates ?? [];
  return templates.flatMap((template, i) => {
    const others = templates.filter((o, j) => j !== i && o.audience === template.audience);
    const having = (locale: string) => others.filter((o) => Object.hasOwn(o.locales, locale)).length;
    const missing = pack.pack.locales.filter(
      (locale) => !Object.hasOwn(template.locales, locale) && having(locale) > 0,
    );
    if (missing.length === 0) return [];
    const list = missing.map((l) => `\`${l}\` (${plural(having(l), template.audience)})`).join(', ');
    return [
      finding(
        'template-missing-locale',
        ['templates', i, 'locales'],
        `template \`${template.id}\` has no variant for ${list}`,
        `add ${missing.map((l) => `\`${l}:\``).join(' and ')} under \`locales\``,
      ),
    ];
  });
}

function plural(count: number, audience: string): string {
  return count === 1 ? `1 other ${audience} template has it` : `${count} other ${audience} templates have it`;
}
