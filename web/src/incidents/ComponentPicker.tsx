/**
 * The status-page components an update affects (Statuspage's "affected components"): per component, the
 * status the update gives it, or no change. The public status page shows it once the update is published,
 * and resolving the incident puts them back. Hidden when the workspace's page has no components or the
 * viewer may not read them.
 */
import {
  COMPONENT_STATUSES,
  type ComponentStatus,
  incidentsApi,
  type StatusComponent,
} from '../incidents-api';
import { type Loaded, useLoad } from '../session';
import { COMPONENT_STATUS_WORDS } from './words';

export type ComponentPicks = Readonly<Record<string, ComponentStatus>>;

/** The workspace's status-page components, in page order. */
export function useStatusComponents(workspaceId: string): Loaded<readonly StatusComponent[]> {
  return useLoad(
    `${workspaceId}/status-components`,
    async () => (await incidentsApi.components(workspaceId)).items,
  );
}

const isStatus = (s: string): s is ComponentStatus => (COMPONENT_STATUSES as readonly string[]).includes(s);

export function ComponentPicker({
  components,
  picks,
  onChange,
}: {
  readonly components: readonly StatusComponent[] | null;
  readonly picks: ComponentPicks;
  readonly onChange: (picks: ComponentPicks) => void;
}) {
  if (!components || components.length === 0) return null;
  const pick = (id: string, status: string) => {
    const next: Record<string, ComponentStatus> = { ...picks };
    if (isStatus(status)) next[id] = status;
    else delete next[id];
    onChange(next);
  };
  return (
    <fieldset className="affected-components">
      <legend>Affected components</legend>
      <p className="hint" id="affected-hint">
        The status page shows the status chosen; resolving the incident puts them back.
      </p>
      <div className="affected-grid">
        {components.map((c, n) => (
          <div className="field" key={c.id}>
            <label htmlFor={`affected-${n}`}>{c.name}</label>
            <select
              id={`affected-${n}`}
              value={picks[c.id] ?? ''}
              aria-describedby="affected-hint"
              onChange={(e) => pick(c.id, e.target.value)}
            >
              <option value="">No change ({COMPONENT_STATUS_WORDS[c.status]})</option>
              {COMPONENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {COMPONENT_STATUS_WORDS[s]}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
