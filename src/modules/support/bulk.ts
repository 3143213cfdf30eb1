/**
 * One change applied to many tickets from the inbox (assign, resolve, set the priority or status, add a
 * tag). Each ticket is its own use case and transaction, as if changed one by one: a ticket that cannot
 * take the change (merged, unknown) is reported with the reason and the others still change.
 */
import { OpsError } from '../../errors/catalog.js';
import { resolveTicket, updateTicket } from './tickets.js';
import { readTicket, type SupportContext } from './ticket-store.js';

export const BULK_ACTIONS = ['assign', 'resolve', 'priority', 'status', 'tag'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkResult {
  readonly done: number[];
  readonly failed: { readonly number: number; readonly detail: string }[];
}

/** Runs `action` (its value already checked) on each ticket in turn. */
export async function bulkChange(
  ctx: SupportContext,
  workspaceId: string,
  numbers: readonly number[],
  action: BulkAction,
  value: string | null,
  actor: string,
): Promise<BulkResult> {
  const done: number[] = [];
  const failed: { number: number; detail: string }[] = [];
  for (const number of new Set(numbers)) {
    try {
      await applyOne(ctx, workspaceId, number, action, value, actor);
      done.push(number);
    } catch (err) {
      if (!(err instanceof OpsError)) throw err;
      failed.push({ number, detail: err.detail ?? err.spec.title });
    }
  }
  return { done, failed };
}

async function applyOne(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  action: BulkAction,
  value: string | null,
  actor: string,
): Promise<void> {
  switch (action) {
    case 'assign':
      await updateTicket(ctx, workspaceId, number, { assigneeId: value }, actor);
      return;
    case 'resolve':
      await resolveTicket(ctx, workspaceId, number, {}, actor);
      return;
    case 'priority':
      await updateTicket(ctx, workspaceId, number, { priority: value! }, actor);
      return;
    case 'status':
      await updateTicket(ctx, workspaceId, number, { status: value! }, actor);
      return;
    case 'tag': {
      // Adds to the tags the ticket has now (a concurrent tag change in between may be overwritten).
      const ticket = await ctx.database.inWorkspace(workspaceId, (tx) => readTicket(tx, workspaceId, number));
      if (!ticket) throw new OpsError('OPS_NOT_FOUND', `Ticket #${number} does not exist in this workspace.`);
      if (ticket.tags.includes(value!)) return;
      await updateTicket(ctx, workspaceId, number, { tags: [...ticket.tags, value!] }, actor);
      return;
    }
  }
}
