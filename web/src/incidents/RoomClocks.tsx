/**
 * A clock of the room beside its deadline stages (RegulatoryClocks.tsx lists the regulators' with this),
 * and the severity's targets (SofaCover P0: response 15 min, resolution 2 h).
 */
import type { ReactNode } from 'react';
import { when } from '../controls';
import type { IncidentClock } from '../incidents-api';
import { Countdown } from '../support/countdown';
import { clockName } from '../support/TicketClocks';
import { asPhase } from './clock-phase';
import type { RoomProps } from './room-data';

export function ClockItem({
  name,
  clock,
  start,
  children,
}: {
  readonly name: string;
  readonly clock: IncidentClock;
  readonly start: string;
  /** What follows the clock's derivation (a regulator's reports and the form to record one). */
  readonly children?: ReactNode;
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
      {children}
    </li>
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
