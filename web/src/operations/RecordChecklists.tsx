/**
 * The checklist runs of a bug or release (`GET …/checklist-runs?subject=release:REL-7`): the release
 * checklist and QA sign-off, a bug's fix review and closure. Items are worked as on an account's page
 * (RunView); the go/no-go item is ticked by the go/no-go itself.
 */
import type { Workspace } from '../api';
import { checklistsApi } from '../checklists-api';
import { ErrorNotice } from '../controls';
import { RunView } from '../customers/ChecklistsCard';
import { useLoad } from '../session';

interface Props {
  readonly workspace: Workspace;
  readonly subject: string;
  /** The record's last change: a step taken elsewhere (the go/no-go ticks an item) loads the runs again. */
  readonly version: string;
  readonly canWork: boolean;
  /** An item worked may open a gate: the record's steps change. */
  readonly onChanged: () => void;
}

export function RecordChecklists({ workspace, subject, version, canWork, onChanged }: Props) {
  const runs = useLoad(`${workspace.id}/${subject}/checklists/${version}`, () =>
    checklistsApi.ofSubject(workspace.id, subject),
  );
  const changed = () => {
    runs.reload();
    onChanged();
  };
  const items = runs.data?.items;
  return (
    <section className="card" aria-labelledby="record-checklists-title">
      <h2 id="record-checklists-title">Checklists</h2>
      <ErrorNotice error={runs.error} />
      {items?.length === 0 && <p className="muted">No checklist gates this record yet.</p>}
      {items?.map((run) => (
        <RunView key={run.id} workspace={workspace} run={run} canWork={canWork} onChanged={changed} />
      ))}
    </section>
  );
}
