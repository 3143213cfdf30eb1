/**
 * Monitoring: the health checks and heartbeats behind the status page, and (with `incidents.manage`)
 * importing the ones the active pack defines. An import shows the new heartbeats' ping URLs, once.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { ErrorNotice } from '../controls';
import { usePolling } from '../incidents/live';
import type { ReadyAccess } from '../permissions';
import { useAction, useLoad, useSession } from '../session';
import { monitorApi, type MonitorImport, statusApi } from '../status-api';
import { ChecksCard } from './ChecksCard';
import { HeartbeatsCard } from './HeartbeatsCard';
import { ShownOnceList } from './ShownOnce';
import { StatusHeader } from './StatusNav';

const POLL_MS = 15_000;

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function MonitoringPage({ workspace, access }: Props) {
  const { me } = useSession();
  const manage = access.permissions.has('incidents.manage');
  const checks = useLoad(workspace.id, () => monitorApi.checks(workspace.id));
  const heartbeats = useLoad(workspace.id, () => monitorApi.heartbeats(workspace.id));
  const components = useLoad(workspace.id, () => statusApi.components(workspace.id));
  usePolling(checks.reload, POLL_MS);
  usePolling(heartbeats.reload, POLL_MS);
  const importing = useAction();
  const [imported, setImported] = useState<MonitorImport | null>(null);

  const importFromPack = () =>
    void importing.run(async () => {
      setImported(await monitorApi.importFromPack(workspace.id, me.csrfToken));
      checks.reload();
      heartbeats.reload();
    });

  return (
    <>
      <StatusHeader view="monitoring" workspace={workspace}>
        {manage && (
          <button type="button" className="button" disabled={importing.busy} onClick={importFromPack}>
            Import from pack
          </button>
        )}
      </StatusHeader>
      <ErrorNotice error={importing.error} />
      {imported && <ImportResult imported={imported} onDone={() => setImported(null)} />}
      <ChecksCard
        workspace={workspace}
        checks={checks}
        components={components.data?.items ?? []}
        manage={manage}
      />
      <HeartbeatsCard workspace={workspace} heartbeats={heartbeats} manage={manage} />
    </>
  );
}

function ImportResult({
  imported,
  onDone,
}: {
  readonly imported: MonitorImport;
  readonly onDone: () => void;
}) {
  const made = imported.checks.length + imported.heartbeats.length;
  const summary =
    made === 0
      ? 'Nothing new: the pack defines no monitor this workspace lacks.'
      : `Created ${imported.checks.length} health checks and ${imported.heartbeats.length} heartbeats.`;
  const skipped = (
    <>
      {imported.skipped.length > 0 && (
        <ul className="import-skipped">
          {imported.skipped.map((s) => (
            <li key={`${s.kind}/${s.id}`}>
              {s.kind} {s.id}: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </>
  );
  if (imported.heartbeats.length === 0)
    return (
      <section className="card" aria-labelledby="import-title">
        <h2 id="import-title">Imported from the pack</h2>
        <p role="status">{summary}</p>
        {skipped}
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </section>
    );
  return (
    <>
      <ShownOnceList
        title="Imported from the pack: ping URLs"
        note={`${summary} Give each job its heartbeat's ping URL now: it is shown only this once.`}
        values={imported.heartbeats.map((h) => ({
          label: `Ping URL of ${h.heartbeat.name}`,
          value: h.pingUrl,
        }))}
        onDone={onDone}
      />
      {skipped}
    </>
  );
}
