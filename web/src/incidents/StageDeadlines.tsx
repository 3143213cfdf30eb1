/**
 * The stage deadlines of the incident (SOP-003: assess by T+5 min, assemble by T+10, communicate by T+15;
 * a playbook's stages after the pack's), each a live countdown with its due time, met or breached, its
 * runbook checklist (StageSteps), and "Mark stage done" (which meets the deadline).
 */
import { ErrorNotice, when } from '../controls';
import { incidentsApi, type Stage } from '../incidents-api';
import { useSession } from '../session';
import { Countdown } from '../support/countdown';
import { asPhase } from './clock-phase';
import { type RoomProps, useRoomAction } from './room-data';
import { StageSteps } from './StageSteps';
import { offsetWords } from './words';

/** What a stage is at: done, its clock's phase, or without a deadline. */
function stateOf(stage: Stage): string {
  if (stage.clock && stage.clock.phase !== 'running') return stage.clock.phase;
  if (stage.reachedAt) return 'done';
  return stage.clock ? 'running' : 'no deadline';
}

export function StageDeadlines({ workspace, detail, members, canWrite, onChanged }: RoomProps) {
  const { me } = useSession();
  const i = detail.incident;
  const room = useRoomAction(onChanged);
  const { action, done, run } = room;
  return (
    <section className="card ticket-card stages-card" aria-labelledby="stages-title">
      <div className="card-head">
        <h2 id="stages-title">Stage deadlines</h2>
        <span className="muted">T+0: detected {when(i.detectedAt)}</span>
      </div>
      <ErrorNotice error={action.error} />
      {detail.stages.length === 0 ? (
        <p className="muted">The pack gives this incident no stages.</p>
      ) : (
        <ol className="clocks stages">
          {detail.stages.map((s) => {
            const state = stateOf(s);
            const c = s.clock;
            return (
              <li
                key={s.id}
                className={`clock clock-${state.replace(' ', '-')}`}
                aria-label={`${s.label}: ${state}`}
              >
                <div className="clock-head">
                  <h3 className="clock-name">{s.label}</h3>
                  <span className={`badge clock-phase phase-${state.replace(' ', '-')}`}>{state}</span>
                  {c?.due && <span className="muted">{offsetWords(c.due, i.detectedAt)}</span>}
                </div>
                <div className="clock-due">
                  {c && (c.phase === 'running' || c.phase === 'breached') && (
                    <Countdown due={c.due} start={i.detectedAt} phase={asPhase(c.phase)} />
                  )}
                  <span className="muted">
                    {c?.due ? `due ${when(c.due)}` : 'no deadline in the pack'}
                    {s.reachedAt ? ` · done ${when(s.reachedAt)}` : ''}
                  </span>
                </div>
                {c?.derivation && <p className="clock-why">{c.derivation}</p>}
                <StageSteps
                  workspace={workspace}
                  number={i.number}
                  stage={s}
                  members={members}
                  canWrite={canWrite}
                  room={room}
                />
                {canWrite && !s.reachedAt && !i.resolvedAt && (
                  <button
                    type="button"
                    className="button small"
                    disabled={action.busy}
                    onClick={() =>
                      void run(
                        () => incidentsApi.stageDone(workspace.id, i.number, s.id, me.csrfToken),
                        `${s.label} done.`,
                      )
                    }
                  >
                    Mark stage done<span className="visually-hidden">: {s.label}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p role="status" className="hint">
        {done}
      </p>
    </section>
  );
}
