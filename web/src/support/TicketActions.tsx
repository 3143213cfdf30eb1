/**
 * What an agent does to a whole ticket: escalate (to one of the pack's manual escalations, with its
 * reason), resolve (optionally as resolved on first contact, which the dashboard counts), reopen, merge
 * into another ticket, and link an incident.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { navigate } from '../router';
import { useAction, useSession } from '../session';
import { supportApi, type TicketDetail } from '../support-api';
import { ticketPath } from './InboxTable';

interface Props {
  readonly workspace: Workspace;
  readonly ticket: TicketDetail;
  readonly onChanged: () => void;
}

export function TicketActions({ workspace, ticket: t, onChanged }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [escalation, setEscalation] = useState('');
  const [note, setNote] = useState('');
  const [firstContact, setFirstContact] = useState(false);
  const [into, setInto] = useState('');
  const [incident, setIncident] = useState(t.incident?.replace(/^incident:/, '') ?? '');
  const linked = t.incident?.replace(/^incident:/, '') ?? '';
  const done = t.status === 'resolved' || t.status === 'closed';
  const chosen = t.escalations.find((e) => e.id === escalation);

  const run = (work: () => Promise<unknown>) =>
    void action.run(async () => {
      await work();
      onChanged();
    });
  const submit = (work: () => Promise<unknown>) => (e: FormEvent) => {
    e.preventDefault();
    run(work);
  };

  return (
    <section className="card ticket-card" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <ErrorNotice error={action.error} />
      {done ? (
        <p>
          <button
            type="button"
            className="button"
            disabled={action.busy}
            onClick={() => run(() => supportApi.reopen(workspace.id, t.number, me.csrfToken))}
          >
            Reopen
          </button>
        </p>
      ) : (
        <form
          className="action-form"
          onSubmit={submit(() => supportApi.resolve(workspace.id, t.number, firstContact, me.csrfToken))}
        >
          <label className="check">
            <input
              type="checkbox"
              checked={firstContact}
              onChange={(e) => setFirstContact(e.target.checked)}
            />
            Resolved on first contact
          </label>
          <button type="submit" className="button primary" disabled={action.busy}>
            Resolve
          </button>
        </form>
      )}
      {!done && t.escalations.length > 0 && (
        <form
          className="action-form"
          onSubmit={submit(async () => {
            if (!chosen) return;
            await supportApi.escalate(
              workspace.id,
              t.number,
              chosen.to,
              note.trim() || chosen.reason,
              me.csrfToken,
            );
            setEscalation('');
            setNote('');
          })}
        >
          <Field id="escalate-to" label="Escalate">
            <select id="escalate-to" value={escalation} onChange={(e) => setEscalation(e.target.value)}>
              <option value="">Choose a reason…</option>
              <EscalationOptions ticket={t} />
            </select>
          </Field>
          {chosen && (
            <Field id="escalate-note" label="Note for the next tier (optional)">
              <input id="escalate-note" value={note} onChange={(e) => setNote(e.target.value)} />
            </Field>
          )}
          <button type="submit" className="button" disabled={action.busy || !chosen}>
            Escalate
          </button>
        </form>
      )}
      <form
        className="action-form"
        onSubmit={submit(async () => {
          const target = Number(into.replace(/^#/, ''));
          await supportApi.merge(workspace.id, t.number, target, me.csrfToken);
          navigate(ticketPath(target));
        })}
      >
        <Field id="merge-into" label="Merge into ticket" hint="The number of the ticket to keep, e.g. 1042.">
          <input
            id="merge-into"
            inputMode="numeric"
            pattern="#?[0-9]+"
            value={into}
            aria-describedby="merge-into-hint"
            onChange={(e) => setInto(e.target.value)}
          />
        </Field>
        <button
          type="submit"
          className="button"
          disabled={action.busy || !/^#?\d+$/.test(into) || Number(into.replace(/^#/, '')) === t.number}
        >
          Merge
        </button>
      </form>
      <form
        className="action-form"
        onSubmit={submit(() =>
          supportApi.update(
            workspace.id,
            t.number,
            { incident: incident.trim() ? `incident:${incident.trim().replace(/^incident:/, '')}` : null },
            me.csrfToken,
          ),
        )}
      >
        <Field id="link-incident" label="Linked incident" hint="Its id, e.g. P0-1; empty to unlink.">
          <input
            id="link-incident"
            value={incident}
            aria-describedby="link-incident-hint"
            onChange={(e) => setIncident(e.target.value)}
          />
        </Field>
        <button type="submit" className="button" disabled={action.busy || incident.trim() === linked}>
          {incident.trim() || !linked ? 'Link incident' : 'Unlink incident'}
        </button>
      </form>
    </section>
  );
}

/** The escalations from the ticket's tier (or any level) first, then the rest of the matrix. */
function EscalationOptions({ ticket: t }: { readonly ticket: TicketDetail }) {
  const fits = (from: string) => from === 'any' || from === t.tier;
  const groups = [
    { label: `From ${t.tier ?? 'any level'}`, items: t.escalations.filter((e) => fits(e.from)) },
    { label: 'Other levels', items: t.escalations.filter((e) => !fits(e.from)) },
  ].filter((g) => g.items.length > 0);
  return groups.map((g) => (
    <optgroup key={g.label} label={g.label}>
      {g.items.map((e) => (
        <option key={e.id} value={e.id}>
          {e.label}: {e.reason}
        </option>
      ))}
    </optgroup>
  ));
}
