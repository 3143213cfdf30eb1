/**
 * Creates or replaces a schedule: its rotation (of those the active pack declares), a name, its time
 * zone, and one or more layers. The server's refusal shows above the form, and each layer's field errors
 * in that layer.
 */
import { type FormEvent, useState } from 'react';
import type { Member } from '../access-api';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { oncallApi, type RotationNow, type Schedule } from '../oncall-api';
import { useAction, useSession } from '../session';
import { LayerFields } from './LayerFields';
import { errorsUnder, newLayer, scheduleDraft, scheduleInput } from './schedule-draft';
import { zoneChoices } from './zoned';

interface Props {
  readonly workspace: Workspace;
  /** null: a new schedule. */
  readonly schedule: Schedule | null;
  /** The rotations it may staff. */
  readonly rotations: readonly RotationNow[];
  readonly members: readonly Member[];
  readonly onCancel: () => void;
  readonly onSaved: () => void;
}

export function ScheduleEditor({ workspace, schedule, rotations, members, onCancel, onSaved }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [draft, setDraft] = useState(() =>
    scheduleDraft(schedule, rotations[0]?.rotation ?? '', workspace.timeZone),
  );
  const id = `schedule-editor-${schedule?.id ?? 'new'}`;
  const title = schedule ? `Edit ${schedule.name}` : 'New schedule';
  const Heading = schedule ? 'h3' : 'h2';
  const choices = rotations.some((r) => r.rotation === draft.rotation)
    ? rotations
    : [{ rotation: draft.rotation, label: draft.rotation, scheduleId: null, onCall: [] }, ...rotations];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const input = scheduleInput(draft);
      if (schedule) await oncallApi.saveSchedule(workspace.id, schedule.id, input, me.csrfToken);
      else await oncallApi.createSchedule(workspace.id, input, me.csrfToken);
      onSaved();
    });
  };

  return (
    <section className={schedule ? 'oncall-editor' : 'card oncall-editor'} aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>{title}</Heading>
      <ErrorNotice error={action.error} />
      <form onSubmit={submit} aria-busy={action.busy}>
        <div className="inline-form">
          <Field id={`${id}-rotation`} label="Rotation">
            <select
              id={`${id}-rotation`}
              value={draft.rotation}
              onChange={(e) => setDraft({ ...draft, rotation: e.target.value })}
            >
              {choices.map((r) => (
                <option key={r.rotation} value={r.rotation}>
                  {r.label}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-name`} label="Name (optional)">
            <input
              id={`${id}-name`}
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          </Field>
          <Field id={`${id}-zone`} label="Time zone">
            <select
              id={`${id}-zone`}
              value={draft.timeZone}
              onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })}
            >
              {zoneChoices(draft.timeZone).map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <p className="muted">Where layers overlap, the last listed wins.</p>
        {draft.layers.map((layer, i) => (
          <LayerFields
            key={i}
            id={`${id}-layer-${i}`}
            index={i}
            layer={layer}
            members={members}
            timeZone={draft.timeZone}
            errors={errorsUnder(action.error, `/body/layers/${i}`)}
            onChange={(next) =>
              setDraft({ ...draft, layers: draft.layers.map((l, j) => (j === i ? next : l)) })
            }
            onRemove={
              draft.layers.length > 1
                ? () => setDraft({ ...draft, layers: draft.layers.filter((_, j) => j !== i) })
                : null
            }
          />
        ))}
        <div className="actions oncall-form-actions">
          <button
            type="button"
            className="button"
            onClick={() => setDraft({ ...draft, layers: [...draft.layers, newLayer(draft.timeZone)] })}
          >
            Add a layer
          </button>
          <button type="submit" className="button primary" disabled={action.busy}>
            {schedule ? 'Save schedule' : 'Create schedule'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
