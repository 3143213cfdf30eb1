/**
 * Public updates of a security incident that wait for the comms lead (SOP-008): the comms lead approves
 * (publishes) or rejects each; everyone else sees whom it waits for.
 */
import { ErrorNotice, when } from '../controls';
import { incidentsApi } from '../incidents-api';
import { useSession } from '../session';
import { type RoomProps, useRoomAction } from './room-data';
import { actorName } from './words';

export function PendingUpdates({ workspace, detail, members, canWrite, onChanged }: RoomProps) {
  const { me } = useSession();
  const { action, done, run } = useRoomAction(onChanged);
  const i = detail.incident;
  const pending = detail.updates.filter((u) => u.approval === 'pending');
  const lead = i.roles['comms-lead'] ?? null;
  const isLead = lead !== null && lead === me.user.id;
  if (pending.length === 0 && !done) return null;
  return (
    <div className="pending-updates" role="group" aria-labelledby="pending-title">
      <h3 id="pending-title">Waiting for the comms lead</h3>
      <ErrorNotice error={action.error} />
      {pending.length === 0 && <p className="muted">No update is waiting.</p>}
      <ul className="messages">
        {pending.map((u) => (
          <li key={u.id} className="message message-note">
            <div className="message-head">
              <span className="message-kind">public · {u.status}</span>
              <span className="message-author">{actorName(u.postedBy, members)}</span>
              <span className="muted">{when(u.createdAt)}</span>
            </div>
            {Object.entries(u.body).map(([lang, text]) => (
              <p key={lang} lang={lang} className="message-body">
                {text}
              </p>
            ))}
            {isLead && canWrite ? (
              <div className="actions">
                <button
                  type="button"
                  className="button small primary"
                  disabled={action.busy}
                  onClick={() =>
                    void run(
                      () => incidentsApi.decide(workspace.id, i.number, u.id, 'approve', me.csrfToken),
                      'Update approved and published.',
                    )
                  }
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button small danger"
                  disabled={action.busy}
                  onClick={() =>
                    void run(
                      () => incidentsApi.decide(workspace.id, i.number, u.id, 'reject', me.csrfToken),
                      'Update rejected.',
                    )
                  }
                >
                  Reject
                </button>
              </div>
            ) : (
              <p className="hint">
                {lead
                  ? `Waits for ${actorName(lead, members)}, the comms lead, to approve it.`
                  : 'Waits for a comms lead: give someone the comms lead role, who then approves it.'}
              </p>
            )}
          </li>
        ))}
      </ul>
      <p role="status" className="hint">
        {done}
      </p>
    </div>
  );
}
