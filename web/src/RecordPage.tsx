/**
 * One governed record (`/records/ticket:T1`): the pack version it runs under, its lifecycle states, each
 * clock with its phase, due time and the derivation of that due time, and everything the engine decided.
 * Tickets and incidents get their own pages with their issues; this is the engine's view of any record.
 */
import { useEffect, useState } from 'react';
import { api, describeError, type SubjectView, type Workspace } from './api';

interface Props {
  readonly workspace: Workspace;
  readonly subjectKey: string;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function RecordPage({ workspace, subjectKey }: Props) {
  const [view, setView] = useState<SubjectView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setView(null);
    setError(null);
    api.subject(workspace.id, subjectKey).then(
      (v) => live && setView(v),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [workspace.id, subjectKey]);

  useEffect(() => {
    document.title = `${subjectKey} · Opsbook`;
  }, [subjectKey]);

  return (
    <>
      <header className="page-header">
        <h1>{subjectKey}</h1>
      </header>
      {error && <p role="alert">{error}</p>}
      {!error && !view && <p className="muted">Loading…</p>}
      {view && (
        <article className="pack-document" aria-label={subjectKey}>
          <p className="muted">
            {view.open ? 'Open' : 'Closed'} · runs under {view.pack.id} {view.pack.version}
            {Object.entries(view.lifecycles).map(([id, state]) => ` · ${id}: ${state}`)}
          </p>
          <h2>Clocks</h2>
          {view.clocks.length === 0 ? (
            <p className="muted">No clocks.</p>
          ) : (
            <table aria-label="Clocks">
              <thead>
                <tr>
                  <th>Clock</th>
                  <th>Phase</th>
                  <th>Due</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {view.clocks.map((c) => (
                  <tr key={c.id}>
                    <td>{c.id}</td>
                    <td>{c.phase}</td>
                    <td>{when(c.due)}</td>
                    <td>{c.derivation}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>What the engine did</h2>
          <table aria-label="Effects">
            <thead>
              <tr>
                <th>When</th>
                <th>Effect</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {view.effects.map((e) => (
                <tr key={e.key}>
                  <td>{when(e.at)}</td>
                  <td>{e.type}</td>
                  <td>
                    {Object.entries(e.data)
                      .filter(([k]) => k !== 'explain')
                      .map(([k, v]) =>
                        k.endsWith('Ms') && typeof v === 'number'
                          ? `${k.slice(0, -2)}: ${new Date(v).toLocaleString()}`
                          : `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`,
                      )
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      )}
    </>
  );
}
