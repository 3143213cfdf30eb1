/**
 * The status page's frame: one stylesheet (allowed by its hash), landmarks (header, nav, main, footer), a
 * skip link, feed links, and the notice shown when the page is served from an old snapshot because the
 * database cannot be reached (RELIABILITY R11). No script, ever: the Content-Security-Policy forbids it.
 */
import { createHash } from 'node:crypto';
import { escapeHtml, formatTime } from './format.js';

const STYLE = `*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2933;background:#f7f8fa}
header,main,footer{max-width:52rem;margin:0 auto;padding:1rem}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header .site{font-weight:700;font-size:1.15rem;margin:0}header a{color:inherit}
nav a{margin-left:1rem}
main{background:#fff;border-radius:8px}
a{color:#1d4ed8}
h1{font-size:1.6rem;margin:.2rem 0 1rem}h2{font-size:1.25rem;margin:2rem 0 .75rem}h3,h4{font-size:1.05rem;margin:0}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.banner{padding:1rem;border-radius:6px;font-weight:600;font-size:1.1rem;color:#fff;margin:0}
.b-none{background:#2b8a3e}.b-minor{background:#b08900}.b-major{background:#d9480f}.b-critical{background:#c92a2a}.b-maintenance{background:#1864ab}
.stale{border:2px solid #c92a2a;border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem;background:#fff5f5}
ul.components{list-style:none;padding:0;margin:0}
ul.components>li{border:1px solid #dde1e6;border-radius:6px;padding:.75rem 1rem;margin:0 0 .75rem}
.c-head{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
.st{font-weight:600}.st-operational{color:#2b8a3e}.st-degraded{color:#946c00}.st-partial-outage{color:#c2410c}.st-major-outage{color:#c92a2a}.st-maintenance{color:#1864ab}
.desc,.meta,.muted{color:#52606d;font-size:.9rem;margin:.25rem 0}
ol.bars{display:flex;gap:2px;list-style:none;padding:0;margin:.6rem 0 .2rem;height:2rem}
ol.bars li{flex:1;border-radius:2px;background:#2f9e44}
ol.bars .no-data{background:#ced4da}ol.bars .degraded{background:#f2c94c;height:85%;align-self:end}
ol.bars .partial-outage{background:#f08c00}ol.bars .major-outage{background:#e03131}ol.bars .maintenance{background:#339af0}
.u-sum{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap;font-size:.85rem;color:#52606d;margin:0}
details{margin:.4rem 0 0;font-size:.9rem}
article.incident{border-left:4px solid #b08900;padding:.25rem 0 .25rem 1rem;margin:0 0 1.25rem}
article.i-major{border-color:#d9480f}article.i-critical{border-color:#c92a2a}article.i-none{border-color:#868e96}
article.maintenance{border-left:4px solid #1864ab;padding:.25rem 0 .25rem 1rem;margin:0 0 1.25rem}
ol.timeline{list-style:none;padding:0;margin:.5rem 0 0}ol.timeline>li{margin:0 0 .75rem}
ol.timeline p{margin:.1rem 0}
ul.plain{list-style:none;padding:0}ul.plain li{margin:0 0 .6rem}
form p{margin:.5rem 0}
input[type=email],input[type=url]{font:inherit;padding:.4rem;border:1px solid #9aa5b1;border-radius:4px;width:100%;max-width:24rem}
button{font:inherit;padding:.4rem .9rem;border:1px solid #1d4ed8;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}
footer{font-size:.85rem;color:#52606d}`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** No script may run, nothing may frame the page, forms post only back here, nothing loads from elsewhere. */
export const STATUS_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface Site {
  readonly name: string;
  /** `/status/<slug>`: where the page's links start. */
  readonly basePath: string;
  readonly timeZone: string;
}

export interface PageOptions {
  /** The snapshot is old because the database cannot be reached: say so and since when it dates. */
  readonly staleSince?: Date | null;
  /** The time the data was read (the footer's "updated"). */
  readonly builtAt?: Date;
}

/** Inline text of a `<time>` element. */
export const timeTag = (at: Date, timeZone: string): string =>
  `<time datetime="${at.toISOString()}">${escapeHtml(formatTime(at, timeZone))}</time>`;

function staleNotice(site: Site, builtAt: Date): string {
  return `<div class="stale" role="alert"><p><strong>This page may be out of date.</strong> The live status cannot be loaded right now; this is the status as of ${timeTag(builtAt, site.timeZone)}.</p></div>`;
}

/** A whole page around `body` (which holds the h1). */
export function layout(site: Site | null, title: string, body: string, options: PageOptions = {}): string {
  const base = site ? escapeHtml(site.basePath) : '';
  const feeds = site
    ? `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(site.name)} status (Atom)" href="${base}/history.atom"><link rel="alternate" type="application/rss+xml" title="${escapeHtml(site.name)} status (RSS)" href="${base}/history.rss">`
    : '';
  const header = site
    ? `<header><p class="site"><a href="${base}">${escapeHtml(site.name)} status</a></p><nav aria-label="Status page"><a href="${base}/history">Incident history</a><a href="${base}#subscribe">Subscribe to updates</a></nav></header>`
    : '';
  const stale = site && options.staleSince && options.builtAt ? staleNotice(site, options.builtAt) : '';
  const footer =
    site && options.builtAt
      ? `<footer><p>Updated ${timeTag(options.builtAt, site.timeZone)}. Times are in the ${escapeHtml(site.timeZone)} time zone. Feeds: <a href="${base}/history.rss">RSS</a>, <a href="${base}/history.atom">Atom</a>, <a href="${base}/api/v2/summary.json">JSON</a>.</p></footer>`
      : '';
  const fullTitle = site ? `${title} · ${site.name} status` : title;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(fullTitle)}</title>${feeds}<style>${STYLE}</style></head><body><a class="skip" href="#main">Skip to content</a>${header}<main id="main">${stale}${body}</main>${footer}</body></html>`;
}

/** A short page: a heading and a message (answers to forms, invalid links, not found). */
export function messagePage(site: Site | null, title: string, html: string): string {
  return layout(site, title, `<h1>${escapeHtml(title)}</h1>${html}`);
}

/** Plain text as paragraphs (blank lines split them; single newlines are kept). */
export function paragraphs(text: string, lang?: string): string {
  const attr = lang ? ` lang="${escapeHtml(lang)}"` : '';
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p${attr}>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
