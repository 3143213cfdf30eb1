/**
 * `/operations`: the team's own routine — releases and bugs, each with what is open and what is past a
 * deadline, and the way to the checklists, my work, vendors, backups and the compliance report.
 */
import type { Workspace } from '../api';
import { AppLink, ErrorNotice } from '../controls';
import { type RecordKind, recordsApi } from '../records-api';
import { useLoad } from '../session';
import { usePageHeading } from '../support/page-heading';
import { KIND_WORDS, OPERATIONS_PATH, recordsPath } from './words';

export function OperationsHome({ workspace }: { readonly workspace: Workspace }) {
  const heading = usePageHeading(OPERATIONS_PATH, `Operations · ${workspace.name}`);
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Operations
        </h1>
        <p className="muted">
          Releases with their go/no-go and rollback window, bugs with their fix-by deadlines.
        </p>
      </header>
      <div className="ops-grid">
        <KindCard workspace={workspace} kind="release" />
        <KindCard workspace={workspace} kind="bug" />
        <section className="card" aria-labelledby="ops-more-title">
          <h2 id="ops-more-title">Routine</h2>
          <ul>
            <li>
              <AppLink to="/checklists">Checklists</AppLink>: recurring and one-off runs, with their items
            </li>
            <li>
              <AppLink to="/my-work">My work</AppLink>: what is due for you today
            </li>
            <li>
              <AppLink to={`${OPERATIONS_PATH}/vendors`}>Vendors</AppLink>: the register, scorecards and
              reviews
            </li>
            <li>
              <AppLink to={`${OPERATIONS_PATH}/backups`}>Backups</AppLink>: the schedule, recovery objectives
              and restore drills
            </li>
            <li>
              <AppLink to="/compliance">Compliance</AppLink>: how often each SOP step was met
            </li>
          </ul>
        </section>
      </div>
    </>
  );
}

function KindCard({ workspace, kind }: { readonly workspace: Workspace; readonly kind: RecordKind }) {
  const open = useLoad(`${workspace.id}/${kind}/open`, () => recordsApi.list(workspace.id, kind, true));
  const words = KIND_WORDS[kind];
  const items = open.data?.items;
  const overdue = items?.filter((r) => r.breached).length ?? 0;
  const titleId = `ops-${kind}-title`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        <AppLink to={recordsPath(kind)}>{words.many}</AppLink>
      </h2>
      <ErrorNotice error={open.error} />
      {items && (
        <p>
          {items.length} open
          {overdue > 0 && <strong className="tone-bad"> · {overdue} past a deadline</strong>}
        </p>
      )}
    </section>
  );
}
