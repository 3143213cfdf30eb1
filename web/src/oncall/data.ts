/**
 * What the on-call pages load besides on-call itself: the workspace's members (names and pickers), its
 * roles (policy targets) and the pack's incident scale (policy severities). The API has no call for the
 * scale: each incident's room carries it, so the latest incident's gives it; none without incidents.
 */
import { accessApi, type Member, type RoleTable } from '../access-api';
import { incidentsApi, type Scale } from '../incidents-api';
import { type Loaded, useLoad } from '../session';

export function useMembers(workspaceId: string): Loaded<readonly Member[]> {
  return useLoad(`${workspaceId}/members`, async () => (await accessApi.members(workspaceId)).items);
}

export function useRoles(workspaceId: string): Loaded<RoleTable> {
  return useLoad(`${workspaceId}/roles`, () => accessApi.roles(workspaceId));
}

async function latestScale(workspaceId: string): Promise<Scale | null> {
  const { items } = await incidentsApi.list(workspaceId, { state: 'all', limit: 1 });
  const latest = items[0];
  return latest ? (await incidentsApi.get(workspaceId, latest.number)).scale : null;
}

export function useScale(workspaceId: string): Loaded<Scale | null> {
  return useLoad(`${workspaceId}/scale`, () => latestScale(workspaceId));
}
