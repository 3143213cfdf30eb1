/**
 * `/operations/backups`: the backup register (ShopSmart SOP-004) — sets with the heartbeat that checks
 * them, the recovery objectives, each verification check with its latest drill against the targets, the
 * drill history — and a form to record a drill (for people who may write events).
 */
import { type ReactNode, useState } from 'react';
import { fieldError, type Workspace } from './api';
import { NotAllowed } from './AreaPage';
import { AppLink, ErrorNotice, FormCard } from './controls';
import { StateBadge, When } from './customers/badges';
import { type BackupRegister, type Drill, minutes, opsApi } from './ops-api';
import type { WorkspaceAccess } from './permissions';
import { useAction, useLoad, useSession } from './session';
import { usePageHeading } from './support/page-heading';
import './customers/customers.css';

export const BACKUPS_PATH = '/operations/backups';

/** The backups page for its path; null for other paths. */
export function backupsPage(path: string, workspace: Workspace | null, access: WorkspaceAccess): ReactNode {
  if (!workspace || access.kind !== 'ready') return null;
  if (path.replace(/\/$/, '') !== BACKUPS_PATH) return null;
  if (!access.permissions.has('records.read')) return <NotAllowed what="backups" />;
  return (
    <BackupsPage
      key={workspace.id}
      workspace={workspace}
      canRecord={access.permissions.has('events.write')}
    />
  );
}

function Verdict({ drill }: { readonly drill: Drill }) {
  if (!drill.succeeded) return <StateBadge state="failed" label="failed" tone="bad" />;
  if (drill.metRto === null) return <StateBadge state="no-target" label="no objective" tone="quiet" />;
  const met = drill.metRto && drill.metRpo;
  const label = met
    ? 'targets met'
    : [!drill.metRto && 'RTO missed', !drill.metRpo && 'RPO missed'].filter(Boolean).join(', ');
  return <StateBadge state={met ? 'met' : 'missed'} label={label} tone={met ? 'good' : 'bad'} />;
}

const measured = (d: Drill) =>
  `${minutes(d.restoreMs)}${d.rtoMs !== null ? ` (RTO ${minutes(d.rtoMs)})` : ''} · ${minutes(d.dataLossMs)} lost${d.rpoMs !== null ? ` (RPO ${minutes(d.rpoMs)})` : ''}`;

export function BackupsPage({
  workspace,
  canRecord,
}: {
  readonly workspace: Workspace;
  readonly canRecord: boolean;
}) {
  const heading = usePageHeading(BACKUPS_PATH, `Backups · ${workspace.name}`);
  const register = useLoad(`${workspace.id}/backups`, () => opsApi.backups(workspace.id));
  const r = register.data;
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          Backups and recovery
        </h1>
        <AppLink to="/operations/vendors" className="button">
          Vendors
        </AppLink>
      </header>
      <ErrorNotice error={register.error} />
      {r && (
        <>
          <Sets register={r} />
          <section className="card" aria-labelledby="objectives-title">
            <h2 id="objectives-title">Recovery objectives</h2>
            <ul>
              {r.objectives.map((o) => (
                <li key={o.id}>
                  {o.scenario}: RTO {o.rto}, RPO {o.rpo}
                </li>
              ))}
            </ul>
          </section>
          <Checks register={r} />
          {canRecord && <DrillForm workspace={workspace} register={r} onRecorded={register.reload} />}
        </>
      )}
    </>
  );
}

