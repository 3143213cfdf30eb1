/**
 * The room's header: INC-n and title, severity (with its change control), status, restricted and breached
 * marks, who declared it and when it was acknowledged and resolved; acknowledge and resolve.
 */
import { type FormEvent, type RefObject, useState } from 'react';
import { ConfirmButton, ErrorNotice, when } from '../controls';
import { incidentsApi, type Scale } from '../incidents-api';
import { useSession } from '../session';
import { BreachedBadge, IncidentStatusBadge, RestrictedBadge, SeverityBadge } from './badges';
import { type RoomProps, useRoomAction } from './room-data';
import { actorName, idWords, severityLabel } from './words';

export function RoomHeader({
  workspace,
  detail,
  members,
  canWrite,
  onChanged,
  heading,
}: RoomProps & { readonly heading: RefObject<HTMLHeadingElement | null> }) {
  const { me } = useSession();
  const i = detail.incident;
  const { action, done, run } = useRoomAction(onChanged);

  return (
    <header className="page-header ticket-header room-header">
      <h1 ref={heading} tabIndex={-1}>
        <span className="ticket-number">{i.reference}</span> {i.title}
      </h1>
      <div className="ticket-summary">
        <SeverityBadge scale={detail.scale} severity={i.severity} />
        <IncidentStatusBadge status={i.status} />
        {i.restricted && <RestrictedBadge />}
        {i.breached && <BreachedBadge />}
        <span className="muted">
          {i.kind ? `${idWords(i.kind)} · ` : ''}
          {i.service ? `${i.service} · ` : ''}
          declared {when(i.detectedAt)} by {actorName(i.declaredBy, members)}
          {i.acknowledgedAt ? ` · acknowledged ${when(i.acknowledgedAt)}` : ' · not acknowledged'}
          {i.resolvedAt ? ` · resolved ${when(i.resolvedAt)}` : ''}
        </span>
      </div>
      {canWrite && (
        <div className="room-actions">
          {!i.acknowledgedAt && !i.resolvedAt && (
            <button
              type="button"
              className="button primary"
              disabled={action.busy}
              onClick={() =>
                void run(
                  () => incidentsApi.acknowledge(workspace.id, i.number, me.csrfToken),
                  'Acknowledged.',
                )
              }
            >
              Acknowledge
            </button>
          )}
          <SeverityForm
            key={i.severity}
            current={i.severity}
            scale={detail.scale}
            busy={action.busy}
            onChange={(severity) =>
              void run(
                () => incidentsApi.severity(workspace.id, i.number, severity, me.csrfToken),
                `Severity changed to ${severityLabel(detail.scale, severity)}.`,
              )
            }
          />
          {!i.resolvedAt && (
            <ConfirmButton
              label="Resolve"
              question={`Resolve ${i.reference}? Its clocks stop and the review opens.`}
              confirm="Yes, resolve"
              action={action}
              onConfirm={async () => {
                await run(() => incidentsApi.resolve(workspace.id, i.number, me.csrfToken), 'Resolved.');
              }}
            />
          )}
          <span role="status" className="hint">
            {done}
          </span>
        </div>
      )}
      <ErrorNotice error={action.error} />
    </header>
  );
}

/** Keyed by the current severity: a change made elsewhere (seen by polling) resets the picker. */
function SeverityForm({
  current,
  scale,
  busy,
  onChange,
}: {
  readonly current: string;
  readonly scale: Scale | null;
  readonly busy: boolean;
  readonly onChange: (severity: string) => void;
}) {
  const [severity, setSeverity] = useState(current);
  const levels = scale?.levels ?? [current];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(severity);
  };
  return (
    <form className="severity-form" onSubmit={submit} aria-busy={busy}>
      <label htmlFor="room-severity">Severity</label>
      <select id="room-severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
        {levels.map((level) => (
          <option key={level} value={level}>
            {severityLabel(scale, level)}
          </option>
        ))}
      </select>
      <button type="submit" className="button small" disabled={busy || severity === current}>
        Change severity
      </button>
    </form>
  );
}
