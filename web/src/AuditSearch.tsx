/**
 * The audit log's search: the start of the action (`member.` for every membership change) and actor, the
 * exact target, and a period; and the matching entries downloaded whole, oldest first, as CSV or JSON lines (each
 * with its hash, to recompute the chain elsewhere).
 */
import { type FormEvent, useState } from 'react';
import { accessApi, type AuditFilter } from './access-api';
import type { Workspace } from './api';
import { TextField } from './AuthCard';

interface Props {
  readonly workspace: Workspace;
  readonly filter: AuditFilter;
  readonly onFilter: (filter: AuditFilter) => void;
}

/** A date field's day as the start of that day in the browser's zone, as an ISO instant. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);

export function AuditSearch({ workspace, filter, onFilter }: Props) {
  const [action, setAction] = useState(filter.action ?? '');
  const [actor, setActor] = useState(filter.actor ?? '');
  const [target, setTarget] = useState(filter.target ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // "To" is the whole of that day: the filter's bound is exclusive, so the next day's start.
    const end = to ? new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined;
    const next: AuditFilter = {
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(actor.trim() ? { actor: actor.trim() } : {}),
      ...(target.trim() ? { target: target.trim() } : {}),
      ...(from ? { from: dayStart(from)! } : {}),
      ...(end ? { to: end } : {}),
    };
    onFilter(next);
  };
  return (
    <section className="card" aria-labelledby="audit-search-title">
      <h2 id="audit-search-title">Search and export</h2>
      <form onSubmit={submit} className="inline-form">
        <TextField
          id="audit-action"
          label="Action starts with"
          hint="e.g. member. or token.revoked"
          value={action}
          onValue={setAction}
        />
        <TextField
          id="audit-actor"
          label="Actor starts with"
          hint="e.g. user: or api-token:"
          value={actor}
          onValue={setActor}
        />
        <TextField id="audit-target" label="Target" value={target} onValue={setTarget} />
        <TextField id="audit-from" label="From (day)" type="date" value={from} onValue={setFrom} />
        <TextField id="audit-to" label="To (day, included)" type="date" value={to} onValue={setTo} />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <p>
        Download the matching entries:{' '}
        <a className="button" href={accessApi.auditExportUrl(workspace.id, filter, 'csv')} download>
          CSV
        </a>{' '}
        <a className="button" href={accessApi.auditExportUrl(workspace.id, filter, 'ndjson')} download>
          JSON lines
        </a>
      </p>
    </section>
  );
}
