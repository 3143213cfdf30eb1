/**
 * Alert integrations (issue 8 "Detect"): each sender (an Alertmanager, a PagerDuty-speaking tool, a script)
 * gets its own token, so it can be rotated, disabled or deleted alone, and its alerts say where they came
 * from. The token (`opsi_` + 27 characters: 32 in all, the length of a PagerDuty integration key, 160
 * random bits) is shown once; only its SHA-256 is stored, and looked up before any workspace is known
 * (opsbook_integration_by_token).
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import { rowsOf, type Database, type Tx } from '../../store/database.js';
import { alerts, integrations, type IntegrationKind } from '../../store/schema-incidents.js';
import { appendAudit } from '../access/audit.js';
import { hashSecret } from '../admin/sessions.js';

export const INTEGRATION_KINDS = [
  'alertmanager',
  'pagerduty',
  'generic',
] as const satisfies readonly IntegrationKind[];
export const INTEGRATION_TOKEN_PREFIX = 'opsi_';

/** A flood guard per integration (S9): alerts per second sustained, and the burst taken at once. */
export const DEFAULT_RATE = { perSecond: 2000, burst: 20_000 } as const;

export const IntegrationSettings = z.strictObject({
  severity: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("For alerts that state none: critical, error, warning, info, or a level of the pack's scale."),
  service: z.string().min(1).max(255).optional().describe('For alerts that name no `service` label.'),
  rateLimit: z
    .strictObject({
      perSecond: z.number().min(0.001).max(1_000_000),
      burst: z.number().int().min(1).max(10_000_000),
    })
    .optional()
    .describe(
      `Alerts accepted per second, and at once; default ${DEFAULT_RATE.perSecond}/s, burst ${DEFAULT_RATE.burst}.`,
    ),
});
export type IntegrationSettings = z.output<typeof IntegrationSettings>;

export interface IntegrationView {
  readonly id: string;
  readonly kind: IntegrationKind;
  readonly name: string;
  readonly tokenPrefix: string;
  readonly settings: IntegrationSettings;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly lastAlertAt: Date | null;
}

const view = {
  id: integrations.id,
  kind: integrations.kind,
  name: integrations.name,
  tokenPrefix: integrations.tokenPrefix,
  settings: integrations.settings,
  enabled: integrations.enabled,
  createdAt: integrations.createdAt,
  lastAlertAt: integrations.lastAlertAt,
};
/** Settings are written through IntegrationSettings only, so the stored object has its shape. */
const asView = (
  row: Omit<IntegrationView, 'settings'> & { settings: IntegrationSettings },
): IntegrationView => row;

function newToken(): { token: string; hash: string; prefix: string } {
  const token = INTEGRATION_TOKEN_PREFIX + randomBytes(20).toString('base64url');
  return { token, hash: hashSecret(token), prefix: token.slice(0, INTEGRATION_TOKEN_PREFIX.length + 4) };
}

const notFound = (id: string) => new OpsError('OPS_NOT_FOUND', `No integration "${id}" in this workspace.`);

/** Creates an integration; its token is returned here only. */
export async function createIntegration(
  database: Database,
  workspaceId: string,
  input: { kind: IntegrationKind; name: string; settings?: IntegrationSettings | undefined },
  actor: string,
  now: Date,
): Promise<{ token: string; integration: IntegrationView }> {
  const { token, hash, prefix } = newToken();
  const id = newId('int', now.getTime());
  const row = await database.inWorkspace(workspaceId, async (tx) => {
    const [inserted] = await tx
      .insert(integrations)
      .values({
        id,
        workspaceId,
        kind: input.kind,
        name: input.name,
        tokenHash: hash,
        tokenPrefix: prefix,
        settings: input.settings ?? {},
        createdAt: now,
      })
      .returning(view);
    await appendAudit(tx, now, {
      actor,
      action: 'integration.created',
      target: id,
      data: { kind: input.kind, name: input.name },
    });
    return inserted!;
  });
  return { token, integration: asView(row) };
}

export async function listIntegrations(database: Database, workspaceId: string): Promise<IntegrationView[]> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select(view)
      .from(integrations)
      .where(eq(integrations.workspaceId, workspaceId))
      .orderBy(desc(integrations.createdAt)),
  );
  return rows.map(asView);
}

