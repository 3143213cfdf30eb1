/**
 * One schedule: its zone and layers (who takes turns, and when they hand off), its shifts over the next
 * 14 days and its overrides; editing and deleting it for `incidents.manage`.
 */
import { useState } from 'react';
import type { Member } from '../access-api';
import type { Workspace } from '../api';
import { ConfirmButton, ErrorNotice } from '../controls';
import { oncallApi, type RotationNow, type Schedule } from '../oncall-api';
import { useAction, useLoad, useSession } from '../session';
import { Overrides } from './Overrides';
import { ScheduleEditor } from './ScheduleEditor';
import { ShiftsTable } from './ShiftsTable';
import { handoffWords, memberName } from './words';
import { zonedWords } from './zoned';

const DAY_MS = 86_400_000;
export const SHIFT_DAYS = 14;

interface Props {
  readonly workspace: Workspace;
  readonly schedule: Schedule;
  readonly rotations: readonly RotationNow[];
  readonly members: readonly Member[];
  readonly canManage: boolean;
  readonly canCover: boolean;
  /** Who is on call may have changed: the page reads it again. */
  readonly onChanged: () => void;
}

export function ScheduleCard({
  workspace,
  schedule,
  rotations,
  members,
  canManage,
  canCover,
  onChanged,
}: Props) {
  const { me } = useSession();
  const [editing, setEditing] = useState(false);
  const remove = useAction();
  const version = `${workspace.id}/${schedule.id}/${schedule.updatedAt}`;
  const shifts = useLoad(`${version}/shifts`, () => {
    const from = new Date();
    const to = new Date(from.getTime() + SHIFT_DAYS * DAY_MS);
    return oncallApi.shifts(workspace.id, schedule.id, from.toISOString(), to.toISOString());
  });
  const overrides = useLoad(`${version}/overrides`, () => oncallApi.overrides(workspace.id, schedule.id));
  const titleId = `schedule-${schedule.id}-title`;
  const overridden = () => {
    shifts.reload();
    overrides.reload();
    onChanged();
  };

  return (
    <section className="card oncall-schedule" aria-labelledby={titleId}>
      <div className="card-head">
        <h2 id={titleId}>{schedule.name}</h2>
        {canManage && (
          <div className="actions">
            <button
              type="button"
              className="button small"
              aria-expanded={editing}
              onClick={() => setEditing((open) => !open)}
            >
              {editing ? 'Close editor' : 'Edit schedule'}
            </button>
            <ConfirmButton
              label="Delete schedule"
              question={`Delete ${schedule.name} and its overrides?`}
              confirm="Yes, delete"
              action={remove}
              onConfirm={async () => {
                await oncallApi.deleteSchedule(workspace.id, schedule.id, me.csrfToken);
                onChanged();
              }}
            />
          </div>
        )}
      </div>
      <ErrorNotice error={remove.error} />
      <p className="muted">
        Rotation <code>{schedule.rotation}</code>, times in {schedule.timeZone}. Where layers overlap, the
        last listed wins; an override wins over every layer.
      </p>
      <h3>Layers</h3>
      <ol className="oncall-layers">
        {schedule.layers.map((layer, i) => (
          <li key={i}>
            <strong>{handoffWords(layer)}</strong>, from {zonedWords(layer.startsAt, schedule.timeZone)}:{' '}
            {layer.users.map((u) => memberName(members, u)).join(' → ')}
          </li>
        ))}
      </ol>
      {editing && (
        <ScheduleEditor
          workspace={workspace}
          schedule={schedule}
          rotations={rotations}
          members={members}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
      <ShiftsTable schedule={schedule} shifts={shifts} days={SHIFT_DAYS} />
      <Overrides
        workspace={workspace}
        schedule={schedule}
        overrides={overrides}
        members={members}
        canManage={canManage}
        canCover={canCover}
        onChanged={overridden}
      />
    </section>
  );
}
