/**
 * A schedule's overrides (current and coming) with a button to remove each, and the form to add one:
 * someone on call from one local time to another in the schedule's zone. Anyone with `incidents.write`
 * covers for themselves; putting someone else on call needs `incidents.manage`.
 */
import type { Member } from '../access-api';
import type { Workspace } from '../api';
import { ErrorNotice } from '../controls';
import { oncallApi, type Override, type Schedule } from '../oncall-api';
import { type Loaded, useAction, useSession } from '../session';
import { OverrideForm } from './OverrideForm';
import { RemoveButton } from './RemoveButton';
import { memberName } from './words';
import { zonedWords } from './zoned';

interface Props {
  readonly workspace: Workspace;
  readonly schedule: Schedule;
  readonly overrides: Loaded<{ readonly items: readonly Override[] }>;
  readonly members: readonly Member[];
  readonly canManage: boolean;
  readonly canCover: boolean;
  readonly onChanged: () => void;
}

export function Overrides({
  workspace,
  schedule,
  overrides,
  members,
  canManage,
  canCover,
  onChanged,
}: Props) {
  const { me } = useSession();
  const remove = useAction();
  const titleId = `schedule-${schedule.id}-overrides`;
  const items = overrides.data?.items;
  const mayRemove = (o: Override) => canManage || (canCover && o.userId === me.user.id);
  return (
    <>
      <h3 id={titleId}>Overrides</h3>
      <ErrorNotice error={overrides.error ?? remove.error} />
      {!items && !overrides.error && <p className="muted">Loading overrides…</p>}
      {items?.length === 0 && <p className="muted">No override now or in the next 90 days.</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-labelledby={titleId}>
            <thead>
              <tr>
                <th scope="col">On call</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => {
                const name = memberName(members, o.userId);
                const from = zonedWords(o.startsAt, schedule.timeZone);
                return (
                  <tr key={o.id}>
                    <td>{name}</td>
                    <td>{from}</td>
                    <td>{zonedWords(o.endsAt, schedule.timeZone)}</td>
                    <td className="actions-cell">
                      {mayRemove(o) && (
                        <RemoveButton
                          label="Remove"
                          name={`Remove override of ${name} from ${from}`}
                          question={`Remove ${name}'s override?`}
                          action={remove}
                          onConfirm={async () => {
                            await oncallApi.removeOverride(workspace.id, schedule.id, o.id, me.csrfToken);
                            onChanged();
                          }}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canCover && (
        <OverrideForm
          workspace={workspace}
          schedule={schedule}
          members={canManage ? members : members.filter((m) => m.userId === me.user.id)}
          onAdded={onChanged}
        />
      )}
    </>
  );
}