/** Renames, enables or disables an integration, or replaces its settings. */
export async function updateIntegration(
  database: Database,
  workspaceId: string,
  id: string,
  change: {
    name?: string | undefined;
    enabled?: boolean | undefined;
    settings?: IntegrationSettings | undefined;
  },
  actor: string,
  now: Date,
): Promise<IntegrationView> {
  const set: Partial<typeof integrations.$inferInsert> = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.enabled !== undefined) set.enabled = change.enabled;
  if (change.settings !== undefined) set.settings = change.settings;
  const row = await database.inWorkspace(workspaceId, async (tx) => {
    const where = and(eq(integrations.workspaceId, workspaceId), eq(integrations.id, id));
    const [updated] =
      Object.keys(set).length > 0
        ? await tx.update(integrations).set(set).where(where).returning(view)
        : await tx.select(view).from(integrations).where(where);
    if (!updated) throw notFound(id);
    if (Object.keys(set).length > 0)
      await appendAudit(tx, now, {
        actor,
        action: 'integration.updated',
        target: id,
        data: { ...change, settings: change.settings ? Object.keys(change.settings) : undefined },
      });
    return updated;
  });
  forgetIntegration(database, id);
  return asView(row);
}

/** A new token for the integration; the old one stops working at once (in this process; others: ≤ 5 s). */
export async function rotateIntegrationToken(
  database: Database,
  workspaceId: string,
  id: string,
  actor: string,
  now: Date,
): Promise<{ token: string; integration: IntegrationView }> {
  const { token, hash, prefix } = newToken();
  const row = await database.inWorkspace(workspaceId, async (tx) => {
    const [updated] = await tx
      .update(integrations)
      .set({ tokenHash: hash, tokenPrefix: prefix })
      .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.id, id)))
      .returning(view);
    if (!updated) throw notFound(id);
    await appendAudit(tx, now, { actor, action: 'integration.token-rotated', target: id });
    return updated;
  });
  forgetIntegration(database, id);
  return { token, integration: asView(row) };
}

/** Deletes an integration; its alerts stay (their source still names it). */
export async function deleteIntegration(
  database: Database,
  workspaceId: string,
  id: string,
  actor: string,
  now: Date,
): Promise<void> {
  await database.inWorkspace(workspaceId, async (tx) => {
    const deleted = await tx
      .delete(integrations)
      .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.id, id)))
      .returning({ id: integrations.id });
    if (deleted.length === 0) throw notFound(id);
    await appendAudit(tx, now, { actor, action: 'integration.deleted', target: id });
  });
  forgetIntegration(database, id);
}

/** Who sent a request, as its token says. */
export interface IntegrationPrincipal {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: IntegrationKind;
  readonly enabled: boolean;
  readonly settings: IntegrationSettings;
}

/**
 * Senders post many times a second with one token: a resolved token is remembered for CACHE_MS, so most
 * requests cost no lookup. Changing, rotating or deleting an integration forgets it here at once; another
 * process may honour the old state for up to CACHE_MS more.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
type Cache = Map<string, { principal: IntegrationPrincipal | null; fetchedAtMs: number }>;
/** Per database: a process may hold several (tests do), and a token names an integration of one. */
const caches = new WeakMap<Database, Cache>();
const lastUse = new Map<string, number>();

function cacheOf(database: Database): Cache {
  let cache = caches.get(database);
  if (!cache) {
    cache = new Map() as Cache;
    caches.set(database, cache);
  }
  return cache;
}

function forgetIntegration(database: Database, id: string): void {
  const cache = cacheOf(database);
  for (const [hash, entry] of cache) if (!entry.principal || entry.principal.id === id) cache.delete(hash);
}

