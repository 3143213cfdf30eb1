/**
 * The customer dashboard's figures for one period: a tile per KPI (value, the pack's target, whether it is
 * met, what it is counted over), MRR and ARPU per currency, customers by state and by plan, then the
 * weekly charts (MetricsWeekly). Every figure is written in words; the charts only draw them.
 */
import type { CustomerMetrics, KpiReading } from '../customers-api';
import { figure, Meter, plural, RowChart } from './charts';
import { MetricsWeekly } from './MetricsWeekly';

const OP_WORDS: Readonly<Record<string, string>> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=' };

/** What each KPI's value is made of, in words. */
function basisOf(k: KpiReading, m: CustomerMetrics): string {
  const o = m.onboarding;
  const of = (count: number, whole: number, one: string, many: string) =>
    `${count} of ${plural(whole, one, many)}`;
  switch (k.id) {
    case 'd1-activation-rate':
      return `${of(o.d1Activation.count, o.d1Activation.cohort, 'new user', 'new users')} added a first customer within 24 hours`;
    case 'd7-active-rate':
      return `${of(o.d7Active.count, o.d7Active.cohort, 'new user', 'new users')} opened the app 3 times or more by day 7`;
    case 'd30-retention':
      return `${of(o.d30Retention.count, o.d30Retention.cohort, 'user', 'users')} still used it in the week to day 30`;
    case 'day-3-call-completion':
      return `${of(o.day3Calls.done, o.day3Calls.raised, 'call', 'calls')} done, ${o.day3Calls.onTime} on time`;
    case 'nps-score':
      return `${plural(m.nps.answers, 'answer', 'answers')}: ${plural(m.nps.promoters, 'promoter', 'promoters')}, ${plural(m.nps.passives, 'passive', 'passives')}, ${plural(m.nps.detractors, 'detractor', 'detractors')}`;
    case 'trial-conversion-rate':
      return `${of(m.trials.converted, m.trials.started, 'trial', 'trials')} converted`;
    case 'churn-rate':
      return `${of(m.churn.cancelled, m.churn.base, 'customer', 'customers')} cancelled`;
    case 'payment-failure-rate':
      return `${of(m.payments.failed, m.payments.failed + m.payments.succeeded, 'payment', 'payments')} failed`;
    default:
      return `over ${k.of}`;
  }
}

function verdictOf(k: KpiReading): { words: string; tone: 'good' | 'bad' | 'quiet' } {
  if (!k.target) return { words: 'No target in the pack', tone: 'quiet' };
  if (k.met === null) return { words: 'Nothing to measure yet', tone: 'quiet' };
  return k.met ? { words: 'Target met', tone: 'good' } : { words: 'Target not met', tone: 'bad' };
}

function KpiTile({ kpi, metrics }: { readonly kpi: KpiReading; readonly metrics: CustomerMetrics }) {
  const id = `cm-kpi-${kpi.id}`;
  const verdict = verdictOf(kpi);
  const score = kpi.unit !== '%';
  return (
    <li className="cm-tile" aria-labelledby={id}>
      <h3 id={id}>{kpi.label}</h3>
      <p className="cm-tile-value">{figure(kpi.value, kpi.unit)}</p>
      <p className="cm-tile-target">
        {kpi.target
          ? `Target ${OP_WORDS[kpi.target.op] ?? kpi.target.op} ${figure(kpi.target.value, kpi.unit)}`
          : 'No target'}{' '}
        <span className={`badge account-state tone-${verdict.tone}`}>{verdict.words}</span>
      </p>
      <Meter
        value={kpi.value}
        target={kpi.target?.value ?? null}
        min={score ? -100 : 0}
        max={100}
        met={kpi.met}
      />
      <p className="muted cm-tile-basis">{basisOf(kpi, metrics)}</p>
    </li>
  );
}

const money = (amount: number, currency: string | null): string => {
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
    } catch {
      // An unknown code: the number with the code beside it, below.
    }
  }
  return `${new Intl.NumberFormat().format(amount)}${currency ? ` ${currency}` : ''}`;
};

function Revenue({ metrics, zone }: { readonly metrics: CustomerMetrics; readonly zone: string }) {
  const day = (iso: string) =>
    new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: zone });
  const { mrr } = metrics;
  return (
    <section className="card" aria-labelledby="cm-revenue-title">
      <h2 id="cm-revenue-title">MRR and ARPU</h2>
      <p className="muted">
        Payments received from {day(mrr.from)} to {day(new Date(Date.parse(mrr.to) - 1).toISOString())}, per
        currency; ARPU is that over the accounts that paid.
      </p>
      {mrr.byCurrency.length === 0 ? (
        <p>No payment was received in those 30 days.</p>
      ) : (
        <ul className="cm-tiles">
          {mrr.byCurrency.map((c) => {
            const id = `cm-mrr-${c.currency ?? 'none'}`;
            return (
              <li key={id} className="cm-tile" aria-labelledby={id}>
                <h3 id={id}>MRR{c.currency ? ` (${c.currency})` : ''}</h3>
                <p className="cm-tile-value">{money(c.amount, c.currency)}</p>
                <p className="cm-tile-target">ARPU {c.arpu === null ? '—' : money(c.arpu, c.currency)}</p>
                <p className="muted cm-tile-basis">
                  from {c.payers} paying {c.payers === 1 ? 'account' : 'accounts'}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Customers({ metrics }: { readonly metrics: CustomerMetrics }) {
  const count = (n: number) => `${n} ${n === 1 ? 'account' : 'accounts'}`;
  const states = metrics.byState.map((s) => ({
    label: s.state.replace(/-/g, ' '),
    value: s.count,
    words: count(s.count),
  }));
  const plans = metrics.byPlan.map((p) => ({
    label: p.plan ?? 'no plan',
    value: p.count,
    words: count(p.count),
  }));
  return (
    <section className="card" aria-labelledby="cm-customers-title">
      <h2 id="cm-customers-title">Customers now</h2>
      {states.length === 0 ? (
        <p>No customer account yet.</p>
      ) : (
        <div className="cm-pair">
          {[
            { id: 'cm-by-state', title: 'By state', rows: states, column: 'State' },
            { id: 'cm-by-plan', title: 'By plan', rows: plans, column: 'Plan' },
          ].map((g) => (
            <div key={g.id}>
              <h3 id={`${g.id}-heading`}>{g.title}</h3>
              <RowChart id={g.id} title={`Customers ${g.title.toLowerCase()}`} points={g.rows} />
              <details className="cm-table">
                <summary>{`${g.title} as a table`}</summary>
                <table className="data" aria-labelledby={`${g.id}-heading`}>
                  <thead>
                    <tr>
                      <th scope="col">{g.column}</th>
                      <th scope="col" className="number">
                        Accounts
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.rows.map((r) => (
                      <tr key={r.label}>
                        <th scope="row">{r.label}</th>
                        <td className="number">{r.value}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

export function MetricsFigures({
  metrics,
  zone,
}: {
  readonly metrics: CustomerMetrics;
  readonly zone: string;
}) {
  return (
    <>
      <section className="card" aria-labelledby="cm-kpis-title">
        <h2 id="cm-kpis-title">Key figures</h2>
        <p className="muted">Each beside the active pack&apos;s target, when it sets one.</p>
        <ul className="cm-tiles">
          {metrics.kpis.map((k) => (
            <KpiTile key={k.id} kpi={k} metrics={metrics} />
          ))}
        </ul>
      </section>
      <Revenue metrics={metrics} zone={zone} />
      <Customers metrics={metrics} />
      <MetricsWeekly metrics={metrics} zone={zone} />
    </>
  );
}
