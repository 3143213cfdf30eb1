/**
 * What the signed-in person may do in the current workspace: their role (`workspaces[].role` in /me)
 * looked up in the workspace's role table (GET …/roles). Pages show only what the role can use; the
 * server checks every request anyway.
 */
import { useEffect, useState } from 'react';
import { accessApi, type Role, type RoleTable } from './access-api';
import { type Me, problemCode, sessionEnded, usedMfa, type Workspace } from './api';
import { SESSION_ENDED } from './session';

export type WorkspaceAccess =
  | { readonly kind: 'no-workspace' }
  | { readonly kind: 'loading' }
  /** The workspace requires MFA and this session signed in without it: every workspace page refuses. */
  | { readonly kind: 'mfa-required' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | ReadyAccess;

export interface ReadyAccess {
  readonly kind: 'ready';
  readonly roles: RoleTable;
  readonly permissions: ReadonlySet<string>;
}

export const can = (access: WorkspaceAccess, permission: string): boolean =>
  access.kind === 'ready' && access.permissions.has(permission);

/**
 * The roles this person may give: nobody hands out more than they have, and only an owner makes owners
 * (the rule of the server's `grantable`).
 */
export function grantableRoles(access: ReadyAccess, myRole: string): Role[] {
  return access.roles.items.filter(
    (role) =>
      (role.id !== 'owner' || myRole === 'owner') && role.permissions.every((p) => access.permissions.has(p)),
  );
}

export const roleLabel = (access: ReadyAccess, roleId: string): string =>
  access.roles.items.find((r) => r.id === roleId)?.label ?? roleId;

export function useWorkspaceAccess(
  me: Me,
  workspace: Workspace | null,
  signedOut: (notice: string) => void,
): WorkspaceAccess {
  const blocked = workspace !== null && workspace.requireMfa && !usedMfa(me);
  const key = workspace ? `${workspace.id}/${workspace.role}/${blocked}` : '';
  const [state, setState] = useState<{ key: string; access: WorkspaceAccess }>({
    key: '',
    access: { kind: 'loading' },
  });

  useEffect(() => {
    if (!workspace || blocked) return;
    let live = true;
    accessApi.roles(workspace.id).then(
      (roles) => {
        const mine = roles.items.find((r) => r.id === workspace.role);
        const access: ReadyAccess = { kind: 'ready', roles, permissions: new Set(mine?.permissions ?? []) };
        if (live) setState({ key, access });
      },
      (error: unknown) => {
        if (!live) return;
        if (sessionEnded(error)) signedOut(SESSION_ENDED);
        else if (problemCode(error) === 'OPS_MFA_REQUIRED')
          setState({ key, access: { kind: 'mfa-required' } });
        else setState({ key, access: { kind: 'failed', error } });
      },
    );
    return () => {
      live = false;
    };
    // `key` names everything of `workspace` this depends on.
  }, [key, signedOut]);

  if (!workspace) return { kind: 'no-workspace' };
  if (blocked) return { kind: 'mfa-required' };
  return state.key === key ? state.access : { kind: 'loading' };
}
