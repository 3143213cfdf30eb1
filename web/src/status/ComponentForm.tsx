/**
 * Adding a component to the public page, and changing one: its description, group, uptime target, or
 * its status set by hand (recorded with you as the cause).
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field, TextField } from '../AuthCard';
import { ErrorNotice, FormCard } from '../controls';
import { useAction, useSession } from '../session';
import { COMPONENT_STATUSES, type ComponentStatus, type StatusComponent, statusApi } from '../status-api';
import { componentStatusLabel } from './badges';
import { numberOf } from './words';

const TARGET_HINT = 'In percent, met when exceeded (99.9); empty: none.';

export function AddComponentForm({
  workspace,
  onAdded,
}: {
  readonly workspace: Workspace;
  readonly onAdded: () => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [description, setDescription] = useState('');
  const [target, setTarget] = useState('');
  return (
    <FormCard
      titleId="component-add-title"
      title="Add a component"
      action={action}
      submitLabel="Add component"
      disabled={!name.trim()}
      onSubmit={async () => {
        const uptimeTarget = numberOf(target);
        await statusApi.addComponent(
          workspace.id,
          {
            name: name.trim(),
            ...(group.trim() ? { group: group.trim() } : {}),
            ...(description.trim() ? { description: description.trim() } : {}),
            ...(uptimeTarget !== undefined ? { uptimeTarget } : {}),
          },
          me.csrfToken,
        );
        setName('');
        setGroup('');
        setDescription('');
        setTarget('');
        onAdded();
      }}
    >
      <TextField id="component-name" label="Name" value={name} onValue={setName} maxLength={100} />
      <TextField id="component-group" label="Group (optional)" value={group} onValue={setGroup} />
      <TextField
        id="component-description"
        label="Description (optional)"
        value={description}
        onValue={setDescription}
        maxLength={500}
      />
      <TextField
        id="component-target"
        label="Uptime target (optional)"
        hint={TARGET_HINT}
        inputMode="decimal"
        value={target}
        onValue={setTarget}
      />
    </FormCard>
  );
}

export function EditComponentForm({
  workspace,
  component,
  onDone,
}: {
  readonly workspace: Workspace;
  readonly component: StatusComponent;
  /** Closes the form; `changed` when it saved. */
  readonly onDone: (changed: boolean) => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [description, setDescription] = useState(component.description);
  const [group, setGroup] = useState(component.group ?? '');
  const [target, setTarget] = useState(component.uptimeTarget === null ? '' : String(component.uptimeTarget));
  const [status, setStatus] = useState<ComponentStatus>(component.status);
  const id = (field: string) => `component-${component.id}-${field}`;
  const save = () =>
    void action.run(async () => {
      await statusApi.changeComponent(
        workspace.id,
        component.id,
        {
          description: description.trim(),
          group: group.trim() || null,
          uptimeTarget: numberOf(target) ?? null,
          ...(status !== component.status ? { status } : {}),
        },
        me.csrfToken,
      );
      onDone(true);
    });
  return (
    <form
      aria-label={`Change ${component.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <h3>Change {component.name}</h3>
      <ErrorNotice error={action.error} />
      <div className="inline-form">
        <Field id={id('description')} label="Description">
          <textarea
            id={id('description')}
            rows={2}
            maxLength={500}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <TextField id={id('group')} label="Group" value={group} onValue={setGroup} />
        <TextField
          id={id('target')}
          label="Uptime target"
          hint={TARGET_HINT}
          inputMode="decimal"
          value={target}
          onValue={setTarget}
        />
        <Field id={id('status')} label="Status">
          <select
            id={id('status')}
            value={status}
            onChange={(e) => setStatus(e.target.value as ComponentStatus)}
          >
            {COMPONENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {componentStatusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="button primary" disabled={action.busy}>
          Save
        </button>
        <button type="button" className="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
