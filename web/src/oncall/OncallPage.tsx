/**
 * `/oncall`: who is on call now for each rotation, and each schedule with its layers, its next shifts and
 * its overrides; a new schedule for a rotation that has none. Setting up schedules needs
 * `incidents.manage`; covering a shift oneself, `incidents.write`.
 */
import { useCallback, useState } from 'react';
import type { Workspace } from '../api';
import { ErrorNotice } from '../controls';
import { oncallApi } from '../oncall-api';
import type { ReadyAccess } from '../permissions';
import { useLoad } from '../session';
import { useMembers } from './data';
import { NowCard } from './NowCard';
import { OncallHeader } from './OncallHeader';
import { ScheduleCard } from './ScheduleCard';
import { ScheduleEditor } from './ScheduleEditor';
import { ONCALL_PATH } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function OncallPage({ workspace, access }: Props) {
  const now = useLoad(`${workspace.id}/oncall-now`, () => oncallApi.now(workspace.id));
  const schedules = useLoad(`${workspace.id}/schedules`, () => oncallApi.schedules(workspace.id));
  const members = useMembers(workspace.id);
  const [creating, setCreating] = useState(false);
  const canManage = access.permissions.has('incidents.manage');
  const canCover = canManage || access.permissions.has('incidents.write');
  const { reload: reloadNow } = now;
  const { reload: reloadSchedules } = schedules;
  const changed = useCallback(() => {
    reloadNow();
    reloadSchedules();
  }, [reloadNow, reloadSchedules]);

  const items = schedules.data?.items ?? [];
  const rotations = now.data?.items ?? [];
  const unscheduled = rotations.filter((r) => !items.some((s) => s.rotation === r.rotation));

  return (
    <>
      <OncallHeader workspace={workspace} path={ONCALL_PATH} title="On call" />
      <NowCard now={now} schedules={items} fallbackZone={workspace.timeZone} />
      <ErrorNotice error={schedules.error ?? members.error} />
      {(!schedules.data || !members.data) && !schedules.error && !members.error && (
        <p className="muted">Loading schedules…</p>
      )}
      {schedules.data && members.data && (
        <>
          {items.length === 0 && (
            <section className="card" aria-labelledby="no-schedules-title">
              <h2 id="no-schedules-title">Schedules</h2>
              <p className="muted">
                No rotation has a schedule yet: each falls back to everyone holding its role.
              </p>
            </section>
          )}
          {items.map((schedule) => (
            <ScheduleCard
              key={schedule.id}
              workspace={workspace}
              schedule={schedule}
              rotations={rotations}
              members={members.data ?? []}
              canManage={canManage}
              canCover={canCover}
              onChanged={changed}
            />
          ))}
          {canManage && unscheduled.length > 0 && !creating && (
            <p>
              <button type="button" className="button primary" onClick={() => setCreating(true)}>
                New schedule
              </button>
            </p>
          )}
          {creating && (
            <ScheduleEditor
              workspace={workspace}
              schedule={null}
              rotations={unscheduled}
              members={members.data}
              onCancel={() => setCreating(false)}
              onSaved={() => {
                setCreating(false);
                changed();
              }}
            />
          )}
        </>
      )}
    </>
  );
}
