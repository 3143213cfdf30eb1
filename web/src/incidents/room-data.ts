/**
 * What several incident pages load: the workspace's members (for role pickers, owners and names) and the
 * pack's incident scale; and what each part of the room is given, with the way its buttons act. The API
 * has no call for the scale itself; each incident's room carries it, so the latest incident's room gives
 * it. A workspace with no incident yet has none to read.
 */
import { useEffect, useState } from 'react';
import { accessApi, type Member } from '../access-api';
import type { Workspace } from '../api';
import { type IncidentDetail, incidentsApi, type Scale } from '../incidents-api';
import { type Action, type Loaded, useAction, useLoad } from '../session';

export function useMembers(workspaceId: string): Loaded<readonly Member[]> {
  return useLoad(`${workspaceId}/members`, async () => (await accessApi.members(workspaceId)).items);
}

async function latestScale(workspaceId: string): Promise<Scale | null> {
  const { items } = await incidentsApi.list(workspaceId, { state: 'all', limit: 1 });
  const latest = items[0];
  if (!latest) return null;
  return (await incidentsApi.get(workspaceId, latest.number)).scale;
}

/**
 * The pack's incident scale (most severe first); null while loading or when no incident exists yet.
 * Read again when `known` changes (the list learnt that there are incidents now).
 */
export function useScale(workspaceId: string, known: string): Scale | null {
  const loaded = useLoad(`${workspaceId}/scale/${known}`, () => latestScale(workspaceId));
  // The last scale read stays while it is read again, so a picker does not flicker.
  const [last, setLast] = useState<Scale | null>(null);
  useEffect(() => {
    if (loaded.data) setLast(loaded.data);
  }, [loaded.data]);
  return loaded.data ?? last;
}

/** What each part of the room is given: the incident whole, the members, and how to refresh it. */
export interface RoomProps {
  readonly workspace: Workspace;
  readonly detail: IncidentDetail;
  readonly members: readonly Member[];
  /** Holds `incidents.write`. */
  readonly canWrite: boolean;
  /** Reads the room again (after each action). */
  readonly onChanged: () => void;
}

export interface RoomAction {
  readonly action: Action;
  /** What the last action did, for a polite status message ("Stage done."). */
  readonly done: string;
  /**
   * Runs `work` with the buttons busy, then refreshes the room and says `message` (or what it makes of the
   * answer); true when it worked.
   */
  readonly run: <T>(work: () => Promise<T>, message: string | ((answer: T) => string)) => Promise<boolean>;
}

export function useRoomAction(onChanged: () => void): RoomAction {
  const action = useAction();
  const [done, setDone] = useState('');
  const run = async <T>(work: () => Promise<T>, message: string | ((answer: T) => string)) => {
    setDone('');
    let said = '';
    const ok = await action.run(async () => {
      const answer = await work();
      said = typeof message === 'string' ? message : message(answer);
    });
    if (ok) {
      setDone(said);
      onChanged();
    }
    return ok;
  };
  return { action, done, run };
}
