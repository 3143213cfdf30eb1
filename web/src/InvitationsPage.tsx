/**
 * Inviting people by email with a role (only roles one could give). The link is shown once, here, and
 * sent by email; the list shows each invitation's state, and open ones can be revoked.
 */
import { useState } from 'react';
import { accessApi, type Invitation } from './access-api';
import { fieldError, type Workspace } from './api';
import { Field, TextField } from './AuthCard';
import { ConfirmButton, FormCard, ListCard, ShownOnce, when } from './controls';
import { grantableRoles, type ReadyAccess, roleLabel } from './permissions';
import { useAction, useLoad, useSession } from './session';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

function stateOf(invitation: Invitation, nowMs: number): string {
  if (invitation.revokedAt) return 'Revoked';
  if (invitation.acceptedAt) return `Accepted ${when(invitation.acceptedAt)}`;
  if (new Date(invitation.expiresAt).getTime() <= nowMs) return 'Expired';
  return 'Open';
}

export function InvitationsPage({ workspace, access }: Props) {
  const { me } = useSession();
  const invitations = useLoad(workspace.id, () => accessApi.invitations(workspace.id));
  const grantable = grantableRoles(access, workspace.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(
    () => grantable.find((r) => r.id === 'viewer')?.id ?? grantable[0]?.id ?? '',
  );
  const [link, setLink] = useState<string | null>(null);
  const create = useAction();
  const revoke = useAction();

  const submit = async () => {
    const made = await accessApi.invite(workspace.id, { email: email.trim(), role }, me.csrfToken);
    setLink(made.link);
    setEmail('');
    invitations.reload();
  };
  const emailError = fieldError(create.error, 'email');
  const nowMs = Date.now();

  return (
    <>
      {link ? (
        <ShownOnce
          title="Invitation link"
          value={link}
          note="An email with this link is on its way to the person. The link is shown only now: copy it if you want to send it another way. It works once, for 7 days."
          onDone={() => setLink(null)}
        />
      ) : (
        <FormCard
          titleId="invite-title"
          title="Invite someone"
          action={create}
          onSubmit={submit}
          submitLabel="Send invitation"
          disabled={role === ''}
        >
          <TextField
            id="invite-email"
            label="Email"
            error={emailError}
            type="email"
            required
            maxLength={320}
            value={email}
            onValue={setEmail}
          />
          <Field id="invite-role" label="Role">
            <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {grantable.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
          </Field>
        </FormCard>
      )}
      <ListCard
        titleId="invitations-title"
        title="Invitations"
        list={invitations}
        action={revoke}
        loading="Loading invitations…"
        empty="No invitations yet."
        columns={['Email', 'Role', 'State', 'Sent', 'Expires']}
        rows={(items) =>
          items.map((v) => {
            const state = stateOf(v, nowMs);
            return (
              <tr key={v.id}>
                <td>{v.email}</td>
                <td>{roleLabel(access, v.role)}</td>
                <td>{state}</td>
                <td>{when(v.createdAt)}</td>
                <td>{when(v.expiresAt)}</td>
                <td className="actions-cell">
                  {state === 'Open' && (
                    <ConfirmButton
                      label="Revoke"
                      question={`Revoke the invitation of ${v.email}?`}
                      confirm="Yes, revoke"
                      action={revoke}
                      onConfirm={async () => {
                        await accessApi.revokeInvitation(workspace.id, v.id, me.csrfToken);
                        invitations.reload();
                      }}
                    />
                  )}
                </td>
              </tr>
            );
          })
        }
      />
    </>
  );
}
