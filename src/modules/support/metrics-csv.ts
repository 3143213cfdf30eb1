/**
 * The help-desk figures as CSV (RFC 4180), one figure per line: `section,item,measure,value`, so a
 * spreadsheet can pivot them. A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
 * CR at its start: an agent's name, say) is prefixed with `'` (OWASP CSV injection).
 */
import type { DeskMetrics, Durations } from './metrics.js';

type Cell = string | number | null;

function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function metricsCsv(m: DeskMetrics): string {
  const rows: Cell[][] = [['section', 'item', 'measure', 'value']];
  const add = (section: string, item: string, measure: string, value: Cell) =>
    rows.push([section, item, measure, value]);
  add('period', '', 'from', m.from);
  add('period', '', 'to', m.to);
  add('tickets', '', 'count', m.tickets);
  const durations = (section: string, d: Durations) => {
    add(section, '', 'avg_ms', d.avgMs);
    add(section, '', 'p50_ms', d.p50Ms);
    add(section, '', 'p90_ms', d.p90Ms);
    add(section, '', 'count', d.count);
  };
  durations('first_response', m.firstResponse);
  durations('resolution', m.resolution);
  for (const s of m.slaCompliance) {
    for (const [clock, c] of [
      ['first_response', s.firstResponse],
      ['resolution', s.resolution],
    ] as const) {
      add(`sla_${clock}`, s.priority, 'met', c.met);
      add(`sla_${clock}`, s.priority, 'breached', c.breached);
      add(`sla_${clock}`, s.priority, 'percent', c.percent);
      add(`sla_${clock}`, s.priority, 'target_percent', c.target);
    }
  }
  add('first_contact_resolution', '', 'percent', m.firstContactResolution.percent);
  add('first_contact_resolution', '', 'count', m.firstContactResolution.count);
  add('first_contact_resolution', '', 'target_percent', m.firstContactResolution.target);
  add('csat', '', 'average', m.csat.average);
  add('csat', '', 'responses', m.csat.responses);
  add('csat', '', 'target', m.csat.target);
  add('reopen_rate', '', 'percent', m.reopenRate.percent);
  add('reopen_rate', '', 'count', m.reopenRate.count);
  for (const b of m.backlogByTier) add('backlog', b.tier, 'open', b.open);
  for (const c of m.volumeByChannel) add('volume_by_channel', c.channel, 'count', c.count);
  for (const d of m.volumeByDay) add('volume_by_day', d.day, 'count', d.count);
  for (const a of m.perAgent) {
    const who = a.name ? `${a.name} (${a.userId})` : a.userId;
    add('agent', who, 'assigned', a.assigned);
    add('agent', who, 'resolved', a.resolved);
    add('agent', who, 'first_response_p50_ms', a.firstResponseP50Ms);
    add('agent', who, 'csat', a.csat);
  }
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
