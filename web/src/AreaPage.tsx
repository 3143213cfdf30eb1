/** One area of the app for the current workspace. Areas not built yet say what they will hold. */
import type { Workspace } from './api';
import type { Area } from './areas';
import { DEFAULT_PATH } from './areas';
import { AdminPage } from './AdminPage';
import { CreateWorkspace } from './CreateWorkspace';
import { useHeadingFocus } from './heading';
import { NavIcon } from './icons';
import { PacksPage } from './PacksPage';
import type { ReadyAccess } from './permissions';
import { useLinkClick } from './router';

type Props =
  | {
      readonly area: Area;
      readonly path: string;
      readonly workspace: Workspace;
      readonly access: ReadyAccess;
    }
  | { readonly area: Area; readonly path: string; readonly workspace: null };

export function AreaPage(props: Props) {
  const { area, workspace } = props;
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
      {props.workspace === null ? (
        <section className="empty-state" aria-labelledby="no-workspace-title">
          <h2 id="no-workspace-title">You are not in a workspace yet</h2>
          <p>
            Ask the owner of a workspace to invite you; it will then appear in the workspace list above. Or
            create one of your own.
          </p>
          <CreateWorkspace />
        </section>
      ) : area.path === '/packs' ? (
        <PacksPage key={props.workspace.id} workspace={props.workspace} />
      ) : area.path === '/admin' ? (
        <AdminPage path={props.path} workspace={props.workspace} access={props.access} />
      ) : (
        <section className="empty-state" aria-labelledby="empty-title">
          <div className="empty-icon">
            <NavIcon path={area.path} />
          </div>
          <h2 id="empty-title">
            {area.none} in {props.workspace.name} yet
          </h2>
          <p>{area.holds}</p>
          <p className="muted">This part of the web app is still being built. It is planned to show:</p>
          <ul className="plan">
            {area.next.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** A page the role cannot use (reached by a typed or old link: the navigation does not offer it). */
export function NotAllowed({ what }: { readonly what: string }) {
  const heading = useHeadingFocus(`not-allowed:${what}`, 'Not available');
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Not available
        </h1>
      </header>
      <section className="empty-state">
        <p>Your role in this workspace does not include {what}. Ask an owner or admin if you need it.</p>
      </section>
    </>
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
