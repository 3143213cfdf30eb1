/**
 * What an agent sends, checked before any use case runs, so bad input changes nothing and is answered
 * with every wrong field named: values against the pack the ticket runs under (or, for a new ticket, the
 * active pack), people against the workspace's members, templates against the pack's customer templates.
 */
import { OpsError, type FieldError } from '../../errors/catalog.js';
import type { Policy } from '../../packs/compile.js';
import type { Tx } from '../../store/database.js';
import { activePolicy, notFound, ticketPolicy } from './detail.js';
import { checkTicketFields, type TicketFieldValues } from './field-checks.js';
import { nonMembers } from './queries.js';
import { readTicket, type SupportContext } from './ticket-store.js';

export interface PeopleToCheck {
  /** Field pointer → user ids that must be members. */
  readonly [pointer: string]: readonly string[];
}

async function checkPeople(tx: Tx, workspaceId: string, people: PeopleToCheck): Promise<void> {
  const errors: FieldError[] = [];
  for (const [pointer, ids] of Object.entries(people)) {
    for (const id of await nonMembers(tx, workspaceId, ids))
      errors.push({ pointer, message: `"${id}" is not a member of this workspace` });
  }
  if (errors.length) throw new OpsError('OPS_VALIDATION', errors.map((e) => e.message).join('; '), errors);
}

function checkTemplate(policy: Policy, template: string | undefined, pointer: string): void {
  if (template === undefined) return;
  const known = (policy.pack.templates ?? []).filter((t) => t.audience === 'customer').map((t) => t.id);
  if (!known.includes(template))
    throw new OpsError('OPS_VALIDATION', `"${template}" is not a customer template of the pack.`, [
      { pointer, message: `use one of: ${known.join(', ') || '(the pack has none)'}` },
    ]);
}

/** A new ticket's fields against the pack that will govern it, in the transaction that reserves it. */
export async function checkNewTicket(
  tx: Tx,
  workspaceId: string,
  policy: Policy,
  values: TicketFieldValues,
  people: PeopleToCheck,
): Promise<void> {
  checkTicketFields(policy.pack, values);
  await checkPeople(tx, workspaceId, people);
}

/**
 * A change to an existing ticket (fields, people, a template) against the pack it runs under; 404 when
 * the workspace has no such ticket.
 */
export async function checkTicketInput(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  input: {
    readonly values?: TicketFieldValues;
    readonly pointerOf?: (field: string) => string;
    readonly people?: PeopleToCheck;
    readonly template?: string | undefined;
  },
): Promise<void> {
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    if (!(await readTicket(tx, workspaceId, number))) throw notFound(number);
    const policy = await ticketPolicy(ctx, tx, workspaceId, number);
    checkTicketFields(policy.pack, input.values ?? {}, input.pointerOf);
    checkTemplate(policy, input.template, '/body/template');
    await checkPeople(tx, workspaceId, input.people ?? {});
  });
}

/** A bulk change's value, against the active pack (a priority is checked again against each ticket's own). */
export async function checkBulkValue(
  ctx: SupportContext,
  workspaceId: string,
  values: TicketFieldValues,
  people: PeopleToCheck,
): Promise<void> {
  await ctx.database.inWorkspace(workspaceId, async (tx) => {
    checkTicketFields((await activePolicy(tx, workspaceId)).pack, values, () => '/body/value');
    await checkPeople(tx, workspaceId, people);
  });
}