/** The integration behind a token, or null when no integration has it (disabled ones are returned). */
export async function resolveIntegration(
  database: Database,
  token: string,
  nowMs: number,
): Promise<IntegrationPrincipal | null> {
  if (!token.startsWith(INTEGRATION_TOKEN_PREFIX) || token.length > 64) return null;
  const hash = hashSecret(token);
  const cache = cacheOf(database);
  const cached = cache.get(hash);
  if (cached && nowMs - cached.fetchedAtMs < CACHE_MS && nowMs >= cached.fetchedAtMs) return cached.principal;
  const [row] = rowsOf<{ id: string; workspace_id: string; kind: IntegrationKind; enabled: boolean }>(
    await database.db.execute(sql`select * from opsbook_integration_by_token(${hash})`),
  );
  let principal: IntegrationPrincipal | null = null;
  if (row) {
    const [stored] = await database.inWorkspace(row.workspace_id, (tx) =>
      tx.select({ settings: integrations.settings }).from(integrations).where(eq(integrations.id, row.id)),
    );
    const settings = IntegrationSettings.safeParse(stored?.settings ?? {});
    principal = {
      id: row.id,
      workspaceId: row.workspace_id,
      kind: row.kind,
      enabled: row.enabled,
      settings: settings.success ? settings.data : {},
    };
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(hash, { principal, fetchedAtMs: nowMs });
  return principal;
}

/** Records when the integration last sent, at most once a minute (in the intake's transaction). */
export async function recordIntegrationUse(
  tx: Tx,
  principal: IntegrationPrincipal,
  now: Date,
): Promise<void> {
  const last = lastUse.get(principal.id) ?? 0;
  if (now.getTime() - last < 60_000 && now.getTime() >= last) return;
  lastUse.set(principal.id, now.getTime());
  await tx.update(integrations).set({ lastAlertAt: now }).where(eq(integrations.id, principal.id));
}

/**
 * The flood guard (RELIABILITY S9): a token bucket of alerts per integration, in this process. A flood
 * from one integration is answered 429 with Retry-After; the others' buckets are untouched.
 */
export class AlertFloodGuard {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  /** Takes `cost` alerts from the integration's bucket: 0 when allowed, else the seconds to wait. */
  take(principal: IntegrationPrincipal, cost: number, nowMs: number): number {
    const { perSecond, burst } = principal.settings.rateLimit ?? DEFAULT_RATE;
    const bucket = this.buckets.get(principal.id) ?? { tokens: burst, atMs: nowMs };
    const elapsedS = Math.max(0, nowMs - bucket.atMs) / 1000;
    bucket.tokens = Math.min(burst, bucket.tokens + elapsedS * perSecond);
    bucket.atMs = nowMs;
    this.buckets.set(principal.id, bucket);
    const needed = Math.min(cost, burst);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return 0;
    }
    return Math.max(1, Math.ceil((needed - bucket.tokens) / perSecond));
  }
}

/** The demo's Alertmanager integration: its token is published like the demo password (README). */
export const DEMO_INTEGRATION_NAME = 'Prometheus (demo)';

/** `opsi_demo-<slug>` padded to 32 characters: the demo workspace's published integration token. */
export function demoIntegrationToken(slug: string): string {
  return `${INTEGRATION_TOKEN_PREFIX}demo-${slug}`.slice(0, 32).padEnd(32, '0');
}

/**
 * Seeds a demo workspace once: an Alertmanager integration with a published token, and two alerts to
 * show (a firing informational one, which opens no incident, and one resolved an hour ago). Idempotent:
 * nothing happens when the integration exists. Returns the token to print with the demo logins.
 */
export async function seedDemoAlerts(
  tx: Tx,
  workspaceId: string,
  slug: string,
  now: Date,
): Promise<{ token: string }> {
  const token = demoIntegrationToken(slug);
  const [existing] = await tx
    .select({ id: integrations.id })
    .from(integrations)
    .where(and(eq(integrations.workspaceId, workspaceId), eq(integrations.name, DEMO_INTEGRATION_NAME)));
  if (existing) return { token };
  const id = newId('int', now.getTime());
  await tx.insert(integrations).values({
    id,
    workspaceId,
    kind: 'alertmanager',
    name: DEMO_INTEGRATION_NAME,
    tokenHash: hashSecret(token),
    tokenPrefix: token.slice(0, INTEGRATION_TOKEN_PREFIX.length + 4),
    createdAt: now,
  });
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const source = `alertmanager:${id}`;
  await tx.insert(alerts).values([
    {
      id: newId('alr', now.getTime()),
      workspaceId,
      source,
      dedupKey: `demo-disk-${slug}`,
      status: 'firing',
      severity: 'info',
      summary: 'Disk usage 78% on db-1',
      service: 'database',
      labels: { alertname: 'DiskUsageHigh', severity: 'info', instance: 'db-1', service: 'database' },
      startedAt: hourAgo,
      lastSeenAt: now,
      createdAt: hourAgo,
    },
    {
      id: newId('alr', hourAgo.getTime() - 1),
      workspaceId,
      source,
      dedupKey: `demo-latency-${slug}`,
      status: 'resolved',
      severity: 'warning',
      summary: 'API latency p95 above 2 s',
      service: 'api',
      labels: { alertname: 'ApiLatencyHigh', severity: 'warning', service: 'api' },
      count: 3,
      startedAt: new Date(hourAgo.getTime() - 1_200_000),
      lastSeenAt: hourAgo,
      resolvedAt: hourAgo,
      createdAt: new Date(hourAgo.getTime() - 1_200_000),
    },
  ]);
  return { token };
}
