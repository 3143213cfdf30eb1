/**
 * The support dashboard: GET /support/metrics for a date range (and optionally a tier, channel or
 * agent): response and resolution times, SLA compliance per priority against the pack's targets, first
 * contact resolution, CSAT, reopen rate, backlog, volume by day and channel, and each agent's figures.
 * Every number links to the inbox filtered to the tickets behind it; the figures export as CSV.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import type { ReadyAccess } from '../permissions';
import { useLoad } from '../session';
import { supportApi, type TicketFilter } from '../support-api';
import { deskApi, metricsCsvUrl, type MetricsQuery } from './desk-api';
import { ALL_STATUSES, CHANNELS, inboxHref } from './filters';
import { Figures } from './MetricsFigures';
import { usePageHeading } from './page-heading';
import { SUPPORT_PATH, SupportNav } from './SupportNav';
import { daysBetween } from './zoned';
import { PeriodFields, usePeriod } from '../metrics-period';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function MetricsPage({ workspace, access }: Props) {
  const heading = usePageHeading(SUPPORT_PATH, `Support · ${workspace.name}`);
  // Days are the workspace's (its time zone), as the SOP's business days and the server's figures are.
  const zone = workspace.timeZone;
  const period = usePeriod(zone);
  const { fromDate, toDate, valid } = period;
  const [tier, setTier] = useState('');
  const [channel, setChannel] = useState('');
  const [agent, setAgent] = useState('');
  const query: MetricsQuery = {
    from: period.from,
    to: period.to,
    ...(tier ? { tier } : {}),
    ...(channel ? { channel } : {}),
    ...(agent ? { agent } : {}),
  };
  const key = `${workspace.id}/${query.from}/${query.to}/${tier}/${channel}/${agent}`;
  const metrics = useLoad(key, () =>
    valid
      ? deskApi.metrics(workspace.id, query)
      : Promise.reject(new Error('The range must start before it ends.')),
  );
  const queues = useLoad(workspace.id, () => supportApi.queues(workspace.id));
  const agents = useLoad(workspace.id, () => supportApi.agents(workspace.id));

  /** The inbox with the dashboard's range and scope, plus `more`. */
  const drill = (more: TicketFilter): string =>
    inboxHref({
      status: ALL_STATUSES,
      from: query.from,
      to: query.to,
      ...(tier ? { tier } : {}),
      ...(channel ? { channel } : {}),
      ...(agent ? { assignee: agent } : {}),
      ...more,
    });

  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Support{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
      </header>
      <SupportNav access={access} current={SUPPORT_PATH} />
      <section className="card" aria-labelledby="range-title">
        <div className="card-head">
          <h2 id="range-title">Dashboard</h2>
          {valid && (
            <a className="button small" href={metricsCsvUrl(workspace.id, query)} download>
              Export CSV
            </a>
          )}
        </div>
        <div className="inline-form filters">
          <PeriodFields period={period} idPrefix="metrics" />
          <Field id="metrics-tier" label="Tier">
            <select id="metrics-tier" value={tier} onChange={(e) => setTier(e.target.value)}>
              <option value="">All tiers</option>
              {(queues.data ?? []).map((q) => (
                <option key={q.tier} value={q.tier}>
                  {q.label}
                </option>
              ))}
            </select>
          </Field>
          <Field id="metrics-channel" label="Channel">
            <select id="metrics-channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
              <option value="">All channels</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </Field>
          <Field id="metrics-agent" label="Agent">
            <select id="metrics-agent" value={agent} onChange={(e) => setAgent(e.target.value)}>
              <option value="">All agents</option>
              {(agents.data ?? []).map((a) => (
                <option key={a.userId} value={a.userId}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorNotice error={metrics.error} />
        {!metrics.data && !metrics.error && <p className="muted">Loading the figures…</p>}
      </section>
      {metrics.data && (
        <Figures
          metrics={metrics.data}
          drill={drill}
          days={daysBetween(fromDate, toDate)}
          zone={zone}
          tierLabel={(tier) => queues.data?.find((q) => q.tier === tier)?.label ?? tier}
        />
      )}
    </>
  );
}
