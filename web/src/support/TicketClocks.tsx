/**
 * The ticket's SLA clocks: each with its phase, due time, a live countdown and the derivation of the due
 * time in words (business hours, holidays, the SLA row it comes from).
 */
import { when } from '../controls';
import type { TicketDetail } from '../support-api';
import { Countdown } from './countdown';

/** `first-response` → "First response". */
export const clockName = (id: string) => {
  const words = id.replace(/[-_]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function TicketClocks({ ticket: t }: { readonly ticket: TicketDetail }) {
  return (
    <section className="card ticket-card" aria-labelledby="clocks-title">
      <h2 id="clocks-title">SLA clocks</h2>
      {t.clocks.length === 0 ? (
        <p className="muted">No clocks run on this ticket.</p>
      ) : (
        <ul className="clocks">
          {t.clocks.map((c) => (
            <li key={c.id} className={`clock clock-${c.phase}`} aria-label={`${clockName(c.id)}: ${c.phase}`}>
              <div className="clock-head">
                <span className="clock-name">{clockName(c.id)}</span>
                <span className={`badge clock-phase phase-${c.phase}`}>{c.phase}</span>
              </div>
              <div className="clock-due">
                {c.phase === 'running' || c.phase === 'breached' ? (
                  <Countdown due={c.due} start={c.startedAt ?? t.createdAt} phase={c.phase} />
                ) : null}
                <span className="muted">
                  {c.due ? `due ${when(c.due)}` : c.phase === 'paused' ? 'paused: no due time' : ''}
                </span>
              </div>
              {c.derivation && <p className="clock-why">{c.derivation}</p>}
            </li>
          ))}
        </ul>
      )}
      {t.firstResponseAt && <p className="muted">First response {when(t.firstResponseAt)}</p>}
      {t.resolvedAt && <p className="muted">Resolved {when(t.resolvedAt)}</p>}
    </section>
  );
}
