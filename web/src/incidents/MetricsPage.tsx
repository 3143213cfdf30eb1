/**
 * The incident dashboard (`/incidents/metrics`): over a chosen period (days in the workspace's zone), the
 * incidents by severity, MTTD (start → detection), MTTA (detection → first acknowledgement) and MTTR
 * (detection → resolution) by severity, breached deadlines and the action items overdue now. Each
 * severity's bar leads to its incidents.
 */
import type { Workspace } from '../api';
import { ErrorNotice } from '../controls';
import { incidentsApi } from '../incidents-api';
import { PeriodFields, usePeriod } from '../metrics-period';
import { useLoad } from '../session';
import { usePageHeading } from '../support/page-heading';
import { MetricsFigures } from './MetricsFigures';
import { IncidentsNav } from './IncidentsNav';
import { useScale } from './room-data';
import { METRICS_PATH } from './words';

export function MetricsPage({ workspace }: { readonly workspace: Workspace }) {
  const heading = usePageHeading(METRICS_PATH, `Incident dashboard · ${workspace.name}`);
  const zone = workspace.timeZone;
  const period = usePeriod(zone);
  const { valid, from, to } = period;
  const metrics = useLoad(`${workspace.id}/incident-metrics/${from}/${to}`, () =>
    valid
      ? incidentsApi.metrics(workspace.id, { from, to })
      : Promise.reject(new Error('The period must start before it ends.')),
  );
  const scale = useScale(workspace.id, 'dashboard');

  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Incident dashboard{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
      </header>
      <IncidentsNav current={METRICS_PATH} />
      <section className="card" aria-labelledby="period-title">
        <h2 id="period-title">Period</h2>
        <div className="inline-form filters">
          <PeriodFields period={period} idPrefix="incident-metrics" />
        </div>
        <p className="muted">Incidents detected in the period, days in {zone}.</p>
        <ErrorNotice error={metrics.error} />
        {!metrics.data && !metrics.error && <p className="muted">Loading the figures…</p>}
      </section>
      {metrics.data && <MetricsFigures metrics={metrics.data} scale={scale} />}
    </>
  );
}
