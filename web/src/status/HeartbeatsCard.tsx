/**
 * The heartbeats (jobs that ping a secret URL when they run): name, status, last ping and when the
 * next is due (a period or a cron schedule, plus grace); with `incidents.manage`, pausing and resuming
 * one, and creating one, whose ping URL is shown once.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { ListCard, when } from '../controls';
import { type Loaded, useAction, useSession } from '../session';
import { type Heartbeat, monitorApi, type WithPingUrl } from '../status-api';
import { StateBadge } from './badges';
import { HeartbeatForm } from './HeartbeatForm';
import { ShownOnceList } from './ShownOnce';
import { duration } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly heartbeats: Loaded<{ readonly items: readonly Heartbeat[] }>;
  readonly manage: boolean;
}

export function HeartbeatsCard({ workspace, heartbeats, manage }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [created, setCreated] = useState<WithPingUrl | null>(null);
  const toggle = (h: Heartbeat) =>
    void action.run(async () => {
      await monitorApi.heartbeatAction(workspace.id, h.id, h.paused ? 'resume' : 'pause', me.csrfToken);
      heartbeats.reload();
    });

  return (
    <>
      <ListCard<Heartbeat>
        titleId="heartbeats-title"
        title="Heartbeats"
        list={heartbeats}
        action={action}
        loading="Loading heartbeats…"
        empty="No heartbeats yet."
        columns={['Heartbeat', 'Status', 'Last ping', 'Expected']}
        rows={(items) =>
          items.map((h) => (
            <tr key={h.id}>
              <td>{h.name}</td>
              <td>
                <StateBadge state={h.status} />
              </td>
              <td>{when(h.lastPingAt, 'never')}</td>
              <td>
                {h.schedule ? (
                  <>
                    <code>{h.schedule}</code> ({h.timeZone})
                  </>
                ) : (
                  `every ${duration(h.periodMs ?? 86_400_000)}`
                )}
                , grace {duration(h.graceMs)}
              </td>
              <td className="actions-cell">
                {manage && (
                  <button
                    type="button"
                    className="button small"
                    disabled={action.busy}
                    aria-label={`${h.paused ? 'Resume' : 'Pause'} ${h.name}`}
                    onClick={() => toggle(h)}
                  >
                    {h.paused ? 'Resume' : 'Pause'}
                  </button>
                )}
              </td>
            </tr>
          ))
        }
      />
      {created && (
        <ShownOnceList
          title={`Ping URL of ${created.heartbeat.name}`}
          note="Have the job GET or POST this URL when it finishes (add /start before, /fail on failure). It is shown only this once."
          values={[{ label: 'Ping URL', value: created.pingUrl }]}
          onDone={() => setCreated(null)}
        />
      )}
      {manage && (
        <HeartbeatForm
          workspace={workspace}
          onCreated={(made) => {
            setCreated(made);
            heartbeats.reload();
          }}
        />
      )}
    </>
  );
}
