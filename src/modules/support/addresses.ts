/**
 * Support addresses (issue 7, Admin → Support addresses): mail to a registered address becomes a ticket of
 * its workspace, counted under the address's channel (SofaCover 002#31: "Email Support:
 * support@sofacoverpro.com"). Without one, `<slug>@<support domain>` still works (0008_support.sql). An
 * address belongs to one workspace only; who holds it is not revealed to another.
 */
import { and, asc, eq } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Database } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { supportAddresses } from '../../store/schema.js';
import { appendAudit } from '../access/audit.js';
import { activeDeskLists, type DeskLists } from './desk-lists.js';

export interface AddressView {
  readonly address: string;
  readonly channel: string;
  readonly createdAt: Date;
}

export async function listAddresses(database: Database, workspaceId: string): Promise<AddressView[]> {
  return database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({
        address: supportAddresses.address,
        channel: supportAddresses.channel,
        createdAt: supportAddresses.createdAt,
      })
      .from(supportAddresses)
      .where(eq(supportAddresses.workspaceId, workspaceId))
      .orderBy(asc(supportAddresses.address)),
  );
}

/** The channel mail to the address counts under: the one given (a customer channel of the pack), else
 * the pack's first customer email channel, else `email`. */
function channelFor(lists: DeskLists, given: string | undefined): string {
  if (given === undefined)
    return lists.channels.find((c) => c.kind === 'email')?.id ?? lists.channels[0]?.id ?? 'email';
  if (lists.channels.length > 0 && !lists.channels.some((c) => c.id === given))
    throw new OpsError('OPS_VALIDATION', `"${given}" is not a customer channel of the active pack.`, [
      {
        pointer: '/body/channel',
        message: `use one of: ${lists.channels.map((c) => c.id).join(', ')}`,
      },
    ]);
  return given;
}

const taken = (address: string) =>
  new OpsError(
    'OPS_CONFLICT',
    `The address ${address} is already a support address of a workspace; remove it there first.`,
  );

/** Registers an address (lower-cased); the same address again with the same channel changes nothing. */
export async function addAddress(
  database: Database,
  workspaceId: string,
  input: { readonly address: string; readonly channel?: string | undefined },
  actor: string,
  now: Date,
): Promise<{ address: AddressView; created: boolean }> {
  const address = input.address.trim().toLowerCase();
  try {
    return await database.inWorkspace(workspaceId, async (tx) => {
      const channel = channelFor(await activeDeskLists(tx, workspaceId), input.channel);
      const [mine] = await tx
        .select()
        .from(supportAddresses)
        .where(and(eq(supportAddresses.workspaceId, workspaceId), eq(supportAddresses.address, address)));
      if (mine) {
        if (mine.channel !== channel)
          throw new OpsError(
            'OPS_CONFLICT',
            `${address} is already registered here for the ${mine.channel} channel: remove it first to change the channel.`,
          );
        return { address: mine, created: false };
      }
      // Another workspace's row is invisible here (row-level security): the primary key still refuses it.
      const [row] = await tx
        .insert(supportAddresses)
        .values({ address, workspaceId, channel, createdAt: now })
        .returning();
      await appendAudit(tx, now, {
        actor,
        action: 'support.address.added',
        target: `address:${address}`,
        data: { channel },
      });
      return { address: row!, created: true };
    });
  } catch (err) {
    if (pgCode(err) === '23505') throw taken(address);
    throw err;
  }
}

export async function removeAddress(
  database: Database,
  workspaceId: string,
  address: string,
  actor: string,
  now: Date,
): Promise<void> {
  const normalised = address.trim().toLowerCase();
  await database.inWorkspace(workspaceId, async (tx) => {
    const removed = await tx
      .delete(supportAddresses)
      .where(and(eq(supportAddresses.workspaceId, workspaceId), eq(supportAddresses.address, normalised)))
      .returning({ address: supportAddresses.address });
    if (removed.length === 0)
      throw new OpsError('OPS_NOT_FOUND', `${normalised} is not a support address of this workspace.`);
    await appendAudit(tx, now, {
      actor,
      action: 'support.address.removed',
      target: `address:${normalised}`,
    });
  });
}
