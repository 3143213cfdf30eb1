/**
 * The health checks: name, kind, target, status, last latency and uptime; with `incidents.manage`,
 * pausing, resuming and running one now, and the form to create one. Each check's recent results open
 * below its row.
 */
import { Fragment, useState } from 'react';
import type { Workspace } from '../api';
import { DataTable, ErrorNotice } from '../controls';
import { type Loaded, useAction, useLoad, useSession } from '../session';
import { type Check, monitorApi, type StatusComponent } from '../status-api';
import { StateBadge } from './badges';
import { CheckForm } from './CheckForm';
import { CheckResults } from './CheckResults';
import { duration, percent } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly checks: Loaded<{ readonly items: readonly Check[] }>;
  readonly components: readonly StatusComponent[];
  readonly manage: boolean;
}

const COLUMNS = ['Check', 'Kind', 'Target', 'Status', 'Last latency', 'Uptime 24 h / 30 d'];

export function ChecksCard({ workspace, checks, components, manage }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [open, setOpen] = useState<string | null>(null);
  const items = checks.data?.items;
  const act = (check: Check, what: 'pause' | 'resume' | 'run') =>
    void action.run(async () => {
      await monitorApi.checkAction(workspace.id, check.id, what, me.csrfToken);
      checks.reload();
    });

  return (
    <>
      <section className="card" aria-labelledby="checks-title">
        <h2 id="checks-title">Health checks</h2>
        <ErrorNotice error={checks.error ?? action.error} />
        {!items && !checks.error && <p className="muted">Loading health checks…</p>}
        {items?.length === 0 && <p className="muted">No health checks yet.</p>}
        {items && items.length > 0 && (
          <DataTable labelledBy="checks-title" columns={COLUMNS}>
            {items.map((c) => (
              <Fragment key={c.id}>
                <tr>
                  <td>
                    {c.name}
                    <div className="muted">every {duration(c.intervalMs)}</div>
                  </td>
                  <td>{c.kind.toUpperCase()}</td>
                  <td>
                    <code>{c.target}</code>
                  </td>
                  <td>
                    <StateBadge state={c.status} />
                    {c.status === 'down' && c.lastError && <div className="muted">{c.lastError}</div>}
                  </td>
                  <td>{c.lastLatencyMs === null ? '—' : `${c.lastLatencyMs} ms`}</td>
                  <td>
                    <Uptime workspace={workspace} check={c} />
                  </td>
                  <td className="actions-cell">
                    <div className="status-actions">
                      {manage && (
                        <button
                          type="button"
                          className="button small"
                          disabled={action.busy}
                          aria-label={`${c.paused ? 'Resume' : 'Pause'} ${c.name}`}
                          onClick={() => act(c, c.paused ? 'resume' : 'pause')}
                        >
                          {c.paused ? 'Resume' : 'Pause'}
                        </button>
                      )}
                      {manage && !c.paused && (
                        <button
                          type="button"
                          className="button small"
                          disabled={action.busy}
                          aria-label={`Run ${c.name} now`}
                          onClick={() => act(c, 'run')}
                        >
                          Run now
                        </button>
                      )}
                      <button
                        type="button"
                        className="button small"
                        aria-expanded={open === c.id}
                        aria-label={`Results of ${c.name}`}
                        onClick={() => setOpen(open === c.id ? null : c.id)}
                      >
                        Results
                      </button>
                    </div>
                  </td>
                </tr>
                {open === c.id && (
                  <tr>
                    <td colSpan={COLUMNS.length + 1} className="detail-cell">
                      <CheckResults workspace={workspace} check={c} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </DataTable>
        )}
      </section>
      {manage && <CheckForm workspace={workspace} components={components} onCreated={checks.reload} />}
    </>
  );
}

/** The check's uptime over 24 hours and 30 days, loaded again after each run. */
function Uptime({ workspace, check }: { readonly workspace: Workspace; readonly check: Check }) {
  const uptime = useLoad(`${check.id}/${check.lastRunAt ?? ''}`, () =>
    monitorApi.uptime(workspace.id, check.id),
  );
  if (uptime.error) return <span className="muted">unavailable</span>;
  if (!uptime.data) return <span className="muted">…</span>;
  return (
    <>
      {percent(uptime.data.uptime['24h'])} / {percent(uptime.data.uptime['30d'])}
    </>
  );
}
