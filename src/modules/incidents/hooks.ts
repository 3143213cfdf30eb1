/**
 * What else happens, in the same transaction, when an incident is declared or resolved: the on-call
 * escalation starts and stops (paging.ts). Kept in one place so incidents.ts reads as the record's rules.
 */
import type { Tx } from '../../store/database.js';

export interface DeclaredIncident {
  readonly id: string;
  readonly number: number;
  readonly severity: string;
  readonly title: string;
  readonly restricted: boolean;
}

export const hooks = {
  async declared(_tx: Tx, _workspaceId: string, _incident: DeclaredIncident, _now: Date): Promise<void> {},
  async resolved(
    _tx: Tx,
    _workspaceId: string,
    _incident: { id: string; number: number },
    _now: Date,
  ): Promise<void> {},
  async acknowledged(
    _tx: Tx,
    _workspaceId: string,
    _incident: { id: string; number: number },
    _actor: string,
    _now: Date,
  ): Promise<void> {},
  /** A public update was published: the status page's subscribers are told. */
  async published(
    _tx: Tx,
    _workspaceId: string,
    _update: { incidentId: string; updateId: string },
    _now: Date,
  ): Promise<void> {},
};
