/**
 * `/customers/metrics`: the customer dashboard of a period (days in the workspace's zone, the last 30 by
 * default): the KPIs beside the active pack's targets (ShopSmart's SOP-001 success metrics: D1 activation,
 * D7 active, D30 retention, Day 3 call completion, NPS), MRR and ARPU, customers by state and plan, and
 * week-by-week charts with their table (GET …/customer-metrics; definitions in docs/customers.md).
 */
import type { Workspace } from '../api';
import { AppLink, ErrorNotice } from '../controls';
import { customerMetricsApi } from '../customers-api';
import { PeriodFields, usePeriod } from '../metrics-period';
import { useLoad } from '../session';
import { usePageHeading } from '../support/page-heading';
import { MetricsFigures } from './MetricsFigures';
import { CUSTOMERS_PATH } from './words';
import './metrics.css';

/** The dashboard's address; `metrics` is the name of a page here, as `review` is. */
export const METRICS_PATH = `${CUSTOMERS_PATH}/metrics`;

export function MetricsPage({ workspace }: { readonly workspace: Workspace }) {
  const heading = usePageHeading(METRICS_PATH, `Customer metrics · ${workspace.name}`);
  const zone = workspace.timeZone;
  const period = usePeriod(zone);
  const { valid, from, to } = period;
  const metrics = useLoad(`${workspace.id}/customer-metrics/${from}/${to}`, () =>
    valid
      ? customerMetricsApi.metrics(workspace.id, { from, to })
      : Promise.reject(new Error('The period must start before it ends.')),
  );

  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Customer metrics{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        <div className="actions">
          <AppLink to={CUSTOMERS_PATH} className="button">
            All customers
          </AppLink>
        </div>
      </header>
      <section className="card" aria-labelledby="cm-period-title">
        <h2 id="cm-period-title">Period</h2>
        <div className="inline-form filters">
          <PeriodFields period={period} idPrefix="customer-metrics" />
        </div>
        <p className="muted">
          Days in {zone}. The onboarding figures count the users whose day 1, 7 or 30 fell in the period and
          has passed; MRR is what was received in the 30 days up to its end.
        </p>
        <ErrorNotice error={metrics.error} />
        {!metrics.data && !metrics.error && <p className="muted">Loading the figures…</p>}
      </section>
      {metrics.data && <MetricsFigures metrics={metrics.data} zone={zone} />}
    </>
  );
}
