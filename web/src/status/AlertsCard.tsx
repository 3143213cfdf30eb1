/**
 * The open alerts, newest first, refreshed every 10 s: summary, severity, status, where it came from and
 * the incident it opened or joined; acknowledging and resolving by hand needs `incidents.write`.
 */
import type { Workspace } from '../api';
import { AppLink, ListCard, when } from '../controls';
import { useLive, usePolling } from '../incidents/live';
import { useAction, useSession } from '../session';
import { type Alert, alertApi } from '../status-api';
import { StateBadge } from './badges';

const POLL_MS = 10_000;

export function AlertsCard({
  workspace,
  canAct,
}: {
  readonly workspace: Workspace;
  readonly canAct: boolean;
}) {
  const { me } = useSession();
  const alerts = useLive(workspace.id, () => alertApi.openAlerts(workspace.id));
  usePolling(alerts.reload, POLL_MS);
  const action = useAction();
  const act = (alert: Alert, what: 'acknowledge' | 'resolve') =>
    void action.run(async () => {
      await alertApi.act(workspace.id, alert.id, what, me.csrfToken);
      alerts.reload();
    });

  return (
    <ListCard<Alert>
      titleId="alerts-title"
      title="Open alerts"
      list={alerts}
      action={action}
      loading="Loading alerts…"
      empty="No open alerts."
      columns={['Alert', 'Severity', 'Status', 'Source', 'Incident', 'Last seen']}
      rows={(items) =>
        items.map((a) => (
          <tr key={a.id}>
            <td>
              {a.summary}
              {a.service && <div className="muted">{a.service}</div>}
            </td>
            <td>{a.severity}</td>
            <td>
              <StateBadge state={a.status} />
              {a.flapping && <div className="muted">flapping</div>}
            </td>
            <td>
              <code className="nowrap">{a.source.split(':')[0]}</code>
              {a.count > 1 && <div className="muted">{a.count} times</div>}
            </td>
            <td>
              {a.incident ? (
                <AppLink to={`/incidents/${a.incident.number}`}>INC-{a.incident.number}</AppLink>
              ) : (
                '—'
              )}
            </td>
            <td>{when(a.lastSeenAt)}</td>
            <td className="actions-cell">
              {canAct && (
                <div className="status-actions">
                  {a.status === 'firing' && (
                    <button
                      type="button"
                      className="button small"
                      disabled={action.busy}
                      aria-label={`Acknowledge ${a.summary}`}
                      onClick={() => act(a, 'acknowledge')}
                    >
                      Acknowledge
                    </button>
                  )}
                  <button
                    type="button"
                    className="button small"
                    disabled={action.busy}
                    aria-label={`Resolve ${a.summary}`}
                    onClick={() => act(a, 'resolve')}
                  >
                    Resolve
                  </button>
                </div>
              )}
            </td>
          </tr>
        ))
      }
    />
  );
}
