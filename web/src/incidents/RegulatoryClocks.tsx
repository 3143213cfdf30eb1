/**
 * The regulatory clocks (SOP-008: CERT-In 6 hours, IT Act 72 hours, GDPR 72 hours when EU personal data
 * is involved, all from detection and through any status change), each with the pack's name for it, the
 * authority told, the reports recorded so far and, for those with `incidents.write`, "Record report"
 * (with an optional reference and note), which meets the clock.
 */
import { type FormEvent, useRef, useState } from 'react';
import type { Member } from '../access-api';
import { Field } from '../AuthCard';
import { ErrorNotice, when } from '../controls';
import { incidentsApi, type RegulatoryClock, type RegulatoryReport } from '../incidents-api';
import { useSession } from '../session';
import { type RoomAction, type RoomProps, useRoomAction } from './room-data';
import { ClockItem } from './RoomClocks';
import { actorName, regulatoryId } from './words';

export function RegulatoryClocks({ workspace, detail, members, canWrite, onChanged }: RoomProps) {
  const room = useRoomAction(onChanged);
  const i = detail.incident;
  if (detail.regulatory.length === 0) return null;
  return (
    <section className="card ticket-card" aria-labelledby="regulatory-title">
      <h2 id="regulatory-title">Regulatory clocks</h2>
      <ErrorNotice error={room.action.error} />
      <ul className="clocks">
        {detail.regulatory.map((c) => {
          const id = regulatoryId(c.id);
          const reports = detail.reports.filter((r) => r.clock === id);
          return (
            <ClockItem key={c.id} name={c.label} clock={c} start={i.detectedAt}>
              <p className="clock-authority">
                Authority: <strong>{c.authority}</strong>
              </p>
              <Reports clock={c} reports={reports} members={members} />
              {canWrite && (
                <ReportForm
                  clock={c}
                  room={room}
                  record={(report, csrfToken) =>
                    incidentsApi.report(workspace.id, i.number, { clock: id, ...report }, csrfToken)
                  }
                />
              )}
            </ClockItem>
          );
        })}
      </ul>
      <p role="status" className="hint">
        {room.done}
      </p>
    </section>
  );
}

function Reports({
  clock,
  reports,
  members,
}: {
  readonly clock: RegulatoryClock;
  readonly reports: readonly RegulatoryReport[];
  readonly members: readonly Member[];
}) {
  if (reports.length === 0) return <p className="muted reports-none">No report recorded.</p>;
  return (
    <ul className="reports" aria-label={`Reports to ${clock.authority}`}>
      {reports.map((r, n) => (
        <li key={n}>
          Report recorded {when(r.at)} by {actorName(r.by, members)}
          {r.reference && (
            <>
              {' · '}
              reference <span className="report-reference">{r.reference}</span>
            </>
          )}
          {r.note && <span className="report-note">{r.note}</span>}
        </li>
      ))}
    </ul>
  );
}

function ReportForm({
  clock,
  room,
  record,
}: {
  readonly clock: RegulatoryClock;
  readonly room: RoomAction;
  readonly record: (
    report: { reference?: string; note?: string },
    csrfToken: string,
  ) => Promise<{ ok: true }>;
}) {
  const { me } = useSession();
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const extra = useRef<HTMLDetailsElement>(null);
  const key = regulatoryId(clock.id);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void room
      .run(
        () =>
          record(
            {
              ...(reference.trim() ? { reference: reference.trim() } : {}),
              ...(note.trim() ? { note: note.trim() } : {}),
            },
            me.csrfToken,
          ),
        `Report to ${clock.authority} recorded.`,
      )
      .then((ok) => {
        if (!ok) return;
        setReference('');
        setNote('');
        if (extra.current) extra.current.open = false;
      });
  };
  return (
    <form className="report-form" onSubmit={submit} aria-busy={room.action.busy}>
      <details className="report-details" ref={extra}>
        <summary>Reference and note</summary>
        <Field id={`report-reference-${key}`} label="Report reference (optional)">
          <input
            id={`report-reference-${key}`}
            maxLength={200}
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        </Field>
        <Field id={`report-note-${key}`} label="Note (optional)">
          <input
            id={`report-note-${key}`}
            maxLength={5000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
      </details>
      <button type="submit" className="button small" disabled={room.action.busy}>
        Record report<span className="visually-hidden">: {clock.label}</span>
      </button>
    </form>
  );
}
