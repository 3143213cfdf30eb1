/**
 * The people of the workspace and their roles. With `members.manage` one changes roles (only to roles one
 * could give) and removes people; anyone can leave.
 */
import { accessApi, type Member } from './access-api';
import type { Workspace } from './api';
import { DEFAULT_PATH } from './areas';
import { ConfirmButton, ListCard, when } from './controls';
import { grantableRoles, type ReadyAccess, roleLabel } from './permissions';
import { navigate } from './router';
import { useAction, useLoad, useSession } from './session';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function MembersPage({ workspace, access }: Props) {
  const { me, refresh } = useSession();
  const members = useLoad(workspace.id, () => accessApi.members(workspace.id));
  const action = useAction();
  const manage = access.permissions.has('members.manage');
  const grantable = grantableRoles(access, workspace.role);

  const changeRole = (member: Member, role: string) =>
    void action.run(async () => {
      await accessApi.changeRole(workspace.id, member.userId, role, me.csrfToken);
      members.reload();
    });
  const remove = async (member: Member) => {
    await accessApi.removeMember(workspace.id, member.userId, me.csrfToken);
    if (member.userId !== me.user.id) return members.reload();
    await refresh(); // left: the workspace is gone from the list
    navigate(DEFAULT_PATH);
  };

  return (
    <ListCard
      titleId="members-title"
      title="Members"
      list={members}
      action={action}
      loading="Loading members…"
      columns={['Name', 'Email', 'Role', 'MFA', 'Joined']}
      rows={(items) =>
        items.map((m) => {
          const self = m.userId === me.user.id;
          const editable = manage && !self && grantable.some((r) => r.id === m.role);
          return (
            <tr key={m.userId}>
              <td>
                {m.name}
                {self && <span className="badge">you</span>}
              </td>
              <td>{m.email}</td>
              <td>
                {editable ? (
                  <select
                    aria-label={`Role of ${m.name}`}
                    value={m.role}
                    disabled={action.busy}
                    onChange={(e) => changeRole(m, e.target.value)}
                  >
                    {grantable.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  roleLabel(access, m.role)
                )}
              </td>
              <td>{m.mfa ? 'On' : 'Off'}</td>
              <td>{when(m.joinedAt)}</td>
              <td className="actions-cell">
                {(self || editable) && (
                  <ConfirmButton
                    label={self ? 'Leave' : 'Remove'}
                    question={self ? `Leave ${workspace.name}?` : `Remove ${m.name}?`}
                    confirm={self ? 'Yes, leave' : 'Yes, remove'}
                    action={action}
                    onConfirm={() => remove(m)}
                  />
                )}
              </td>
            </tr>
          );
        })
      }
    />
  );
}
