/**
 * What several incident pages load: the workspace's members (for role pickers, owners and names) and the
 * pack's incident scale (the list of incidents carries it, with the incident types declaring offers); and
 * what each part of the room is given, with the way its buttons act.
 */
import { useEffect, useState } from 'react';
import { accessApi, type Member } from '../access-api';
import type { Workspace } from '../api';
import { type DeclareChoices, type IncidentDetail, incidentsApi, type Scale } from '../incidents-api';
import { type Action, type Loaded, useAction, useLoad } from '../session';

export function useMembers(workspaceId: string): Loaded<readonly Member[]> {
  return useLoad(`${workspaceId}/members`, async () => (await accessApi.members(workspaceId)).items);
}

/** The list's scale (levels with their labels) as the room's: level ids, and labels by id. */
export function scaleOf(choices: DeclareChoices): Scale | null {
  const s = choices.scale;
  if (!s) return null;
  return {
    id: s.id,
    levels: s.levels.map((l) => l.id),
    labels: Object.fromEntries(s.levels.map((l) => [l.id, l.label])),
  };
}

async function packScale(workspaceId: string): Promise<Scale | null> {
  return scaleOf(await incidentsApi.list(workspaceId, { state: 'all', limit: 1 }));
}

/**
 * The active pack's incident scale (most severe first); null while loading or without an active pack.
 * Read again when `known` changes.
 */
export function useScale(workspaceId: string, known: string): Scale | null {
  const loaded = useLoad(`${workspaceId}/scale/${known}`, () => packScale(workspaceId));
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
