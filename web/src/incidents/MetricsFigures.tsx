/**
 * The incident dashboard's figures for one period: headline counts, incidents per severity, the mean
 * times per severity as charts, and the same figures as a table. Bars lead to the incidents behind them.
 */
import { AppLink } from '../controls';
import type { IncidentMetrics, Scale, SeverityFigures } from '../incidents-api';
import { BarChart } from '../support/charts';
import { listHref } from './list-filter';
import { minutesWords, severityLabel } from './words';

type MeanKey = 'mttdMinutes' | 'mttaMinutes' | 'mttrMinutes';

const MEANS: readonly { readonly key: MeanKey; readonly title: string; readonly what: string }[] = [
  { key: 'mttaMinutes', title: 'Mean time to acknowledge', what: 'detection to first acknowledgement' },
  { key: 'mttrMinutes', title: 'Mean time to resolve', what: 'detection to resolution' },
  { key: 'mttdMinutes', title: 'Mean time to detect', what: 'start of the problem to detection' },
];

export function MetricsFigures({
  metrics: m,
  scale,
}: {
  readonly metrics: IncidentMetrics;
  readonly scale: Scale | null;
}) {
  const open = m.bySeverity.reduce((n, s) => n + s.open, 0);
  const breached = m.bySeverity.reduce((n, s) => n + s.breached, 0);
  const label = (s: SeverityFigures) => severityLabel(scale, s.severity);
  const href = (s: SeverityFigures) => listHref({ state: 'all', severity: s.severity });
  return (
    <>
      <div className="kpis">
        <Kpi title="Incidents" value={m.total} href={listHref({ state: 'all' })} />
        <Kpi title="Open" value={open} href={listHref({ state: 'open' })} />
        <Kpi title="Breached a deadline" value={breached} href={null} />
        <Kpi title="Action items overdue" value={m.actionItemsOverdue} href={null} />
      </div>
      {m.total === 0 ? (
        <section className="card" aria-labelledby="none-title">
          <h2 id="none-title">No incidents</h2>
          <p className="muted">No incident was detected in this period.</p>
        </section>
      ) : (
        <>
          <section className="card" aria-labelledby="by-severity-title">
            <h2 id="by-severity-title">Incidents by severity</h2>
            <BarChart
              title="Incidents per severity"
              unit="incidents"
              bars={m.bySeverity.map((s) => ({ label: label(s), value: s.count, href: href(s) }))}
            />
          </section>
          <section className="card" aria-labelledby="means-title">
            <h2 id="means-title">Mean times by severity</h2>
            {MEANS.map((mean) => {
              const known = m.bySeverity.filter((s) => s[mean.key] !== null);
              return (
                <div key={mean.key} className="mean-chart">
                  <h3>{mean.title}</h3>
                  <p className="muted">Minutes, {mean.what}.</p>
                  {known.length === 0 ? (
                    <p className="muted">No incident in the period has this figure yet.</p>
                  ) : (
                    <BarChart
                      title={`${mean.title} per severity`}
                      unit="minutes"
                      bars={known.map((s) => ({ label: label(s), value: s[mean.key] ?? 0, href: href(s) }))}
                    />
                  )}
                </div>
              );
            })}
          </section>
          <section className="card" aria-labelledby="figures-title">
            <h2 id="figures-title">By severity</h2>
            <div className="table-wrap">
              <table className="data" aria-labelledby="figures-title">
                <thead>
                  <tr>
                    <th>Severity</th>
                    <th>Incidents</th>
                    <th>Open</th>
                    <th>MTTD</th>
                    <th>MTTA</th>
                    <th>MTTR</th>
                    <th>Breached</th>
                  </tr>
                </thead>
                <tbody>
                  {m.bySeverity.map((s) => (
                    <tr key={s.severity}>
                      <th scope="row">
                        <AppLink to={href(s)}>{label(s)}</AppLink>
                      </th>
                      <td>{s.count}</td>
                      <td>{s.open}</td>
                      <td>{minutesWords(s.mttdMinutes)}</td>
                      <td>{minutesWords(s.mttaMinutes)}</td>
                      <td>{minutesWords(s.mttrMinutes)}</td>
                      <td>{s.breached}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}

function Kpi({
  title,
  value,
  href,
}: {
  readonly title: string;
  readonly value: number;
  readonly href: string | null;
}) {
  return (
    <section className="card kpi" aria-label={title}>
      <h2>{title}</h2>
      <p className="kpi-value">{href ? <AppLink to={href}>{value}</AppLink> : value}</p>
    </section>
  );
}
