/**
 * The components of the public page, in page order: name, group, current status and uptime target;
 * with `incidents.manage`, adding one (or those the pack names) and changing one's description, group,
 * target or status.
 */
import { Fragment, useState } from 'react';
import type { Workspace } from '../api';
import { DataTable, ErrorNotice } from '../controls';
import { type Loaded, useAction, useSession } from '../session';
import { type StatusComponent, statusApi } from '../status-api';
import { componentStatusLabel, StateBadge } from './badges';
import { AddComponentForm, EditComponentForm } from './ComponentForm';

interface Props {
  readonly workspace: Workspace;
  readonly components: Loaded<{ readonly items: readonly StatusComponent[] }>;
  readonly manage: boolean;
}

const COLUMNS = ['Component', 'Group', 'Status', 'Uptime target'];

export function ComponentsCard({ workspace, components, manage }: Props) {
  const { me } = useSession();
  const fromPack = useAction();
  const [added, setAdded] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const items = components.data?.items;

  const createFromPack = () =>
    void fromPack.run(async () => {
      setAdded(null);
      const { created } = await statusApi.componentsFromPack(workspace.id, me.csrfToken);
      setAdded(
        created.length === 0
          ? 'The page already has every component the pack names.'
          : `Added ${created.map((c) => c.name).join(', ')}.`,
      );
      components.reload();
    });

  return (
    <>
      <section className="card" aria-labelledby="components-title">
        <div className="card-head">
          <h2 id="components-title">Components</h2>
          {manage && (
            <button type="button" className="button" disabled={fromPack.busy} onClick={createFromPack}>
              Create from pack
            </button>
          )}
        </div>
        <ErrorNotice error={components.error ?? fromPack.error} />
        {added && (
          <p className="muted" role="status">
            {added}
          </p>
        )}
        {!items && !components.error && <p className="muted">Loading components…</p>}
        {items?.length === 0 && <p className="muted">No components yet: the page shows none.</p>}
        {items && items.length > 0 && (
          <DataTable labelledBy="components-title" columns={COLUMNS}>
            {items.map((c) => (
              <Fragment key={c.id}>
                <tr>
                  <td>
                    {c.name}
                    {c.description && <div className="muted">{c.description}</div>}
                  </td>
                  <td>{c.group ?? '—'}</td>
                  <td>
                    <StateBadge state={c.status} label={componentStatusLabel(c.status)} />
                  </td>
                  <td>{c.uptimeTarget === null ? '—' : `above ${c.uptimeTarget} %`}</td>
                  <td className="actions-cell">
                    {manage && (
                      <button
                        type="button"
                        className="button small"
                        aria-expanded={editing === c.id}
                        aria-label={`Edit ${c.name}`}
                        onClick={() => setEditing(editing === c.id ? null : c.id)}
                      >
                        Edit
                      </button>
                    )}
                  </td>
                </tr>
                {editing === c.id && (
                  <tr>
                    <td colSpan={COLUMNS.length + 1} className="detail-cell">
                      <EditComponentForm
                        workspace={workspace}
                        component={c}
                        onDone={(changed) => {
                          setEditing(null);
                          if (changed) components.reload();
                        }}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </DataTable>
        )}
      </section>
      {manage && <AddComponentForm workspace={workspace} onAdded={components.reload} />}
    </>
  );
}
