/**
 * The public help centre and the CSAT survey as server-rendered HTML (issue 7): plain pages and forms that
 * work without JavaScript, under a strict Content-Security-Policy (no scripts at all; the one stylesheet
 * allowed by its hash). Everything from the database or the request is escaped; article bodies are
 * Markdown written by agents, rendered with `marked` and then sanitised like customers' mail (sanitize.ts):
 * remote images are not loaded (only `data:` images show), links open apart with `rel=noopener`.
 */
import { createHash } from 'node:crypto';
import { Marked } from 'marked';
import type { ArticleHit } from './knowledge.js';
import { sanitizeMailHtml } from './sanitize.js';

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2933;background:#f7f8fa}
header,main,footer{max-width:46rem;margin:0 auto;padding:1rem}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header a{color:inherit;text-decoration:none;font-weight:600}
main{background:#fff;border-radius:8px}
a{color:#1d4ed8}
input[type=search],textarea{font:inherit;padding:.4rem;border:1px solid #9aa5b1;border-radius:4px}
textarea{width:100%;box-sizing:border-box}
button{font:inherit;padding:.4rem .9rem;border:1px solid #1d4ed8;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}
fieldset{border:0;padding:0;margin:0 0 1rem}
.scores{display:flex;gap:.5rem;flex-wrap:wrap}
.scores label{border:1px solid #9aa5b1;border-radius:4px;padding:.4rem .8rem}
.muted{color:#52606d;font-size:.9rem}
.article img{max-width:100%}
.article pre{overflow:auto;background:#f0f2f5;padding:.5rem}
.article table{border-collapse:collapse}.article td,.article th{border:1px solid #cbd2d9;padding:.25rem .5rem}
ul.hits{list-style:none;padding:0}ul.hits li{margin:0 0 1rem}`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** No script may run, nothing may frame the page, forms post only back here, nothing loads from elsewhere. */
export const HELP_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const marked = new Marked({
  gfm: true,
  renderer: {
    // Raw HTML in an article is shown as text; sanitising below is the second line of defence.
    html: ({ text }) => escapeHtml(text),
  },
});

/** An article's Markdown as safe HTML. */
export function renderArticleHtml(markdown: string): string {
  return sanitizeMailHtml(marked.parse(markdown, { async: false })) ?? '';
}

export interface HelpSite {
  readonly name: string;
  /** `/help/<slug>`: where the help centre's links start. */
  readonly basePath: string;
}

export function layout(site: HelpSite | null, title: string, body: string, search = ''): string {
  const head = site
    ? `<header><a href="${escapeHtml(site.basePath)}">${escapeHtml(site.name)} help centre</a><form method="get" action="${escapeHtml(site.basePath)}/search" role="search"><label>Search <input type="search" name="q" value="${escapeHtml(search)}" maxlength="200"></label> <button type="submit">Search</button></form></header>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}${site ? ` · ${escapeHtml(site.name)}` : ''}</title><style>${STYLE}</style></head><body>${head}<main>${body}</main></body></html>`;
}

const articleHref = (site: HelpSite, slug: string) => `${site.basePath}/articles/${encodeURIComponent(slug)}`;

function hitList(site: HelpSite, hits: readonly ArticleHit[]): string {
  return `<ul class="hits">${hits
    .map(
      (h) =>
        `<li><a href="${escapeHtml(articleHref(site, h.slug))}">${escapeHtml(h.title)}</a><br><span class="muted">${escapeHtml(h.excerpt)}</span></li>`,
    )
    .join('')}</ul>`;
}

/** The help centre's front page: published articles grouped by category. */
export function indexPage(site: HelpSite, articles: readonly ArticleHit[]): string {
  const byCategory = new Map<string, ArticleHit[]>();
  for (const a of articles) byCategory.set(a.category, [...(byCategory.get(a.category) ?? []), a]);
  const sections = [...byCategory.entries()]
    .map(([category, list]) => `<section><h2>${escapeHtml(category)}</h2>${hitList(site, list)}</section>`)
    .join('');
  return layout(
    site,
    'Help centre',
    `<h1>How can we help?</h1>${sections || '<p>No articles are published yet.</p>'}`,
  );
}

export interface ArticlePageInput {
  readonly title: string;
  readonly category: string;
  readonly slug: string;
  readonly html: string;
  readonly updatedAt: Date;
  /** After a "was this helpful?" answer: thanks instead of the buttons. */
  readonly answered?: boolean;
}

export function articlePage(site: HelpSite, article: ArticlePageInput): string {
  const feedback = article.answered
    ? '<p>Thank you for your feedback.</p>'
    : `<form method="post" action="${escapeHtml(articleHref(site, article.slug))}/feedback"><fieldset><legend>Was this article helpful?</legend><button type="submit" name="helpful" value="yes">Yes</button> <button type="submit" class="secondary" name="helpful" value="no">No</button></fieldset></form>`;
  return layout(
    site,
    article.title,
    `<p class="muted"><a href="${escapeHtml(site.basePath)}">Help centre</a> › ${escapeHtml(article.category)}</p><h1>${escapeHtml(article.title)}</h1><div class="article">${article.html}</div><p class="muted">Updated ${escapeHtml(article.updatedAt.toISOString().slice(0, 10))}</p>${feedback}`,
  );
}

export function searchPage(site: HelpSite, q: string, hits: readonly ArticleHit[]): string {
  const body = q.trim()
    ? hits.length > 0
      ? `<p>${hits.length} article${hits.length === 1 ? '' : 's'} found.</p>${hitList(site, hits)}`
      : '<p>No article matches these words. Try other words, or contact us.</p>'
    : '<p>Type what you are looking for.</p>';
  return layout(site, q ? `Search: ${q}` : 'Search', `<h1>Search</h1>${body}`, q);
}

export interface SurveyPageInput {
  /** Where the form posts: `/api/v1/help/<workspaceId>/csat/<number>`. */
  readonly action: string;
  readonly token: string;
  readonly number: number;
  readonly ticketTitle: string;
  readonly workspaceName: string;
  /** Pre-selected (a 1-5 link in the survey message). */
  readonly score?: number | undefined;
  /** Already answered: shown, and may be changed. */
  readonly answered?: { readonly score: number; readonly comment: string | null } | undefined;
}

const SCORE_LABELS = ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'];

/** The CSAT survey: five choices and a comment, posted as a plain form. */
export function surveyPage(input: SurveyPageInput): string {
  const chosen = input.score ?? input.answered?.score;
  const choices = SCORE_LABELS.map((label, i) => {
    const score = i + 1;
    return `<label><input type="radio" name="score" value="${score}" required${chosen === score ? ' checked' : ''}> ${score} · ${escapeHtml(label)}</label>`;
  }).join('');
  const already = input.answered
    ? '<p class="muted">You answered this survey already; sending it again replaces your answer.</p>'
    : '';
  return layout(
    null,
    'How did we do?',
    `<h1>How did we do?</h1><p>${escapeHtml(input.workspaceName)} · ticket #${input.number}: ${escapeHtml(input.ticketTitle)}</p>${already}<form method="post" action="${escapeHtml(input.action)}"><input type="hidden" name="t" value="${escapeHtml(input.token)}"><fieldset><legend>How satisfied are you with the help you got?</legend><div class="scores">${choices}</div></fieldset><p><label for="comment">Anything you want to tell us? (optional)</label><br><textarea id="comment" name="comment" rows="4" maxlength="2000">${escapeHtml(input.answered?.comment ?? '')}</textarea></p><button type="submit">Send</button></form>`,
  );
}

export function surveyThanksPage(workspaceName: string, score: number): string {
  return layout(
    null,
    'Thank you',
    `<h1>Thank you</h1><p>Your rating (${score} of 5) reached ${escapeHtml(workspaceName)}. It helps us improve.</p>`,
  );
}

/** A page for a link that does not work: the same whatever the reason, so links cannot be probed. */
export function notFoundPage(site: HelpSite | null, message: string): string {
  const back = site ? `<p><a href="${escapeHtml(site.basePath)}">Back to the help centre</a></p>` : '';
  return layout(site, 'Not found', `<h1>Not found</h1><p>${escapeHtml(message)}</p>${back}`);
}

/** A page for a form that was filled in wrongly (HTML answer to a 400). */
export function invalidPage(message: string): string {
  return layout(
    null,
    'Please check your answer',
    `<h1>Please check your answer</h1><p>${escapeHtml(message)}</p><p>Go back and try again.</p>`,
  );
}
