/**
 * The compliance report as one self-contained, printable HTML page (issue 10: "a PDF-free printable HTML"):
 * no script, one inline stylesheet allowed by its hash, print CSS (A4, each pack on a new page, tables not
 * split across pages), one section per pack version with a table per clock family, the SOP's words beside
 * each step, the period and the time it was generated. The browser's "Print to PDF" makes the PDF.
 */
import { createHash } from 'node:crypto';
import type { ComplianceLine, ComplianceReport } from '../../core/compliance.js';
import { escapeHtml } from '../support/help-pages.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;color:#1f2933;margin:0 auto;max-width:60rem;padding:1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .25rem}h3{font-size:1rem;margin:1.25rem 0 .25rem}
.muted{color:#52606d}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}
th,td{border:1px solid #cbd2d9;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f2f5}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.short{color:#b42318;font-weight:600}.ok{color:#027a48;font-weight:600}
q{font-style:italic;color:#3e4c59}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;padding:0;font-size:11px}section.pack{break-before:page}section.pack:first-of-type{break-before:auto}
tr,thead{break-inside:avoid}h2,h3{break-after:avoid}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}`;

/** The page's Content-Security-Policy: no script, nothing loaded, only this stylesheet. */
export const COMPLIANCE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** "2026-03-02 09:30 IST"-like, in the workspace's zone. */
function when(iso: string, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(iso));
  return text.replace(/^(\d{2})\/(\d{2})\/(\d{4}),/, '$3-$2-$1');
}

function row(l: ComplianceLine): string {
  const decided = l.met + l.breached;
  const share =
    l.percent === null
      ? '<span class="muted">none decided</span>'
      : `<span class="${l.onTarget ? 'ok' : 'short'}">${l.percent} %</span>`;
  const target = `${l.targetPercent} %${l.targetKpi ? ` <span class="muted">(KPI ${escapeHtml(l.targetKpi)})</span>` : ''}`;
  return `<tr><td>${escapeHtml(l.levelLabel ?? l.level ?? '—')}</td><td>${escapeHtml(l.label)}</td>
<td>${l.quote ? `<q>${escapeHtml(l.quote)}</q>` : '<span class="muted">—</span>'}</td>
<td class="n">${l.met} of ${decided}</td><td class="n">${share}</td><td class="n">${target}</td>
<td class="n">${l.breached}</td><td class="n">${l.running}${l.overdue ? ` (${l.overdue} past due)` : ''}</td></tr>`;
}

const HEAD = `<thead><tr><th>Level</th><th>Step</th><th>The SOP says</th><th>Met</th><th>Share</th><th>Target</th><th>Breached</th><th>Running</th></tr></thead>`;

/**
 * @example renderComplianceHtml(report, { workspace: 'ShopSmart Pro', timeZone: 'Asia/Kolkata' })
 */
export function renderComplianceHtml(
  report: ComplianceReport,
  context: { readonly workspace: string; readonly timeZone: string },
): string {
  const zone = context.timeZone;
  const packs = report.packs.map((p) => {
    const tables = p.families.map(
      (f) =>
        `<h3>${escapeHtml(f.title)}</h3>\n<table>${HEAD}<tbody>\n${f.lines.map(row).join('\n')}\n</tbody></table>`,
    );
    return `<section class="pack"><h2>${escapeHtml(p.title)}</h2>
<p class="muted">Pack <code>${escapeHtml(p.packId)}</code>, version ${escapeHtml(p.version)} · ${p.steps} timed steps counted</p>
${tables.length ? tables.join('\n') : '<p>No timed step of this version started in the period.</p>'}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Compliance report · ${escapeHtml(context.workspace)}</title><style>${STYLE}</style></head>
<body><header><h1>Compliance report per SOP · ${escapeHtml(context.workspace)}</h1>
<p>Period: ${escapeHtml(when(report.from, zone))} to ${escapeHtml(when(report.to, zone))} · generated ${escapeHtml(when(report.generatedAt, zone))}</p>
<p class="muted">How often each timed step of the workspace's SOPs was met, per pack version. A step counts in the period it started in;
met means done by its due time (exactly at it counts as met); running steps are not counted as met or breached, those past due are shown.
The target share comes from the pack's KPI where one states it, else 100 %.</p></header>
<main>${packs.length ? packs.join('\n') : '<p>No pack governed records in this period.</p>'}</main>
</body></html>`;
}
