/**
 * What the incident is linked to: the alerts grouped into it, the tickets whose customers hear its public
 * updates (link more by number), and the follow-ups the pack raised (the playbook's steps, SofaCover's
 * +2 h / +48 h / +1 week checks).
 */
import { type FormEvent, useState } from 'react';
import { Field } from '../AuthCard';
import { AppLink, ErrorNotice, when } from '../controls';
import { incidentsApi } from '../incidents-api';
import { useSession } from '../session';
import { type RoomProps, useRoomAction } from './room-data';
import { actorName } from './words';

/** `1042, #1043 1044` → [1042, 1043, 1044]; null when something else is in it. */
export function ticketNumbers(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => /^#?[1-9]\d{0,9}$/.test(p))) return null;
  return [...new Set(parts.map((p) => Number(p.replace(/^#/, ''))))];
}

export function AlertsCard({ detail }: RoomProps) {
  if (detail.alerts.length === 0) return null;
  return (
    <section className="card ticket-card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <ul className="linked">
        {detail.alerts.map((a) => (
          <li key={a.id}>
            <span className={`badge alert-status alert-${a.status}`}>{a.status}</span> {a.summary}
            <span className="muted">
              {' '}
              {a.source}
              {a.count > 1 ? ` · ×${a.count}` : ''} · since {when(a.startedAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TicketsCard({ workspace, detail, canWrite, onChanged }: RoomProps) {
  const { me } = useSession();
  const { action, done, run } = useRoomAction(onChanged);
  const [text, setText] = useState('');
  const numbers = ticketNumbers(text);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!numbers) return;
    void run(
      () => incidentsApi.linkTickets(workspace.id, detail.incident.number, numbers, me.csrfToken),
      (answer) => `Linked ${answer.linked.map((n) => `#${n}`).join(', ')}.`,
    ).then((ok) => ok && setText(''));
  };
  return (
    <section className="card ticket-card" aria-labelledby="tickets-title">
      <h2 id="tickets-title">Linked tickets</h2>
      {detail.tickets.length === 0 ? (
        <p className="muted">No ticket is linked.</p>
      ) : (
        <ul className="linked">
          {detail.tickets.map((t) => (
            <li key={t.number}>
              <AppLink to={`/inbox/${t.number}`}>
                #{t.number} {t.title}
              </AppLink>{' '}
              <span className="muted">{t.status}</span>
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <form className="action-form" onSubmit={submit} aria-busy={action.busy}>
          <ErrorNotice error={action.error} />
          <Field id="link-tickets" label="Link tickets" hint="Their numbers, e.g. 1042, 1043.">
            <input
              id="link-tickets"
              inputMode="numeric"
              value={text}
              aria-describedby="link-tickets-hint"
              aria-invalid={text.trim() && !numbers ? true : undefined}
              onChange={(e) => setText(e.target.value)}
            />
          </Field>
          <button type="submit" className="button" disabled={action.busy || !numbers}>
            Link
          </button>
        </form>
      )}
      <p role="status" className="hint">
        {done}
      </p>
    </section>
  );
}

export function FollowUps({ detail, members }: RoomProps) {
  if (detail.tasks.length === 0) return null;
  return (
    <section className="card ticket-card" aria-labelledby="followups-title">
      <h2 id="followups-title">Follow-ups</h2>
      <ul className="linked">
        {detail.tasks.map((t) => (
          <li key={t.key}>
            {t.title}
            <span className="muted">
              {' '}
              {actorName(t.assignee, members)}
              {t.dueAt ? ` · due ${when(t.dueAt)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
