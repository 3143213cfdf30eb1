/**
 * The review's action items: each with an owner and a due date, overdue ones marked (their owner is
 * nagged daily until done); add one, mark one done.
 */
import { type FormEvent, useState } from 'react';
import { fieldError } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice, when } from '../controls';
import { incidentsApi } from '../incidents-api';
import { useSession } from '../session';
import { type RoomProps, useRoomAction } from './room-data';
import { actorName } from './words';

const WEEK_MS = 7 * 86_400_000;

/** `YYYY-MM-DDTHH:MM` in the browser's zone, as a datetime-local input wants it. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function ActionItems({ workspace, detail, members, canWrite, onChanged }: RoomProps) {
  const { me } = useSession();
  const { action, done, run } = useRoomAction(onChanged);
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState(me.user.id);
  const [due, setDue] = useState(() => localInput(Date.now() + WEEK_MS));
  const number = detail.incident.number;
  const nowMs = Date.now();

  const add = (event: FormEvent) => {
    event.preventDefault();
    const dueMs = Date.parse(due);
    if (!title.trim() || Number.isNaN(dueMs)) return;
    void run(
      () =>
        incidentsApi.addActionItem(
          workspace.id,
          number,
          { title: title.trim(), ownerId: owner, dueAt: new Date(dueMs).toISOString() },
          me.csrfToken,
        ),
      'Action item added.',
    ).then((ok) => ok && setTitle(''));
  };

  const items = detail.actionItems;
  return (
    <section className="card ticket-card" aria-labelledby="action-items-title">
      <h2 id="action-items-title">Action items</h2>
      <ErrorNotice error={action.error} />
      {items.length === 0 ? (
        <p className="muted">No action items yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-labelledby="action-items-title">
            <thead>
              <tr>
                <th>Action</th>
                <th>Owner</th>
                <th>Due</th>
                <th>Status</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => {
                const overdue = t.status === 'open' && t.dueAt !== null && Date.parse(t.dueAt) <= nowMs;
                return (
                  <tr key={t.id}>
                    <td>{t.title}</td>
                    <td>{actorName(t.assignee, members)}</td>
                    <td>
                      {when(t.dueAt)}
                      {overdue && <span className="badge breached-badge">overdue</span>}
                    </td>
                    <td>{t.status === 'open' ? 'open' : `done ${when(t.completedAt)}`}</td>
                    <td className="actions-cell">
                      {canWrite && t.status === 'open' && (
                        <button
                          type="button"
                          className="button small"
                          disabled={action.busy}
                          onClick={() =>
                            void run(
                              () => incidentsApi.actionItemDone(workspace.id, number, t.id, me.csrfToken),
                              `Done: ${t.title}.`,
                            )
                          }
                        >
                          Mark done<span className="visually-hidden">: {t.title}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && (
        <form className="action-form action-item-form" onSubmit={add} aria-busy={action.busy}>
          <Field id="action-title" label="New action item" error={fieldError(action.error, 'title')}>
            <input
              id="action-title"
              maxLength={500}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          </Field>
          <Field id="action-owner" label="Owner" error={fieldError(action.error, 'ownerId')}>
            <select id="action-owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
              {!members.some((m) => m.userId === me.user.id) && (
                <option value={me.user.id}>{me.user.name}</option>
              )}
              {members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="action-due" label="Due" error={fieldError(action.error, 'dueAt')}>
            <input
              id="action-due"
              type="datetime-local"
              required
              value={due}
              onChange={(e) => setDue(e.target.value)}
            />
          </Field>
          <button type="submit" className="button" disabled={action.busy || !title.trim()}>
            Add
          </button>
        </form>
      )}
      <p role="status" className="hint">
        {done}
      </p>
    </section>
  );
}
