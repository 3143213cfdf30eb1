/**
 * The compliance report per SOP (`/compliance`, issue 10): over a chosen period (days in the workspace's
 * zone), for each pack version that governed records, how often each timed step was met, with the SOP's
 * words beside it, the target share and the records still running; a link to the printable page (HTML
 * without script, for "Print to PDF").
 */
import type { ReactNode } from 'react';
import type { Workspace } from './api';
import { NotAllowed } from './AreaPage';
import { complianceApi, type ComplianceLine, type ComplianceReport } from './compliance-api';
import { ErrorNotice } from './controls';
import { PeriodFields, usePeriod } from './metrics-period';
import type { WorkspaceAccess } from './permissions';
import { useLoad } from './session';
import { usePageHeading } from './support/page-heading';

export const COMPLIANCE_PATH = '/compliance';

/** The page for `path`, or null when the path is not this page's. */
export function compliancePage(
  path: string,
  workspace: Workspace | null,
  access: WorkspaceAccess,
): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path.replace(/\/$/, '') !== COMPLIANCE_PATH) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="the compliance report" />;
  return <CompliancePage key={workspace.id} workspace={workspace} />;
}

function CompliancePage({ workspace }: { readonly workspace: Workspace }) {
  const heading = usePageHeading(COMPLIANCE_PATH, `Compliance · ${workspace.name}`);
  const zone = workspace.timeZone;
  const period = usePeriod(zone);
  const { valid, from, to } = period;
  const report = useLoad(`${workspace.id}/compliance/${from}/${to}`, () =>
    valid
      ? complianceApi.report(workspace.id, { from, to })
      : Promise.reject(new Error('The period must start before it ends.')),
  );
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Compliance{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
      </header>
      <section className="card" aria-labelledby="period-title">
        <h2 id="period-title">Period</h2>
        <div className="inline-form filters">
          <PeriodFields period={period} idPrefix="compliance" />
        </div>
        <p className="muted">
          Timed steps that started in the period, days in {zone}: met when done by the due time (exactly at it
          counts), still running ones apart.
        </p>
        {valid && (
          <p>
            <a href={complianceApi.printableUrl(workspace.id, { from, to })} target="_blank" rel="noopener">
              Printable version
            </a>
          </p>
        )}
        <ErrorNotice error={report.error} />
        {!report.data && !report.error && <p className="muted">Loading the report…</p>}
      </section>
      {report.data && <Packs report={report.data} />}
    </>
  );
}

function Packs({ report }: { readonly report: ComplianceReport }) {
  if (report.packs.length === 0)
    return (
      <section className="card">
        <p>No pack governed records in this period.</p>
      </section>
    );
  return (
    <>
      {report.packs.map((pack) => {
        const id = `pack-${pack.packId}-${pack.version}`.replace(/[^a-z0-9-]/gi, '-');
        return (
          <section key={id} className="card" aria-labelledby={id}>
            <h2 id={id}>
              {pack.title} <span className="muted">version {pack.version}</span>
            </h2>
            <p className="muted">{pack.steps} timed steps counted.</p>
            {pack.families.length === 0 && <p>No timed step of this version started in the period.</p>}
            {pack.families.map((family) => (
              <div key={family.family}>
                <h3 id={`${id}-${family.family}`}>{family.title}</h3>
                <div className="table-wrap">
                  <table className="data" aria-labelledby={`${id}-${family.family}`}>
                    <thead>
                      <tr>
                        <th scope="col">Level</th>
                        <th scope="col">Step</th>
                        <th scope="col">The SOP says</th>
                        <th scope="col">Met</th>
                        <th scope="col">Share</th>
                        <th scope="col">Target</th>
                        <th scope="col">Breached</th>
                        <th scope="col">Running</th>
                      </tr>
                    </thead>
                    <tbody>
                      {family.lines.map((line) => (
                        <Line
                          key={`${line.kind}/${line.step}/${line.source}/${line.level ?? ''}`}
                          line={line}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ))}
          </section>
        );
      })}
    </>
  );
}

function Line({ line }: { readonly line: ComplianceLine }) {
  const decided = line.met + line.breached;
  return (
    <tr title={line.text}>
      <td>{line.levelLabel ?? line.level ?? '—'}</td>
      <th scope="row">{line.label}</th>
      <td>{line.quote ? <q>{line.quote}</q> : '—'}</td>
      <td>
        {line.met} of {decided}
      </td>
      <td className={line.onTarget === false ? 'breached' : undefined}>
        {line.percent === null ? 'none decided' : `${line.percent} %`}
      </td>
      <td>{line.targetPercent} %</td>
      <td>{line.breached}</td>
      <td>
        {line.running}
        {line.overdue > 0 && ` (${line.overdue} past due)`}
      </td>
    </tr>
  );
}
