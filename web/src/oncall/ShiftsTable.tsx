/** A schedule's shifts over the next days: who, from when to when in its zone, and from which layer. */
import { ErrorNotice } from '../controls';
import type { Schedule, Shift } from '../oncall-api';
import type { Loaded } from '../session';
import { zonedWords } from './zoned';

export function ShiftsTable({
  schedule,
  shifts,
  days,
}: {
  readonly schedule: Schedule;
  readonly shifts: Loaded<{ readonly items: readonly Shift[] }>;
  readonly days: number;
}) {
  const titleId = `schedule-${schedule.id}-shifts`;
  const items = shifts.data?.items;
  return (
    <>
      <h3 id={titleId}>Next {days} days</h3>
      <ErrorNotice error={shifts.error} />
      {!items && !shifts.error && <p className="muted">Loading shifts…</p>}
      {items?.length === 0 && <p className="muted">Nobody is on call in these days.</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th scope="col">On call</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={`${s.startsAt}/${s.userId}`}>
                  <td>{s.name}</td>
                  <td>{zonedWords(s.startsAt, schedule.timeZone)}</td>
                  <td>{zonedWords(s.endsAt, schedule.timeZone)}</td>
                  <td>{s.layer === null ? 'Override' : `Layer ${s.layer + 1}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
