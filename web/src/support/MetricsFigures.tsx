/**
 * The figures of the support dashboard for one period: the headline numbers, SLA compliance per
 * priority, volume by day and channel, backlog by tier and each agent's figures. Every number links to
 * the inbox filtered to the tickets behind it (`drill`).
 */
import { AppLink } from '../controls';
import type { TicketFilter } from '../support-api';
import type { Durations, Metrics } from './desk-api';
import { BarChart, Gauge, PercentBars } from './charts';
import { spanWords } from './countdown';
import { inboxHref } from './filters';
import { priorityLabel } from './priorities';
import { addDays, dayStartIn } from './zoned';

const DONE = 'resolved,closed';

const ms = (value: number | null) => (value === null ? '—' : spanWords(value));
const pct = (value: number | null) => (value === null ? '—' : `${value.toFixed(0)} %`);

export function Figures({
  metrics: m,
  drill,
  days,
  zone,
  tierLabel,
}: {
  readonly metrics: Metrics;
  readonly drill: (f: TicketFilter) => string;
  readonly days: readonly string[];
  readonly zone: string;
  readonly tierLabel: (tier: string) => string;
}) {
  // Every day of the range gets a bar, days without tickets too.
  const counts = new Map(m.volumeByDay.map((d) => [d.day, d.count]));
  const allDays = [...new Set([...days, ...counts.keys()])].sort();
  return (
    <>
      <div className="kpis">
        <TimeKpi title="First response" d={m.firstResponse} href={drill({ clock: 'first-response' })} />
        <TimeKpi title="Resolution" d={m.resolution} href={drill({ status: DONE })} />
        <Kpi
          title="First contact resolution"
          value={pct(m.firstContactResolution.percent)}
          target={
            m.firstContactResolution.target !== null ? `target ${m.firstContactResolution.target} %` : null
          }
          count={m.firstContactResolution.count}
          href={drill({ fcr: 'true' })}
        />
        <Kpi
          title="Reopen rate"
          value={pct(m.reopenRate.percent)}
          target={null}
          count={m.reopenRate.count}
          href={drill({ reopened: 'true' })}
        />
        <section className="card kpi" aria-labelledby="csat-title">
          <h2 id="csat-title">CSAT</h2>
          <Gauge label="Average CSAT" value={m.csat.average} max={5} target={m.csat.target} />
          <p className="muted">
            {m.csat.responses} {m.csat.responses === 1 ? 'answer' : 'answers'}
            {m.csat.target !== null ? ` · target ${m.csat.target}` : ''}
          </p>
          <p className="csat-scores">
            Tickets scored:{' '}
            {[1, 2, 3, 4, 5].map((score) => (
              <AppLink key={score} to={drill({ csat: String(score) })}>
                {score}
              </AppLink>
            ))}
          </p>
        </section>
      </div>
      <section className="card" aria-labelledby="sla-title">
        <h2 id="sla-title">SLA compliance by priority</h2>
        <p className="muted">Share of clocks met, against the pack's target (the line).</p>
        <PercentBars
          title="First response met, by priority"
          rows={m.slaCompliance.map((s) => ({
            label: `${priorityLabel(s.priority)} first response`,
            percent: s.firstResponse.percent,
            target: s.firstResponse.target,
            href: drill({ priority: s.priority, clock: 'first-response', verdict: 'met' }),
          }))}
        />
        <PercentBars
          title="Resolution met, by priority"
          rows={m.slaCompliance.map((s) => ({
            label: `${priorityLabel(s.priority)} resolution`,
            percent: s.resolution.percent,
            target: s.resolution.target,
            href: drill({ priority: s.priority, clock: 'resolution', verdict: 'met' }),
          }))}
        />
        <SlaTable metrics={m} drill={drill} />
      </section>
      <section className="card" aria-labelledby="volume-title">
        <h2 id="volume-title">Volume by day</h2>
        <p className="muted">Tickets created per day ({zone}).</p>
        <BarChart
          title="Tickets created per day"
          unit="tickets"
          bars={allDays.map((day) => ({
            label: day.slice(5),
            value: counts.get(day) ?? 0,
            href: drill({
              from: dayStartIn(day, zone).toISOString(),
              to: dayStartIn(addDays(day, 1), zone).toISOString(),
            }),
          }))}
        />
      </section>
      <div className="kpis two">
        <section className="card" aria-labelledby="channels-title">
          <h2 id="channels-title">Volume by channel</h2>
          <BarChart
            title="Tickets per channel"
            unit="tickets"
            bars={m.volumeByChannel.map((c) => ({
              label: c.channel,
              value: c.count,
              href: drill({ channel: c.channel }),
            }))}
          />
        </section>
        <section className="card" aria-labelledby="backlog-title">
          <h2 id="backlog-title">Backlog by tier</h2>
          <ul className="backlog">
            {m.backlogByTier.map((b) => (
              <li key={b.tier}>
                <AppLink to={inboxHref({ tier: b.tier })}>
                  <strong>{b.open}</strong> open in {tierLabel(b.tier)}
                </AppLink>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <AgentTable metrics={m} drill={drill} />
    </>
  );
}

function Kpi({
  title,
  value,
  target,
  count,
  href,
}: {
  readonly title: string;
  readonly value: string;
  readonly target: string | null;
  readonly count: number;
  readonly href: string;
}) {
  return (
    <section className="card kpi" aria-label={title}>
      <h2>{title}</h2>
      <p className="kpi-value">{value === '—' ? value : <AppLink to={href}>{value}</AppLink>}</p>
      <p className="muted">
        <AppLink to={href}>
          {count} {count === 1 ? 'ticket' : 'tickets'}
        </AppLink>
        {target ? ` · ${target}` : ''}
      </p>
    </section>
  );
}

function TimeKpi({
  title,
  d,
  href,
}: {
  readonly title: string;
  readonly d: Durations;
  readonly href: string;
}) {
  return (
    <section className="card kpi" aria-label={title}>
      <h2>{title}</h2>
      <p className="kpi-value">
        {d.p50Ms === null ? '—' : <AppLink to={href}>{ms(d.p50Ms)}</AppLink>}{' '}
        <span className="muted kpi-unit">median</span>
      </p>
      <p className="muted">
        average {ms(d.avgMs)} · 90 % within {ms(d.p90Ms)} ·{' '}
        <AppLink to={href}>
          {d.count} {d.count === 1 ? 'ticket' : 'tickets'}
        </AppLink>
      </p>
    </section>
  );
}

function SlaTable({
  metrics: m,
  drill,
}: {
  readonly metrics: Metrics;
  readonly drill: (f: TicketFilter) => string;
}) {
  const cell = (priority: string, clock: string, verdict: 'met' | 'breached', n: number) => (
    <AppLink to={drill({ priority, clock, verdict })}>{n}</AppLink>
  );
  return (
    <div className="table-wrap">
      <table className="data" aria-label="SLA compliance">
        <thead>
          <tr>
            <th>Priority</th>
            <th>Target</th>
            <th>First response met</th>
            <th>breached</th>
            <th>Resolution met</th>
            <th>breached</th>
          </tr>
        </thead>
        <tbody>
          {m.slaCompliance.map((s) => (
            <tr key={s.priority}>
              <td>{priorityLabel(s.priority)}</td>
              <td>{s.target === null ? '—' : `${s.target} %`}</td>
              <td>
                {cell(s.priority, 'first-response', 'met', s.firstResponse.met)} (
                {pct(s.firstResponse.percent)})
              </td>
              <td className={s.firstResponse.breached > 0 ? 'error-cell' : undefined}>
                {cell(s.priority, 'first-response', 'breached', s.firstResponse.breached)}
              </td>
              <td>
                {cell(s.priority, 'resolution', 'met', s.resolution.met)} ({pct(s.resolution.percent)})
              </td>
              <td className={s.resolution.breached > 0 ? 'error-cell' : undefined}>
                {cell(s.priority, 'resolution', 'breached', s.resolution.breached)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AgentTable({
  metrics: m,
  drill,
}: {
  readonly metrics: Metrics;
  readonly drill: (f: TicketFilter) => string;
}) {
  if (m.perAgent.length === 0) return null;
  return (
    <section className="card" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      <div className="table-wrap">
        <table className="data" aria-labelledby="agents-title">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Assigned</th>
              <th>Resolved</th>
              <th>First response (median)</th>
              <th>CSAT</th>
            </tr>
          </thead>
          <tbody>
            {m.perAgent.map((a) => (
              <tr key={a.userId}>
                <td>{a.name ?? a.userId}</td>
                <td>
                  <AppLink to={drill({ assignee: a.userId })}>{a.assigned}</AppLink>
                </td>
                <td>
                  <AppLink to={drill({ assignee: a.userId, status: DONE })}>{a.resolved}</AppLink>
                </td>
                <td>{ms(a.firstResponseP50Ms)}</td>
                <td>{a.csat === null ? '—' : a.csat.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
