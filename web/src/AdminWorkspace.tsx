/** The Workspace tab of Admin: the workspace's facts and its security settings (require MFA). */
import { accessApi } from './access-api';
import { type Me, usedMfa, type Workspace } from './api';
import { AppLink, ErrorNotice, SECURITY_PATH } from './controls';
import type { ReadyAccess } from './permissions';
import { roleLabel } from './permissions';
import { useAction, useLoad, useSession } from './session';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function AdminWorkspace({ workspace, access }: Props) {
  const { me } = useSession();
  return (
    <>
      <WorkspaceFacts me={me} workspace={workspace} access={access} />
      <SecuritySettings workspace={workspace} access={access} />
    </>
  );
}

function WorkspaceFacts({ me, workspace, access }: Props & { readonly me: Me }) {
  const created = new Date(workspace.createdAt);
  const facts: [string, string][] = [
    ['Name', workspace.name],
    ['Workspace ID', workspace.id],
    ['Slug', workspace.slug],
    ['Time zone', workspace.timeZone],
    ['Your role', workspace.role],
    ['Signed in as', `${me.user.name} <${me.user.email}>`],
    ['Created', Number.isNaN(created.getTime()) ? workspace.createdAt : created.toLocaleString()],
  ];
  const label = roleLabel(access, workspace.role);
  return (
    <section className="card" aria-labelledby="facts-title">
      <h2 id="facts-title">This workspace</h2>
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term} className="fact">
            <dt>{term}</dt>
            <dd>
              {term === 'Workspace ID' || term === 'Slug' ? <code>{value}</code> : <span>{value}</span>}
              {term === 'Your role' && label !== value && <span className="muted"> ({label})</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function SecuritySettings({ workspace, access }: Props) {
  const { me, refresh } = useSession();
  const settings = useLoad(workspace.id, () => accessApi.settings(workspace.id));
  const action = useAction();
  const manage = access.permissions.has('workspace.manage');
  const requireMfa = settings.data?.requireMfa ?? workspace.requireMfa;
  // The server refuses to turn the requirement on from a session without MFA: it would lock the admin out.
  const canTurnOn = usedMfa(me);

  const save = (next: boolean) =>
    void action.run(async () => {
      await accessApi.saveSettings(workspace.id, { requireMfa: next }, me.csrfToken);
      settings.reload();
      await refresh();
    });

  return (
    <section className="card" aria-labelledby="ws-security-title">
      <h2 id="ws-security-title">Security settings</h2>
      <ErrorNotice error={settings.error ?? action.error} />
      {manage ? (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={requireMfa}
              disabled={action.busy || settings.data === null || (!requireMfa && !canTurnOn)}
              onChange={(e) => save(e.target.checked)}
            />
            <span>Require multi-factor authentication for everyone</span>
          </label>
          <p className="muted">
            Members then sign in with a code from an authenticator app; a session without one cannot open this
            workspace.
          </p>
          {!requireMfa && !canTurnOn && (
            <p className="notice">
              To turn this on, first sign in with an authenticator app yourself:{' '}
              <AppLink to={SECURITY_PATH}>set one up under Security</AppLink>.
            </p>
          )}
        </>
      ) : (
        <p>
          {requireMfa
            ? 'Everyone must sign in with multi-factor authentication.'
            : 'Multi-factor authentication is optional in this workspace.'}
        </p>
      )}
    </section>
  );
}
