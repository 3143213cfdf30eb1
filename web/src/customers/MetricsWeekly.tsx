/**
 * The customer dashboard week by week: new accounts, NPS (with the pack's target), cancellations and
 * payment failures, each a small chart, and all of them in one table below.
 */
import type { CustomerMetrics, MetricsWeek } from '../customers-api';
import { ColumnChart, figure, LineChart, plural, type Point } from './charts';

export function MetricsWeekly({
  metrics,
  zone,
}: {
  readonly metrics: CustomerMetrics;
  readonly zone: string;
}) {
  const { bucketDays, points: weeks } = metrics.series;
  const day = (iso: string) =>
    new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: zone });
  const label = (w: MetricsWeek) => day(w.from);
  const series = (value: (w: MetricsWeek) => number | null, words: (w: MetricsWeek) => string): Point[] =>
    weeks.map((w) => ({ label: label(w), value: value(w), words: words(w) }));
  const span = bucketDays === 7 ? 'week' : `${bucketDays / 7} weeks`;
  const npsTarget = metrics.nps.target?.value ?? null;
  return (
    <section className="card" aria-labelledby="cm-weekly-title">
      <h2 id="cm-weekly-title">Week by week</h2>
      <p className="muted">
        Each point is a {span} from the start of the period, named by its first day; the last one ends with
        the period.
      </p>
      <div className="cm-pair">
        <div>
          <h3>New accounts</h3>
          <ColumnChart
            id="cm-chart-accounts"
            title={`New accounts per ${span}`}
            points={series(
              (w) => w.newAccounts,
              (w) => plural(w.newAccounts, 'new account', 'new accounts'),
            )}
          />
        </div>
        <div>
          <h3>NPS</h3>
          <LineChart
            id="cm-chart-nps"
            title={`NPS per ${span}${npsTarget !== null ? `, target ${npsTarget}` : ''}`}
            points={series(
              (w) => w.nps,
              (w) =>
                w.nps === null
                  ? 'no answers'
                  : `NPS ${w.nps} from ${plural(w.npsAnswers, 'answer', 'answers')}`,
            )}
            min={-100}
            max={100}
            target={npsTarget}
          />
        </div>
        <div>
          <h3>Churn</h3>
          <ColumnChart
            id="cm-chart-churn"
            title={`Accounts cancelled per ${span}`}
            tone="bad"
            points={series(
              (w) => w.cancelled,
              (w) =>
                `${plural(w.cancelled, 'account', 'accounts')} cancelled` +
                (w.churnRate === null ? '' : `, churn ${figure(w.churnRate, '%')}`),
            )}
          />
        </div>
        <div>
          <h3>Payment failures</h3>
          <ColumnChart
            id="cm-chart-failures"
            title={`Payments failed per ${span}`}
            tone="bad"
            points={series(
              (w) => w.paymentsFailed,
              (w) =>
                `${plural(w.paymentsFailed, 'payment', 'payments')} failed of ${w.paymentsFailed + w.paymentsSucceeded}`,
            )}
          />
        </div>
      </div>
      <details className="cm-table">
        <summary>Week by week as a table</summary>
        <div className="table-wrap">
          <table className="data" aria-label="Week by week">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col" className="number">
                  New accounts
                </th>
                <th scope="col" className="number">
                  NPS answers
                </th>
                <th scope="col" className="number">
                  NPS
                </th>
                <th scope="col" className="number">
                  Cancelled
                </th>
                <th scope="col" className="number">
                  Churn
                </th>
                <th scope="col" className="number">
                  Payments failed
                </th>
                <th scope="col" className="number">
                  Payments succeeded
                </th>
                <th scope="col" className="number">
                  Failure rate
                </th>
              </tr>
            </thead>
            <tbody>
              {weeks.map((w) => (
                <tr key={w.from}>
                  <th scope="row">
                    <time dateTime={w.from}>{label(w)}</time>
                  </th>
                  <td className="number">{w.newAccounts}</td>
                  <td className="number">{w.npsAnswers}</td>
                  <td className="number">{figure(w.nps, 'score')}</td>
                  <td className="number">{w.cancelled}</td>
                  <td className="number">{figure(w.churnRate, '%')}</td>
                  <td className="number">{w.paymentsFailed}</td>
                  <td className="number">{w.paymentsSucceeded}</td>
                  <td className="number">{figure(w.failureRate, '%')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
