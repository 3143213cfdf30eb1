/** The recent runs of a health check, newest first (the server keeps raw results for 48 hours). */
import type { Workspace } from '../api';
import { ErrorNotice, when } from '../controls';
import { useLoad } from '../session';
import { type Check, monitorApi } from '../status-api';
import { StateBadge } from './badges';

export function CheckResults({ workspace, check }: { readonly workspace: Workspace; readonly check: Check }) {
  const results = useLoad(`${check.id}/${check.lastRunAt ?? ''}`, () =>
    monitorApi.results(workspace.id, check.id),
  );
  const items = results.data?.items;
  const titleId = `check-${check.id}-results`;
  return (
    <section aria-labelledby={titleId}>
      <h3 id={titleId}>Recent results of {check.name}</h3>
      <ErrorNotice error={results.error} />
      {!items && !results.error && <p className="muted">Loading results…</p>}
      {items?.length === 0 && <p className="muted">No runs yet.</p>}
      {items && items.length > 0 && (
        <table className="data" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th>When</th>
              <th>Result</th>
              <th>Latency</th>
              <th>HTTP status</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>{when(r.at)}</td>
                <td>
                  <StateBadge state={r.ok ? 'up' : 'down'} label={r.ok ? 'passed' : 'failed'} />
                </td>
                <td>{r.latencyMs === null ? '—' : `${r.latencyMs} ms`}</td>
                <td>{r.statusCode ?? '—'}</td>
                <td>{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
