/**
 * `/operations/vendors`: the vendor register (ShopSmart SOP-006) — category and risk, owner, contract end,
 * latest weighted score and the next review; `/operations/vendors/<id>`: one vendor's scorecard history,
 * the reminders sent, and (for managers) the scoring form, which shows the weighted total as it is filled.
 */
import { type ReactNode, useState } from 'react';
import { fieldError, type Workspace } from './api';
import { NotAllowed, NotFound } from './AreaPage';
import { AppLink, ErrorNotice, FormCard } from './controls';
import { StateBadge, When } from './customers/badges';
import { type Criterion, opsApi, type VendorDetail, weightedOf } from './ops-api';
import type { WorkspaceAccess } from './permissions';
import { useAction, useLoad, useSession } from './session';
import { usePageHeading } from './support/page-heading';
import './customers/customers.css';

export const VENDORS_PATH = '/operations/vendors';

/** The vendor pages a path shows; null for other paths. */
export function vendorsPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  const page = path.replace(/\/$/, '');
  if (page !== VENDORS_PATH && !page.startsWith(`${VENDORS_PATH}/`)) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="vendors" />;
  const key = `${workspace.id}${page}`;
  if (page === VENDORS_PATH) return <VendorsPage key={key} workspace={workspace} />;
  const id = page.slice(VENDORS_PATH.length + 1);
  if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(id)) return <NotFound path={path} />;
  return (
    <VendorPage
      key={key}
      workspace={workspace}
      vendorId={id}
      canScore={access.permissions.has('vendors.manage')}
    />
  );
}

const score = (n: number) => n.toFixed(2);

function contractText(days: number | null, end: string): string {
  if (days === null) return 'Rolling';
  if (days <= 0) return `${end} · ended`;
  return `${end} · ${days} days left`;
}

export function VendorsPage({ workspace }: { readonly workspace: Workspace }) {
  const heading = usePageHeading(VENDORS_PATH, `Vendors · ${workspace.name}`);
  const list = useLoad(`${workspace.id}/vendors`, () => opsApi.vendors(workspace.id));
  const items = list.data?.items;
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Vendors
        </h1>
        <AppLink to="/operations/backups" className="button">
          Backups
        </AppLink>
      </header>
      <p className="muted">
        Reviews fall due one category cadence after the last scorecard; owners are reminded on the due date
        and 60 and 30 days before a contract ends.
      </p>
      <ErrorNotice error={list.error} />
      {items?.length === 0 && <p className="muted">The active pack has no vendor register.</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-label="Vendors">
            <thead>
              <tr>
                <th scope="col">Vendor</th>
                <th scope="col">Category · risk</th>
                <th scope="col">Owner</th>
                <th scope="col">Contract end</th>
                <th scope="col">Latest score</th>
                <th scope="col">Next review</th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.id}>
                  <td>
                    <AppLink to={`${VENDORS_PATH}/${v.id}`}>{v.name}</AppLink>
                    <div className="muted">{v.service}</div>
                  </td>
                  <td>
                    {v.category.label} · {v.risk}
                  </td>
                  <td>{v.owner}</td>
                  <td>{contractText(v.daysToContractEnd, v.contractEnd)}</td>
                  <td>{v.latest ? score(v.latest.weighted) : <span className="muted">not scored</span>}</td>
                  <td>
                    {v.nextReviewDue ? <When iso={v.nextReviewDue} full /> : '—'}{' '}
                    {v.overdue && <StateBadge state="overdue" label="overdue" tone="bad" />}
                    <div className="muted">{v.reviewCadence}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function VendorPage(props: {
  readonly workspace: Workspace;
  readonly vendorId: string;
  readonly canScore: boolean;
}) {
  const { workspace, vendorId, canScore } = props;
  const detail = useLoad(`${workspace.id}/vendors/${vendorId}`, () => opsApi.vendor(workspace.id, vendorId));
  const v = detail.data;
  const heading = usePageHeading(`${VENDORS_PATH}/${vendorId}`, `${v?.name ?? vendorId} · Vendors`);
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          {v?.name ?? vendorId}
        </h1>
        <AppLink to={VENDORS_PATH} className="button">
          Vendors
        </AppLink>
      </header>
      <ErrorNotice error={detail.error} />
      {v && (
        <>
          <p>
            {v.service} · {v.category.label} ({v.risk} risk) · owner {v.owner} · contract{' '}
            {contractText(v.daysToContractEnd, v.contractEnd)} · next review{' '}
            {v.nextReviewDue ? <When iso={v.nextReviewDue} full /> : '—'}
            {v.overdue && <strong className="tone-bad"> (overdue)</strong>}
          </p>
          {canScore && <ScoreForm workspace={workspace} vendor={v} onScored={detail.reload} />}
          <History vendor={v} />
        </>
      )}
    </>
  );
}

