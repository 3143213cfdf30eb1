/**
 * Maintenance windows, latest start first, and (with `incidents.manage`) scheduling one: announced to
 * subscribers at once, its components shown under maintenance while it runs; or cancelling one.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field, TextField } from '../AuthCard';
import { ConfirmButton, FormCard, ListCard, when } from '../controls';
import { useAction, useLoad, useSession } from '../session';
import { type Maintenance, type StatusComponent, statusApi } from '../status-api';
import { StateBadge } from './badges';
import { instantOf, localInput } from './words';

const HOUR_MS = 3_600_000;

interface Props {
  readonly workspace: Workspace;
  readonly components: readonly StatusComponent[];
  readonly manage: boolean;
}

export function MaintenanceCard({ workspace, components, manage }: Props) {
  const { me } = useSession();
  const windows = useLoad(workspace.id, () => statusApi.maintenance(workspace.id));
  const cancel = useAction();
  const names = new Map(components.map((c) => [c.id, c.name]));
  const live = (m: Maintenance) => m.phase === 'scheduled' || m.phase === 'in-progress';
  return (
    <>
      <ListCard<Maintenance>
        titleId="maintenance-title"
        title="Maintenance windows"
        list={windows}
        action={cancel}
        loading="Loading maintenance windows…"
        empty="No maintenance scheduled."
        columns={['Title', 'Starts', 'Ends', 'Components', 'Phase']}
        rows={(items) =>
          items.map((m) => (
            <tr key={m.id}>
              <td>
                {m.title}
                {m.body && <div className="muted">{m.body}</div>}
              </td>
              <td>{when(m.startsAt)}</td>
              <td>{when(m.endsAt)}</td>
              <td>
                {m.components.length === 0
                  ? 'All components'
                  : m.components.map((id) => names.get(id) ?? id).join(', ')}
              </td>
              <td>
                <StateBadge state={m.phase === 'in-progress' ? 'maintenance' : 'new'} label={m.phase} />
              </td>
              <td className="actions-cell">
                {manage && live(m) && (
                  <ConfirmButton
                    label="Cancel"
                    question={`Cancel ${m.title}?`}
                    confirm="Yes, cancel it"
                    action={cancel}
                    onConfirm={async () => {
                      await statusApi.cancelMaintenance(workspace.id, m.id, me.csrfToken);
                      windows.reload();
                    }}
                  />
                )}
              </td>
            </tr>
          ))
        }
      />
      {manage && <ScheduleForm workspace={workspace} components={components} onScheduled={windows.reload} />}
    </>
  );
}

function ScheduleForm({
  workspace,
  components,
  onScheduled,
}: {
  readonly workspace: Workspace;
  readonly components: readonly StatusComponent[];
  readonly onScheduled: () => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [starts, setStarts] = useState(() => localInput(Date.now() + HOUR_MS));
  const [ends, setEnds] = useState(() => localInput(Date.now() + 3 * HOUR_MS));
  const [chosen, setChosen] = useState<readonly string[]>([]);
  return (
    <FormCard
      titleId="maintenance-add-title"
      title="Schedule maintenance"
      action={action}
      submitLabel="Schedule"
      disabled={!title.trim() || !instantOf(starts) || !instantOf(ends)}
      onSubmit={async () => {
        await statusApi.schedule(
          workspace.id,
          {
            title: title.trim(),
            ...(body.trim() ? { body: body.trim() } : {}),
            startsAt: instantOf(starts),
            endsAt: instantOf(ends),
            ...(chosen.length > 0 ? { components: chosen } : {}),
          },
          me.csrfToken,
        );
        setTitle('');
        setBody('');
        setChosen([]);
        onScheduled();
      }}
    >
      <p className="form-lead muted">Subscribers are told when you schedule it.</p>
      <TextField
        id="maintenance-title-input"
        label="Title"
        value={title}
        onValue={setTitle}
        maxLength={200}
      />
      <TextField
        id="maintenance-start"
        label="Starts"
        type="datetime-local"
        value={starts}
        onValue={setStarts}
      />
      <TextField id="maintenance-end" label="Ends" type="datetime-local" value={ends} onValue={setEnds} />
      <div className="wide-field">
        <Field id="maintenance-body" label="What will happen (optional)">
          <textarea
            id="maintenance-body"
            rows={2}
            maxLength={5000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        </Field>
      </div>
      {components.length > 0 && (
        <fieldset className="component-choices wide-field">
          <legend>Components (none chosen: all)</legend>
          {components.map((c) => (
            <label key={c.id} className="choice">
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                onChange={(e) =>
                  setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((id) => id !== c.id))
                }
              />
              {c.name}
            </label>
          ))}
        </fieldset>
      )}
    </FormCard>
  );
}
