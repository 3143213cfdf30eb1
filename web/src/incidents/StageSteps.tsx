/**
 * A stage's runbook checklist: each step a checkbox named by its text, with its owner and when it
 * applies. Ticking one records who ticked it and when (the last step ticked completes the stage); those
 * without `incidents.write` see the ticks but cannot change them.
 */
import { useEffect, useState } from 'react';
import type { Member } from '../access-api';
import type { Workspace } from '../api';
import { when } from '../controls';
import { incidentsApi, type Stage } from '../incidents-api';
import { useSession } from '../session';
import type { RoomAction } from './room-data';
import { actorName } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly number: number;
  readonly stage: Stage;
  readonly members: readonly Member[];
  readonly canWrite: boolean;
  /** The stage card's action: its buttons busy, its error and its status message. */
  readonly room: RoomAction;
}

export function StageSteps({ workspace, number, stage, members, canWrite, room }: Props) {
  const { me } = useSession();
  // A tick shows at once; the room read after it (or a failure) replaces it with what the server holds.
  const [ticking, setTicking] = useState<Readonly<Record<number, boolean>>>({});
  useEffect(() => setTicking({}), [stage]);
  if (stage.steps.length === 0) return null;

  const toggle = (index: number, done: boolean) => {
    setTicking((old) => ({ ...old, [index]: done }));
    void room
      .run(
        () => incidentsApi.checkStep(workspace.id, number, stage.id, index, done, me.csrfToken),
        (answer) =>
          answer.stageDone
            ? `${stage.label} done: every step is ticked.`
            : `Step ${done ? 'ticked' : 'unticked'}: ${stage.steps[index]?.text ?? ''}`,
      )
      .then((ok) => {
        if (!ok) setTicking({});
      });
  };

  return (
    <ul className="stage-steps" aria-label={`Steps of ${stage.label}`}>
      {stage.steps.map((step, n) => {
        const checked = ticking[n] ?? step.done !== null;
        const meta = [
          step.when && `when ${step.when}`,
          step.owner && actorName(step.owner, members),
          step.done && `ticked by ${actorName(step.done.by, members)} ${when(step.done.at)}`,
        ].filter(Boolean);
        return (
          <li key={n} className={checked ? 'step-done' : undefined}>
            <label className="step-check">
              <input
                type="checkbox"
                checked={checked}
                disabled={!canWrite || room.action.busy}
                onChange={(e) => toggle(n, e.target.checked)}
              />
              <span>{step.text}</span>
            </label>
            {meta.length > 0 && <span className="muted step-meta">{meta.join(' · ')}</span>}
          </li>
        );
      })}
    </ul>
  );
}
