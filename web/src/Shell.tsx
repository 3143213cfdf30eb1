/** The signed-in frame: header with workspace switcher and sign-out, the main navigation, the current area. */
import { useState } from 'react';
import { ApiError, api, describeError, type Me } from './api';
import { AREAS, areaOf } from './areas';
import { AreaPage, NotFound } from './AreaPage';
import { RecordPage } from './RecordPage';
import { Logo, NavIcon } from './icons';
import { useLinkClick } from './router';

interface Props {
  readonly me: Me;
  readonly path: string;
  readonly onMeChange: (me: Me) => void;
  readonly onSignedOut: (notice?: string | null) => void;
}

const SESSION_ENDED = 'Your session has ended. Sign in again to continue.';

export function Shell({ me, path, onMeChange, onSignedOut }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const workspace = me.workspaces.find((w) => w.id === me.currentWorkspaceId) ?? null;
  const area = areaOf(path);
  // `/records/ticket:T1`: any record the engine governs, with its clocks explained.
  const recordKey = path.startsWith('/records/') ? decodeURIComponent(path.slice('/records/'.length)) : null;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return onSignedOut(SESSION_ENDED);
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
          <span className="account-name" title={me.user.email}>
            {me.user.name}
          </span>
          <button type="button" className="button" onClick={() => void signOut()} disabled={busy}>
            Sign out
          </button>
        </div>
      </header>
      <div className="body">
        <nav className="sidebar" aria-label="Main">
          <ul>
            {AREAS.map((a) => (
              <li key={a.path}>
                <NavLink path={a.path} name={a.name} current={area?.path === a.path} />
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content">
          {error && (
            <div className="alert" role="alert">
              {error}
            </div>
          )}
          {recordKey && workspace ? (
            <RecordPage key={`${workspace.id}/${recordKey}`} workspace={workspace} subjectKey={recordKey} />
          ) : area ? (
            <AreaPage area={area} me={me} workspace={workspace} />
          ) : (
            <NotFound path={path} />
          )}
        </main>
      </div>
    </div>
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
  const onClick = useLinkClick(path);
  return (
    <a href={path} onClick={onClick} aria-current={current ? 'page' : undefined} className="nav-link">
      <NavIcon path={path} />
      <span>{name}</span>
    </a>
  );
}