function History({ vendor }: { readonly vendor: VendorDetail }) {
  return (
    <section className="card" aria-labelledby="scorecards-title">
      <h2 id="scorecards-title">Scorecards</h2>
      {vendor.scorecards.length === 0 && <p className="muted">Not scored yet.</p>}
      {vendor.scorecards.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-labelledby="scorecards-title">
            <thead>
              <tr>
                <th scope="col">Scored</th>
                {vendor.criteria.map((c) => (
                  <th scope="col" key={c.id}>
                    {c.label} ({c.weightPercent} %)
                  </th>
                ))}
                <th scope="col">Weighted</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {vendor.scorecards.map((s) => (
                <tr key={s.id}>
                  <td>
                    <When iso={s.scoredAt} full />
                  </td>
                  {vendor.criteria.map((c) => (
                    <td key={c.id}>{s.scores[c.id] ?? '—'}</td>
                  ))}
                  <td>
                    <strong>{score(s.weighted)}</strong>
                  </td>
                  <td>{s.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {vendor.reminders.length > 0 && (
        <>
          <h3>Reminders sent</h3>
          <ul>
            {vendor.reminders.map((r) => (
              <li key={`${r.at}${r.what}`}>
                <When iso={r.at} full /> · {r.what}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ScoreForm(props: {
  readonly workspace: Workspace;
  readonly vendor: VendorDetail;
  readonly onScored: () => void;
}) {
  const { workspace, vendor, onScored } = props;
  const { me } = useSession();
  const action = useAction();
  const [scores, setScores] = useState<Record<string, number>>({});
  const [note, setNote] = useState('');
  const total = weightedOf(vendor.criteria, scores);
  const submit = async () => {
    await opsApi.score(workspace.id, vendor.id, { scores, ...(note ? { note } : {}) }, me.csrfToken);
    setScores({});
    setNote('');
    onScored();
  };
  return (
    <FormCard
      titleId="score-title"
      title="Score this vendor"
      action={action}
      onSubmit={submit}
      submitLabel="Record scorecard"
    >
      {vendor.criteria.map((c) => (
        <ScoreField
          key={c.id}
          criterion={c}
          value={scores[c.id]}
          error={fieldError(action.error, `scores/${c.id}`)}
          onValue={(n) => setScores((s) => ({ ...s, [c.id]: n }))}
        />
      ))}
      <label htmlFor="score-note">Note</label>
      <input id="score-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} />
      <p role="status" aria-live="polite">
        Weighted total: <strong data-testid="weighted-total">{total === null ? '—' : score(total)}</strong> /
        5
      </p>
    </FormCard>
  );
}

function ScoreField(props: {
  readonly criterion: Criterion;
  readonly value: number | undefined;
  readonly error: string | undefined;
  readonly onValue: (n: number) => void;
}) {
  const { criterion: c, value, error, onValue } = props;
  const id = `score-${c.id}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {c.label} ({c.weightPercent} %) <span className="muted">{c.scoring}</span>
      </label>
      <select
        id={id}
        value={value ?? ''}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onValue(Number(e.target.value))}
      >
        <option value="" disabled>
          1-5
        </option>
        {[1, 2, 3, 4, 5].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
