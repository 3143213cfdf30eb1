/**
 * What else happens, in the same transaction, when an incident is declared, acknowledged, resolved or gets
 * a public update: the on-call escalation starts and stops (paging.ts); an incident declared while a
 * release is monitored is linked to it (records/monitoring.ts). Kept in one place so incidents.ts
 * and room.ts read as the record's rules.
 */
import type { Tx } from '../../store/database.js';
import { acknowledgePageIn, startPagingIn, stopPagingIn } from './paging.js';
import { statusChangedIn } from '../status/invalidate.js';
import { notifySubscribersIn } from '../status/notify.js';
import { linkToMonitoredReleases } from '../records/monitoring.js';

export interface DeclaredIncident {
  readonly id: string;
  readonly number: number;
  readonly severity: string;
  readonly title: string;
  readonly restricted: boolean;
}

export const hooks = {
  async declared(tx: Tx, workspaceId: string, incident: DeclaredIncident, now: Date): Promise<void> {
    await startPagingIn(tx, workspaceId, incident, now);
    await linkToMonitoredReleases(tx, workspaceId, incident, now);
  },
  async resolved(
    tx: Tx,
    workspaceId: string,
    incident: { id: string; number: number },
    now: Date,
  ): Promise<void> {
    await stopPagingIn(tx, workspaceId, incident.id, now);
    await statusChangedIn(tx, workspaceId);
  },
  async acknowledged(
    tx: Tx,
    workspaceId: string,
    incident: { id: string; number: number },
    actor: string,
    now: Date,
  ): Promise<void> {
    await acknowledgePageIn(tx, workspaceId, incident.id, actor, now);
  },
  /** A public update was published: the status page shows it and its subscribers are told. */
  async published(
    tx: Tx,
    workspaceId: string,
    update: { incidentId: string; updateId: string },
    links: { publicUrl: string },
  ): Promise<void> {
    await statusChangedIn(tx, workspaceId);
    await notifySubscribersIn(tx, workspaceId, update, links);
  },
};
