/**
 * Unsubscribing from journey mail (onboarding, trial, re-engagement): each journey email carries a
 * `List-Unsubscribe` link (RFC 2369) with one-click support (RFC 8058), holding a random token stored only
 * on that message. Using it records the address; later journey mail to it is not sent (the notification's
 * log says so). Service mail (incidents, tickets, security) is not affected.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database, Tx } from '../../store/database.js';
import { outbox, unsubscribes } from '../../store/schema.js';

/** A rule of a journey (`journey:<id>@…`): its mail may be unsubscribed from. */
export const isJourneyRule = (rule: string | undefined): boolean => rule?.startsWith('journey:') ?? false;

export function newUnsubscribeToken(): string {
  return randomBytes(24).toString('base64url');
}

export function unsubscribeUrl(
  publicUrl: string,
  workspaceId: string,
  messageId: string,
  token: string,
): string {
  return `${publicUrl}/api/v1/unsubscribe/${encodeURIComponent(workspaceId)}/${encodeURIComponent(messageId)}?t=${token}`;
}

/** The addresses among `addresses` that unsubscribed (lower-cased). */
export async function unsubscribedAmong(tx: Tx, addresses: readonly string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await tx
    .select({ address: unsubscribes.address })
    .from(unsubscribes)
    .where(
      inArray(
        unsubscribes.address,
        addresses.map((a) => a.toLowerCase()),
      ),
    );
  return new Set(rows.map((r) => r.address));
}

/**
 * Records the unsubscription a link asks for (`dryRun`: only checks the link). `invalid` when the message
 * or token does not match (the same answer either way, so links cannot be probed).
 */
export async function unsubscribe(
  database: Database,
  workspaceId: string,
  messageId: string,
  token: string,
  now: Date,
  options: { readonly dryRun?: boolean } = {},
): Promise<'unsubscribed' | 'invalid' | 'valid'> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const [row] = await tx
      .select({ payload: outbox.payload, channel: outbox.channel })
      .from(outbox)
      .where(and(eq(outbox.workspaceId, workspaceId), eq(outbox.id, messageId)));
    const payload = row?.payload as { unsubscribeToken?: unknown; to?: unknown } | undefined;
    const expected =
      typeof payload?.unsubscribeToken === 'string' ? Buffer.from(payload.unsubscribeToken) : null;
    const given = Buffer.from(token);
    if (!expected || expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    if (typeof payload?.to !== 'string') return 'invalid';
    if (options.dryRun) return 'valid';
    await tx
      .insert(unsubscribes)
      .values({ workspaceId, address: payload.to.toLowerCase(), messageId, createdAt: now })
      .onConflictDoNothing();
    return 'unsubscribed';
  });
}
