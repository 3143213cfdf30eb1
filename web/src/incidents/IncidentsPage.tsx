/**
 * The incidents of a workspace: open, resolved or all, by severity, each with its next deadline counting
 * down and a breached mark; and the form to declare one. The filters live in the address
 * (`/incidents?state=all&severity=sev1`), so the dashboard links here; the list refreshes every 10 s.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { AppLink, ErrorNotice, when } from '../controls';
import {
  type DeclareChoices,
  incidentsApi,
  type Incident,
  type IncidentState,
  type Scale,
} from '../incidents-api';
import type { ReadyAccess } from '../permissions';
import { navigate, useSearch } from '../router';
import { Countdown } from '../support/countdown';
import { usePageHeading } from '../support/page-heading';
import { BreachedBadge, IncidentStatusBadge, RestrictedBadge, SeverityBadge } from './badges';
import { DeclareForm } from './DeclareForm';
import { IncidentsNav } from './IncidentsNav';
import { filterOf, type ListFilter, listHref, STATES } from './list-filter';
import { useLive, usePolling } from './live';
import { scaleOf } from './room-data';
import { INCIDENTS_PATH, incidentPath, severityLabel } from './words';

const POLL_MS = 10_000;

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function IncidentsPage({ workspace, access }: Props) {
  const filter = filterOf(useSearch());
  const heading = usePageHeading(INCIDENTS_PATH, `Incidents · ${workspace.name}`);
  const list = useLive(`${workspace.id}/${filter.state}/${filter.severity}`, () =>
    incidentsApi.list(workspace.id, {
      state: filter.state,
      ...(filter.severity ? { severity: filter.severity } : {}),
    }),
  );
  usePolling(list.reload, POLL_MS);
  const items = list.data?.items ?? null;
  // The last choices read stay while the list is read again (another filter), so pickers do not flicker.
  const [choices, setChoices] = useState<DeclareChoices | null>(null);
  useEffect(() => {
    if (list.data) setChoices({ scale: list.data.scale, types: list.data.types });
  }, [list.data]);
  const scale = useMemo(() => choices && scaleOf(choices), [choices]);
  const canDeclare = access.permissions.has('incidents.write');
  const [declaring, setDeclaring] = useState(false);
  const declareButton = useRef<HTMLButtonElement>(null);
  const closeDeclare = () => {
    setDeclaring(false);
    declareButton.current?.focus();
  };
  const onFilter = (change: Partial<ListFilter>) =>
    navigate(listHref({ ...filter, ...change }), { replace: true });

  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Incidents{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
        {canDeclare && (
          <button
            ref={declareButton}
            type="button"
            className="button primary"
            aria-expanded={declaring}
            aria-controls="declare-form"
            onClick={() => setDeclaring((open) => !open)}
          >
            Declare incident
          </button>
        )}
      </header>
      <IncidentsNav current={INCIDENTS_PATH} />
      {declaring && (
        <div id="declare-form">
          <DeclareForm workspace={workspace} choices={choices} onCancel={closeDeclare} />
        </div>
      )}
      <section className="card inbox" aria-labelledby="incidents-title">
        <div className="card-head">
          <h2 id="incidents-title">{STATES.find((s) => s.id === filter.state)?.name} incidents</h2>
          <span className="muted" aria-live="polite">
            {items && `${items.length} shown`}
          </span>
        </div>
        <div className="inline-form filters incident-filters">
          <Field id="incidents-state" label="Show">
            <select
              id="incidents-state"
              value={filter.state}
              onChange={(e) => onFilter({ state: e.target.value as IncidentState })}
            >
              {STATES.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="incidents-severity" label="Severity">
            <select
              id="incidents-severity"
              value={filter.severity}
              onChange={(e) => onFilter({ severity: e.target.value })}
            >
              <option value="">All severities</option>
              {levelsFor(scale, filter.severity).map((level) => (
                <option key={level} value={level}>
                  {severityLabel(scale, level)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorNotice error={list.error} />
        {!items && !list.error && <p className="muted">Loading incidents…</p>}
        {items?.length === 0 && <p className="muted">No incidents match.</p>}
        {items && items.length > 0 && <IncidentTable items={items} scale={scale} />}
      </section>
    </>
  );
}

/** The scale's levels, and the filtered one when the scale is not known (or no longer has it). */
function levelsFor(scale: Scale | null, current: string): readonly string[] {
  const levels = scale?.levels ?? [];
  return current && !levels.includes(current) ? [...levels, current] : levels;
}

function IncidentTable({
  items,
  scale,
}: {
  readonly items: readonly Incident[];
  readonly scale: Scale | null;
}) {
  return (
    <div className="table-wrap">
      <table className="data tickets incidents" aria-labelledby="incidents-title">
        <thead>
          <tr>
            <th>Next deadline</th>
            <th>Incident</th>
            <th>Severity</th>
            <th>Status</th>
            <th>Declared</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.number}>
              <td className="due-cell">
                {i.resolvedAt ? (
                  <span className="muted">resolved {when(i.resolvedAt)}</span>
                ) : (
                  <Countdown due={i.nextDueAt} start={i.detectedAt} />
                )}
                {i.breached && <BreachedBadge />}
              </td>
              <td className="title-cell">
                <AppLink to={incidentPath(i.number)} className="ticket-link">
                  <span className="ticket-number">{i.reference}</span> {i.title}
                </AppLink>
                {i.restricted && <RestrictedBadge />}
                {i.service && <span className="muted tags"> {i.service}</span>}
              </td>
              <td>
                <SeverityBadge scale={scale} severity={i.severity} />
              </td>
              <td>
                <IncidentStatusBadge status={i.status} />
              </td>
              <td>{when(i.detectedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
