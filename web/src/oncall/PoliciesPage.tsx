/**
 * `/oncall/policies`: the escalation policies, each step with whom it pages and how long it waits, and
 * (for `incidents.manage`) the editor and deleting one; the server refuses to delete a policy while it
 * pages for an open incident, and that refusal shows here.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { ErrorNotice } from '../controls';
import { oncallApi, type Policy } from '../oncall-api';
import type { ReadyAccess } from '../permissions';
import { useAction, useLoad, useSession } from '../session';
import { useMembers, useRoles, useScale } from './data';
import { OncallHeader } from './OncallHeader';
import { PolicyEditor } from './PolicyEditor';
import { RemoveButton } from './RemoveButton';
import type { TargetChoices } from './StepFields';
import { POLICIES_PATH, targetWords } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function PoliciesPage({ workspace, access }: Props) {
  const { me } = useSession();
  const policies = useLoad(`${workspace.id}/policies`, () => oncallApi.policies(workspace.id));
  const now = useLoad(`${workspace.id}/oncall-now`, () => oncallApi.now(workspace.id));
  const members = useMembers(workspace.id);
  const roles = useRoles(workspace.id);
  const scale = useScale(workspace.id);
  const remove = useAction();
  const [editing, setEditing] = useState<string | null>(null);
  const canManage = access.permissions.has('incidents.manage');

  const choices: TargetChoices = {
    rotation: (now.data?.items ?? []).map((r) => ({ id: r.rotation, name: r.label })),
    user: (members.data ?? []).map((m) => ({ id: m.userId, name: m.name })),
    role: (roles.data?.items ?? []).map((r) => ({ id: r.id, name: r.label })),
  };
  const names = {
    members: members.data ?? [],
    rotations: new Map(choices.rotation.map((r) => [r.id, r.name])),
    roles: new Map(choices.role.map((r) => [r.id, r.name])),
  };
  const items = policies.data?.items;
  const editedPolicy = items?.find((p) => p.id === editing) ?? null;
  const severityWords = (p: Policy) =>
    p.severities.length === 0
      ? 'Every incident'
      : p.severities.map((s) => scale.data?.labels[s] ?? s.toUpperCase()).join(', ');

  return (
    <>
      <OncallHeader workspace={workspace} path={POLICIES_PATH} title="Escalation policies" />
      <section className="card" aria-labelledby="policies-title">
        <div className="card-head">
          <h2 id="policies-title">Policies</h2>
          {canManage && editing === null && (
            <button type="button" className="button primary" onClick={() => setEditing('new')}>
              New policy
            </button>
          )}
        </div>
        <p className="muted">
          Each step pages its targets and waits for an acknowledgement; then the next step is paged.
        </p>
        <ErrorNotice error={policies.error ?? remove.error} />
        {!items && !policies.error && <p className="muted">Loading policies…</p>}
        {items?.length === 0 && <p className="muted">No escalation policy: incidents page nobody.</p>}
        {items && items.length > 0 && (
          <div className="table-wrap">
            <table className="data" aria-labelledby="policies-title">
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">Steps</th>
                  <th scope="col">Runs again</th>
                  <th scope="col">Severities</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id}>
                    <th scope="row" className="oncall-rowhead">
                      {p.name}
                    </th>
                    <td>
                      <ol className="oncall-steps">
                        {p.steps.map((s, i) => (
                          <li key={i}>
                            {s.targets.map((t) => targetWords(t, names)).join(', ')}; wait {s.delayMinutes}{' '}
                            min
                          </li>
                        ))}
                      </ol>
                    </td>
                    <td>{p.repeat === 1 ? 'once' : `${p.repeat} times`}</td>
                    <td>{severityWords(p)}</td>
                    <td className="actions-cell">
                      {canManage && (
                        <div className="actions">
                          <button
                            type="button"
                            className="button small"
                            aria-label={`Edit policy ${p.name}`}
                            onClick={() => setEditing(p.id)}
                          >
                            Edit
                          </button>
                          <RemoveButton
                            label="Delete"
                            name={`Delete policy ${p.name}`}
                            question={`Delete ${p.name}?`}
                            action={remove}
                            onConfirm={async () => {
                              await oncallApi.deletePolicy(workspace.id, p.id, me.csrfToken);
                              if (editing === p.id) setEditing(null);
                              policies.reload();
                            }}
                          />
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {editing !== null && (editing === 'new' || editedPolicy) && (
        <PolicyEditor
          key={editing}
          workspace={workspace}
          policy={editedPolicy}
          choices={choices}
          scale={scale.data ?? null}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            policies.reload();
          }}
        />
      )}
    </>
  );
}
