/** Who is on call now for each rotation of the pack, and until when in the schedule's zone. */
import { ErrorNotice } from '../controls';
import type { RotationNow, Schedule } from '../oncall-api';
import type { Loaded } from '../session';
import { zonedWords } from './zoned';

const SOURCE: Record<string, string> = {
  override: 'override',
  layer: 'schedule',
  role: 'everyone with the role (no schedule)',
};

export function NowCard({
  now,
  schedules,
  fallbackZone,
}: {
  readonly now: Loaded<{ readonly items: readonly RotationNow[] }>;
  readonly schedules: readonly Schedule[];
  readonly fallbackZone: string;
}) {
  const items = now.data?.items;
  const zoneOf = (item: RotationNow) =>
    schedules.find((s) => s.id === item.scheduleId)?.timeZone ?? fallbackZone;
  return (
    <section className="card" aria-labelledby="oncall-now-title">
      <h2 id="oncall-now-title">On call now</h2>
      <ErrorNotice error={now.error} />
      {!items && !now.error && <p className="muted">Loading who is on call…</p>}
      {items?.length === 0 && <p className="muted">The active pack names no on-call rotation.</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-labelledby="oncall-now-title">
            <thead>
              <tr>
                <th scope="col">Rotation</th>
                <th scope="col">On call</th>
                <th scope="col">Until</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.rotation}>
                  <th scope="row" className="oncall-rowhead">
                    {item.label}
                  </th>
                  <td className="oncall-people">
                    {item.onCall.length === 0 && <span className="muted">Nobody</span>}
                    {item.onCall.map((p) => (
                      <span key={p.userId} className="oncall-person">
                        <strong>{p.name}</strong> <span className="muted">({SOURCE[p.source]})</span>
                      </span>
                    ))}
                  </td>
                  <td>
                    {item.onCall
                      .map((p) => (p.until ? zonedWords(p.until, zoneOf(item)) : 'no end in sight'))
                      .filter((u, i, all) => all.indexOf(u) === i)
                      .join('; ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
