/**
 * The incident's other clocks: the regulatory ones (SOP-008: CERT-In 6 hours, IT Act 72 hours, GDPR 72
 * hours when EU personal data is involved, all from detection and through any status change) with the
 * form that records a report and meets one; and the severity's targets (SofaCover P0: response 15 min,
 * resolution 2 h).
 */
import { type FormEvent, useState } from 'react';
import { Field } from '../AuthCard';
import { ErrorNotice, when } from '../controls';
import { type IncidentClock, incidentsApi } from '../incidents-api';
import { useSession } from '../session';
import { Countdown } from '../support/countdown';
import { clockName } from '../support/TicketClocks';
import { asPhase } from './clock-phase';
import { type RoomProps, useRoomAction } from './room-data';
import { regulatorName, regulatoryId } from './words';

function ClockItem({
  name,
  clock,
  start,
}: {
  readonly name: string;
  readonly clock: IncidentClock;
  readonly start: string;
}) {
  const c = clock;
  return (
    <li className={`clock clock-${c.phase}`} aria-label={`${name}: ${c.phase}`}>
      <div className="clock-head">
        <span className="clock-name">{name}</span>
        <span className={`badge clock-phase phase-${c.phase}`}>{c.phase}</span>
      </div>
      <div className="clock-due">
        {(c.phase === 'running' || c.phase === 'breached') && (
          <Countdown due={c.due} start={start} phase={asPhase(c.phase)} />
        )}
        <span className="muted">{c.due ? `due ${when(c.due)}` : ''}</span>
      </div>
      {c.derivation && <p className="clock-why">{c.derivation}</p>}
    </li>
  );
}

export function RegulatoryClocks({ workspace, detail, canWrite, onChanged }: RoomProps) {
  const { me } = useSession();
  const i = detail.incident;
  const { action, done, run } = useRoomAction(onChanged);
  const open = detail.regulatory.filter((c) => c.phase === 'running' || c.phase === 'breached');
  const [clock, setClock] = useState('');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const chosen = open.find((c) => c.id === clock) ?? open[0];
  const reports = detail.timeline.filter((e) => e.type === 'incident.reported');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    void run(
      () =>
        incidentsApi.report(
          workspace.id,
          i.number,
          {
            clock: regulatoryId(chosen.id),
            ...(reference.trim() ? { reference: reference.trim() } : {}),
            ...(note.trim() ? { note: note.trim() } : {}),
          },
          me.csrfToken,
        ),
      `Report to ${regulatorName(chosen.id)} recorded.`,
    ).then((ok) => {
      if (!ok) return;
      setClock('');
      setReference('');
      setNote('');
    });
  };

  if (detail.regulatory.length === 0) return null;
  return (
    <section className="card ticket-card" aria-labelledby="regulatory-title">
      <h2 id="regulatory-title">Regulatory clocks</h2>
      <ul className="clocks">
        {detail.regulatory.map((c) => (
          <ClockItem key={c.id} name={regulatorName(c.id)} clock={c} start={i.detectedAt} />
        ))}
      </ul>
      {reports.length > 0 && (
        <ul className="reports">
          {reports.map((r) => (
            <li key={r.id}>
              Reported to {regulatorName(typeof r.data.clock === 'string' ? r.data.clock : '')} {when(r.at)}
            </li>
          ))}
        </ul>
      )}
      {canWrite && chosen && (
        <form className="property-form report-form" onSubmit={submit} aria-busy={action.busy}>
          <ErrorNotice error={action.error} />
          <Field id="report-clock" label="Regulator">
            <select id="report-clock" value={chosen.id} onChange={(e) => setClock(e.target.value)}>
              {open.map((c) => (
                <option key={c.id} value={c.id}>
                  {regulatorName(c.id)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="report-reference" label="Report reference (optional)">
            <input
              id="report-reference"
              maxLength={200}
              value={reference}
              onChange={(e) => setReference(e.target.value)}
            />
          </Field>
          <Field id="report-note" label="Note (optional)">
            <input id="report-note" maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <button type="submit" className="button" disabled={action.busy}>
            Record report
          </button>
        </form>
      )}
      <p role="status" className="hint">
        {done}
      </p>
    </section>
  );
}

/** The severity's own targets (response, resolution, customer notice): clocks that are not stages. */
export function SeverityClocks({ detail }: { readonly detail: RoomProps['detail'] }) {
  const i = detail.incident;
  const clocks = i.clocks.filter((c) => !c.id.startsWith('stage:') && !c.id.startsWith('regulatory:'));
  if (clocks.length === 0) return null;
  return (
    <section className="card ticket-card" aria-labelledby="targets-title">
      <h2 id="targets-title">Severity targets</h2>
      <ul className="clocks">
        {clocks.map((c) => (
          <ClockItem key={c.id} name={clockName(c.id)} clock={c} start={i.detectedAt} />
        ))}
      </ul>
    </section>
  );
}
