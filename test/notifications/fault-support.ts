/**
 * Shared by the delivery fault tests (R4, R5, the dispatcher kill): the delivery settings they start
 * from, a workspace with a pack and an owner (so an undeliverable message has someone to tell), and small
 * readers of the outbox. Receivers are the channel suites' own (test/channels/*receiver.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { and, eq, sql } from 'drizzle-orm';
import { messageId } from '../../src/engine/outbox.js';
import type { Log } from '../../src/engine/log.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { rowsOf } from '../../src/store/database.js';
import { memberships, notifications, outbox, users } from '../../src/store/schema.js';
import { createWorkspace } from '../support/fixtures.js';

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export const SMTP_FROM = 'Opsbook <notifications@opsbook.test>';

/** What startDelivery reads of the configuration, pointed at local receivers. */
export function deliveryConfig(overrides: {
  smtpPort?: number;
  sendTimeoutMs?: number;
  leaseSeconds?: number;
}) {
  return {
    smtpUrl: overrides.smtpPort === undefined ? undefined : `smtp://127.0.0.1:${overrides.smtpPort}?tls=off`,
    smtpFrom: SMTP_FROM,
    builtInMailbox: overrides.smtpPort === undefined,
    outboundAllow: ['127.0.0.1'],
    sendTimeoutMs: overrides.sendTimeoutMs ?? 3_000,
    publicUrl: 'http://opsbook.test',
    leaseSeconds: overrides.leaseSeconds ?? 30,
    pollIntervalMs: 200,
  };
}

/**
 * A workspace running the SofaCover pack with one owner: without an active pack nobody would be told of
 * an undeliverable message (src/modules/notifications/undeliverable.ts reads members through the pack).
 */
export async function workspaceWithOwner(
  database: Database,
  name: string,
  now: Date,
): Promise<{ ws: string; ownerId: string }> {
  const ws = await createWorkspace(database, name);
  const loaded = await loadPack('packs/sofacover-pro');
  if (!loaded.ok) throw new Error('packs/sofacover-pro does not load');
  await activatePack(database, ws, loaded, 'test', now);
  const ownerId = `usr_own_${ws.slice(3)}`;
  await database.db
    .insert(users)
    .values({ id: ownerId, email: `owner-${ws.slice(3)}@opsbook.test`, name: 'Owner' })
    .onConflictDoNothing();
  await database.inWorkspace(ws, (tx) =>
    tx.insert(memberships).values({ workspaceId: ws, userId: ownerId, role: 'owner' }),
  );
  return { ws, ownerId };
}

/** The outbox id inside whatever the receiver saw (`<msg_…@opsbook.test>`, a header, a JSON body). */
export function outboxIdIn(text: string): string | null {
  return /msg_[A-Za-z0-9_-]{26}/.exec(text)?.[0] ?? null;
}

/** Receipts per outbox id, and how many arrived more than once. */
export function tallyReceipts(ids: readonly (string | null)[]): {
  byId: Map<string, number>;
  duplicates: number;
} {
  const byId = new Map<string, number>();
  let duplicates = 0;
  for (const id of ids) {
    if (id === null) continue;
    const seen = byId.get(id) ?? 0;
    if (seen > 0) duplicates++;
    byId.set(id, seen + 1);
  }
  return { byId, duplicates };
}

export type OutboxRow = typeof outbox.$inferSelect;

export function outboxRows(database: Database, ws: string): Promise<OutboxRow[]> {
  return database.inWorkspace(ws, (tx) => tx.select().from(outbox));
}

/** The earliest instant a pending row may be tried again, or null when none is pending. */
export async function nextDueAt(database: Database, ws: string): Promise<Date | null> {
  const [row] = await database.inWorkspace(ws, (tx) =>
    tx
      .execute(sql`select min(next_attempt_at) as at from outbox where status = 'pending'`)
      .then(rowsOf<{ at: string | Date | null }>),
  );
  return row?.at ? new Date(row.at) : null;
}

/** The in-app notice the owner got about one message, if any. */
export async function ownerNotice(database: Database, ws: string, ownerId: string, about: string) {
  const [row] = await database.inWorkspace(ws, (tx) =>
    tx
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, ownerId),
          eq(notifications.messageId, `undeliverable:${about}:${ownerId}`),
        ),
      ),
  );
  return row ?? null;
}

export { messageId };

export interface DispatcherChild {
  readonly id: string;
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  /** The last 4,000 characters it wrote to stderr. */
  stderr(): string;
}

/** Starts test/fixtures/dispatcher-child.ts and waits until its lanes run. */
export async function startDispatcherChild(
  url: string,
  id: string,
  smtpPort: number,
  leaseSeconds: number,
): Promise<DispatcherChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/dispatcher-child.ts', url, id, String(smtpPort), String(leaseSeconds)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => line === 'ready' && resolve());
    void exited.then(() => reject(new Error(`dispatcher ${id} exited before it was ready: ${stderr}`)));
  });
  return { id, process: child, exited, stderr: () => stderr };
}

export async function killHard(child: DispatcherChild): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

/** SIGTERM (the child stops its lanes and hands back its leases), SIGKILL after 10 s. */
export async function stopChild(child: DispatcherChild): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}
