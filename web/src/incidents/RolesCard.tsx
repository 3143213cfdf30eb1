/**
 * The command roles of the incident (SOP-003: incident commander, tech lead, comms lead, executive
 * sponsor; or the pack's own) with their holder, and the picker that gives a role or hands it off.
 */
import { type FormEvent, useState } from 'react';
import type { Member } from '../access-api';
import { ErrorNotice } from '../controls';
import { incidentsApi } from '../incidents-api';
import { useSession } from '../session';
import { type RoomAction, type RoomProps, useRoomAction } from './room-data';
import { actorName, idWords } from './words';

export function RolesCard({ workspace, detail, members, canWrite, onChanged }: RoomProps) {
  const roomAction = useRoomAction(onChanged);
  const { action, done } = roomAction;
  return (
    <section className="card ticket-card" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <ErrorNotice error={action.error} />
      <ul className="roles">
        {detail.roles.map((r) => (
          <RoleItem
            key={`${r.role}/${r.holder ?? ''}`}
            workspaceId={workspace.id}
            number={detail.incident.number}
            role={r.role}
            responsibility={r.responsibility}
            holder={r.holder}
            members={members}
            canWrite={canWrite}
            roomAction={roomAction}
          />
        ))}
      </ul>
      <p role="status" className="hint">
        {done}
      </p>
    </section>
  );
}

function RoleItem({
  workspaceId,
  number,
  role,
  responsibility,
  holder,
  members,
  canWrite,
  roomAction,
}: {
  readonly workspaceId: string;
  readonly number: number;
  readonly role: string;
  readonly responsibility: string;
  readonly holder: string | null;
  readonly members: readonly Member[];
  readonly canWrite: boolean;
  readonly roomAction: RoomAction;
}) {
  const { me } = useSession();
  const [pick, setPick] = useState(holder ?? '');
  const name = idWords(role);
  const id = `role-${role}`;
  const assign = (userId: string | null) => {
    const who = userId ? actorName(userId, members) : 'nobody';
    void roomAction.run(
      () => incidentsApi.assignRole(workspaceId, number, role, userId, me.csrfToken),
      `${name}: ${who}.`,
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    assign(pick || null);
  };
  return (
    <li className="role">
      <div className="role-head">
        <span className="clock-name">{name}</span>
        <span className={holder ? '' : 'muted'}>{holder ? actorName(holder, members) : 'Unassigned'}</span>
      </div>
      {responsibility && <p className="clock-why">{responsibility}</p>}
      {canWrite && (
        <form className="role-form" onSubmit={submit} aria-busy={roomAction.action.busy}>
          <label htmlFor={id} className="visually-hidden">
            {name}
          </label>
          <select id={id} value={pick} onChange={(e) => setPick(e.target.value)}>
            <option value="">Unassigned</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
          <button
            type="submit"
            className="button small"
            disabled={roomAction.action.busy || pick === (holder ?? '')}
          >
            {holder ? 'Hand off' : 'Assign'}
            <span className="visually-hidden"> {name}</span>
          </button>
          {holder !== me.user.id && (
            <button
              type="button"
              className="button small"
              disabled={roomAction.action.busy}
              onClick={() => assign(me.user.id)}
            >
              Take<span className="visually-hidden"> {name}</span>
            </button>
          )}
        </form>
      )}
    </li>
  );
}
