/** One area of the app for the current workspace. Areas not built yet say what they will hold. */
import { useEffect, useRef } from 'react';
import type { Me, Workspace } from './api';
import type { Area } from './areas';
import { DEFAULT_PATH } from './areas';
import { NavIcon } from './icons';
import { PacksPage } from './PacksPage';
import { useLinkClick } from './router';

interface Props {
  readonly area: Area;
  readonly me: Me;
  readonly workspace: Workspace | null;
}

/** Moves focus to the page heading when the page changes, so screen readers announce it. */
function useHeadingFocus(key: string, title: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  const shown = useRef(key);
  useEffect(() => {
    document.title = `${title} · Opsbook`;
  }, [title]);
  useEffect(() => {
    if (shown.current === key) return;
    shown.current = key;
    ref.current?.focus();
  }, [key]);
  return ref;
}

export function AreaPage({ area, me, workspace }: Props) {
  const heading = useHeadingFocus(area.path, workspace ? `${area.name} · ${workspace.name}` : area.name);
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          {area.name}
          {workspace && (
            <>
              {' '}
              <span className="heading-sep" aria-hidden="true">
                ·
              </span>{' '}
              <span className="heading-workspace">{workspace.name}</span>
            </>
          )}
        </h1>
      </header>
      {workspace && area.path === '/packs' ? (
        <PacksPage key={workspace.id} workspace={workspace} />
      ) : workspace ? (
        <section className="empty-state" aria-labelledby="empty-title">
          <div className="empty-icon">
            <NavIcon path={area.path} />
          </div>
          <h2 id="empty-title">
            {area.none} in {workspace.name} yet
          </h2>
          <p>{area.holds}</p>
          <p className="muted">This part of the web app is still being built. It is planned to show:</p>
          <ul className="plan">
            {area.next.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </section>
      ) : (
        <section className="empty-state">
          <h2>You are not in a workspace yet</h2>
          <p>Ask the owner of a workspace to add you; it will then appear in the workspace list above.</p>
        </section>
      )}
      {area.path === '/admin' && workspace && <WorkspaceFacts me={me} workspace={workspace} />}
    </>
  );
}

function WorkspaceFacts({ me, workspace }: { readonly me: Me; readonly workspace: Workspace }) {
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
  return (
    <section className="card" aria-labelledby="facts-title">
      <h2 id="facts-title">This workspace</h2>
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term} className="fact">
            <dt>{term}</dt>
            <dd>{term === 'Workspace ID' || term === 'Slug' ? <code>{value}</code> : value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function NotFound({ path }: { readonly path: string }) {
  const heading = useHeadingFocus(path, 'Page not found');
  const onClick = useLinkClick(DEFAULT_PATH);
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Page not found
        </h1>
      </header>
      <section className="empty-state">
        <p>
          There is no page at <code>{path}</code>.
        </p>
        <p>
          <a href={DEFAULT_PATH} onClick={onClick}>
            Go to the inbox
          </a>
        </p>
      </section>
    </>
  );
}
