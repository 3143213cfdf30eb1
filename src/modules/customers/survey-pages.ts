/**
 * The page a survey link opens: the scale as a plain form (no script, under the help centre's CSP), the
 * answer given when there is one, and the thank-you page. Opening the link answers nothing (mail scanners
 * open links); only the form's POST does.
 */
import type { SurveyScale } from '../../store/schema-customers.js';
import { escapeHtml, layout } from '../support/help-pages.js';
import { SCALES } from './survey-scores.js';

export interface SurveyFormInput {
  /** Where the form posts: `/api/v1/surveys/<workspaceId>/<id>`. */
  readonly action: string;
  readonly token: string;
  readonly workspaceName: string;
  readonly scale: SurveyScale;
  /** Pre-selected (a score link in the message). */
  readonly score?: number | undefined;
  readonly answered?: { readonly score: number; readonly at: Date } | undefined;
}

const QUESTION: Record<SurveyScale, (name: string) => string> = {
  nps: (name) => `How likely are you to recommend ${name} to a friend or colleague?`,
  csat: (name) => `How satisfied are you with ${name}?`,
};
const ENDS: Record<SurveyScale, readonly [string, string]> = {
  nps: ['0 = not at all likely', '10 = extremely likely'],
  csat: ['1 = very dissatisfied', '5 = very satisfied'],
};

export function surveyFormPage(input: SurveyFormInput): string {
  const name = escapeHtml(input.workspaceName);
  if (input.answered)
    return layout(
      null,
      'Already answered',
      `<h1>Thank you</h1><p>You answered this survey on ${escapeHtml(input.answered.at.toISOString().slice(0, 10))} (${input.answered.score}). Each invitation takes one answer.</p>`,
    );
  const { min, max } = SCALES[input.scale];
  const choices = Array.from({ length: max - min + 1 }, (_, i) => min + i)
    .map(
      (s) =>
        `<label><input type="radio" name="score" value="${s}" required${input.score === s ? ' checked' : ''}> ${s}</label>`,
    )
    .join('');
  const [low, high] = ENDS[input.scale];
  return layout(
    null,
    `${input.workspaceName}: a quick question`,
    `<h1>A quick question</h1><form method="post" action="${escapeHtml(input.action)}"><input type="hidden" name="t" value="${escapeHtml(input.token)}"><fieldset><legend>${QUESTION[input.scale](name)}</legend><div class="scores">${choices}</div><p class="muted">${low} · ${high}</p></fieldset><p><label for="comment">What is the main reason for your score? (optional)</label><br><textarea id="comment" name="comment" rows="4" maxlength="2000"></textarea></p><button type="submit">Send</button></form>`,
  );
}

export function surveyAnsweredPage(workspaceName: string, score: number, scale: SurveyScale): string {
  return layout(
    null,
    'Thank you',
    `<h1>Thank you</h1><p>Your answer (${score} of ${SCALES[scale].max}) reached ${escapeHtml(workspaceName)}.</p>`,
  );
}
