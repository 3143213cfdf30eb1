/**
 * The signed-in frame: header with workspace switcher, the notification bell and sign-out, the navigation
 * (only the areas the person's role can use, and their own account), and the current page. The workspace's
 * home page (its first area) ends with the dashboard feed.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, describeError, type Me, sessionEnded } from './api';
import { ACCOUNT_PAGES, AREAS, DEFAULT_PATH } from './areas';
import { AppLink } from './controls';
import { customersPage } from './customers/CustomersPages';
import { compliancePage } from './CompliancePage';
import { operationsPage } from './operations/OperationsPages';
import { workPage } from './ChecklistsPage';
import { Logo, NavIcon } from './icons';
import { incidentPage } from './incidents/IncidentPages';
import { NotificationBell } from './NotificationBell';
import { NotificationFeed } from './NotificationFeed';
import { oncallPage } from './oncall/OncallPages';
import { vendorsPage } from './VendorsPage';
import { backupsPage } from './BackupsPage';
import { Page } from './Page';
import { can, useWorkspaceAccess, type WorkspaceAccess } from './permissions';
import { navigate } from './router';
import { type Session, SESSION_ENDED, SessionContext } from './session';
import { statusPage } from './status/StatusPages';
import { supportPage } from './support/SupportPages';

interface Props {
  readonly me: Me;
  readonly path: string;
  readonly onMeChange: (me: Me) => void;
  readonly onSignedOut: (notice?: string | null) => void;
}

export function Shell({ me, path, onMeChange, onSignedOut }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const workspace = me.workspaces.find((w) => w.id === me.currentWorkspaceId) ?? null;
  const access = useWorkspaceAccess(me, workspace, onSignedOut);

  // A role without the inbox (e.g. a pack's customer role) starts at the first area it can use.
  const start = access.kind === 'ready' ? AREAS.find((a) => can(access, a.permission))?.path : undefined;
  const notified = workspace !== null && can(access, 'workspace.read') ? workspace : null;
  useEffect(() => {
    if (path === DEFAULT_PATH && start && start !== DEFAULT_PATH) navigate(start, { replace: true });
  }, [path, start]);

  const refresh = useCallback(async () => onMeChange(await api.me()), [onMeChange]);
  const session = useMemo<Session>(
    () => ({ me, setMe: onMeChange, refresh, signedOut: onSignedOut }),
    [me, onMeChange, refresh, onSignedOut],
  );

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (sessionEnded(err)) return onSignedOut(SESSION_ENDED);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const switchWorkspace = (workspaceId: string) =>
    run(async () => onMeChange(await api.switchWorkspace(workspaceId, me.csrfToken)));

  const signOut = () =>
    run(async () => {
      await api.signOut(me.csrfToken);
      onSignedOut(null);
    });

  return (
    <SessionContext value={session}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="brand">
            <Logo />
            <span className="brand-name">Opsbook</span>
          </div>
          <div className="workspace-switcher">
            <label htmlFor="workspace-select">Workspace</label>
            <select
              id="workspace-select"
              value={workspace?.id ?? ''}
              disabled={busy || me.workspaces.length === 0}
              onChange={(e) => void switchWorkspace(e.target.value)}
            >
              {me.workspaces.length === 0 && <option value="">No workspace</option>}
              {me.workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </div>
          <div className="account">
            {notified && (
              <NotificationBell
                key={notified.id}
                workspace={notified}
                canOpenRecords={can(access, 'records.read')}
              />
            )}
            <span className="account-name" title={me.user.email}>
              {me.user.name}
            </span>
            <button type="button" className="button" onClick={() => void signOut()} disabled={busy}>
              Sign out
            </button>
          </div>
        </header>
        <div className="body">
          <Sidebar path={path} access={access} />
          <main id="main" className="content">
            {error && (
              <div className="alert" role="alert">
                {error}
              </div>
            )}
            {workPage(path, workspace, access) ??
              vendorsPage(path, workspace, access) ??
              backupsPage(path, workspace, access) ??
              oncallPage(path, workspace, access) ??
              supportPage(path, workspace, access) ??
              incidentPage(path, workspace, access) ??
              statusPage(path, workspace, access) ??
              customersPage(path, workspace, access) ??
              compliancePage(path, workspace, access) ??
              operationsPage(path, workspace, access) ?? (
                <Page path={path} me={me} workspace={workspace} access={access} />
              )}
            {notified && path === start && <NotificationFeed key={notified.id} workspace={notified} />}
          </main>
        </div>
      </div>
    </SessionContext>
  );
}

/** Shown once the role's permissions are known, so an area the role cannot use never flashes by. */
function Sidebar({ path, access }: { readonly path: string; readonly access: WorkspaceAccess }) {
  if (access.kind === 'loading') return <div className="sidebar" />;
  const first = `/${path.split('/')[1] ?? ''}`;
  const areas = AREAS.filter((a) => can(access, a.permission));
  return (
    <nav className="sidebar" aria-label="Main">
      <ul>
        {areas.map((a) => (
          <li key={a.path}>
            <NavLink path={a.path} name={a.name} current={first === a.path} />
          </li>
        ))}
        <li className="nav-group">Your account</li>
        {ACCOUNT_PAGES.map((a) => (
          <li key={a.path}>
            <NavLink path={a.path} name={a.name} current={path === a.path} />
          </li>
        ))}
      </ul>
    </nav>
  );
}

function NavLink({
  path,
  name,
  current,
}: {
  readonly path: string;
  readonly name: string;
  readonly current: boolean;
}) {
  return (
    <AppLink to={path} current={current} className="nav-link">
      <NavIcon path={path} />
      <span>{name}</span>
    </AppLink>
  );
}