function Sets({ register }: { readonly register: BackupRegister }) {
  const hb = register.heartbeat;
  return (
    <section className="card" aria-labelledby="sets-title">
      <h2 id="sets-title">Backup schedule</h2>
      <div className="table-wrap">
        <table className="data" aria-labelledby="sets-title">
          <thead>
            <tr>
              <th scope="col">Data</th>
              <th scope="col">Frequency</th>
              <th scope="col">Retention</th>
              <th scope="col">Location</th>
              <th scope="col">Completion checked by</th>
            </tr>
          </thead>
          <tbody>
            {register.sets.map((s) => (
              <tr key={s.id}>
                <td>{s.data}</td>
                <td>{s.frequency}</td>
                <td>{s.retention}</td>
                <td>{s.location}</td>
                <td>
                  {s.heartbeat && hb
                    ? `${hb.label} (${hb.monitor?.status ?? 'not monitored'})`
                    : 'no heartbeat'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hb && <p className="muted">{hb.note}</p>}
    </section>
  );
}

function Checks({ register }: { readonly register: BackupRegister }) {
  return (
    <section className="card" aria-labelledby="checks-title">
      <h2 id="checks-title">Verification checks</h2>
      <div className="table-wrap">
        <table className="data" aria-labelledby="checks-title">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Cadence · owner</th>
              <th scope="col">Latest drill</th>
              <th scope="col">Against the targets</th>
            </tr>
          </thead>
          <tbody>
            {register.checks.map((c) => (
              <tr key={c.id}>
                <td>{c.text}</td>
                <td>
                  {c.cadence} · {c.owner ?? 'anyone'}
                </td>
                <td>
                  {c.kind === 'heartbeat' ? (
                    'checked by the backup heartbeat'
                  ) : c.latest ? (
                    <>
                      <When iso={c.latest.performedAt} full /> · {measured(c.latest)}
                    </>
                  ) : (
                    <span className="muted">none yet</span>
                  )}
                </td>
                <td>{c.latest && <Verdict drill={c.latest} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{register.drills.length} drill(s) recorded.</p>
    </section>
  );
}

function DrillForm(props: {
  readonly workspace: Workspace;
  readonly register: BackupRegister;
  readonly onRecorded: () => void;
}) {
  const { workspace, register, onRecorded } = props;
  const { me } = useSession();
  const action = useAction();
  const checks = register.checks.filter((c) => c.kind === 'drill');
  const [check, setCheck] = useState(checks[0]?.id ?? '');
  const [objective, setObjective] = useState(register.objectives[0]?.id ?? '');
  const [restore, setRestore] = useState('');
  const [loss, setLoss] = useState('');
  const [succeeded, setSucceeded] = useState(true);
  const [note, setNote] = useState('');
  const submit = async () => {
    await opsApi.drill(
      workspace.id,
      {
        check,
        ...(objective ? { objective } : {}),
        // Left empty, a measurement is left out: the server says which one is required.
        ...(restore.trim() === '' ? {} : { restoreMinutes: Number(restore) }),
        ...(loss.trim() === '' ? {} : { dataLossMinutes: Number(loss) }),
        succeeded,
        ...(note ? { note } : {}),
      },
      me.csrfToken,
    );
    setRestore('');
    setLoss('');
    setNote('');
    onRecorded();
  };
  const error = (field: string) => fieldError(action.error, field);
  return (
    <FormCard
      titleId="drill-title"
      title="Record a drill"
      action={action}
      onSubmit={submit}
      submitLabel="Record drill"
    >
      <label htmlFor="drill-check">Check</label>
      <select id="drill-check" value={check} onChange={(e) => setCheck(e.target.value)}>
        {checks.map((c) => (
          <option key={c.id} value={c.id}>
            {c.text}
          </option>
        ))}
      </select>
      <label htmlFor="drill-objective">Measured against</label>
      <select id="drill-objective" value={objective} onChange={(e) => setObjective(e.target.value)}>
        {register.objectives.map((o) => (
          <option key={o.id} value={o.id}>
            {o.scenario} (RTO {o.rto}, RPO {o.rpo})
          </option>
        ))}
        <option value="">No objective</option>
      </select>
      <label htmlFor="drill-restore">Restore time (minutes)</label>
      <input
        id="drill-restore"
        inputMode="decimal"
        value={restore}
        onChange={(e) => setRestore(e.target.value)}
      />
      {error('restoreMinutes') && <p className="field-error">{error('restoreMinutes')}</p>}
      <label htmlFor="drill-loss">Data lost (minutes)</label>
      <input id="drill-loss" inputMode="decimal" value={loss} onChange={(e) => setLoss(e.target.value)} />
      {error('dataLossMinutes') && <p className="field-error">{error('dataLossMinutes')}</p>}
      <label>
        <input type="checkbox" checked={succeeded} onChange={(e) => setSucceeded(e.target.checked)} /> The
        restore succeeded
      </label>
      <label htmlFor="drill-note">Note</label>
      <input id="drill-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} />
    </FormCard>
  );
}
