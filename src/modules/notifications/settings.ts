/**
 * Where a workspace's notifications go: Slack and webhook destinations (one per pack channel, URL and
 * signing secrets sealed) and the SMS / WhatsApp / voice provider. Everything is checked when it is saved,
 * not at 3 a.m. during an incident: an unreachable or private URL, a bad phone number. Secrets are sealed
 * before the transaction opens (the key service's rule on PGlite) and shown once, when created.
 */
import { eq } from 'drizzle-orm';
import { checkOutboundUrl, describeUrl, type ResolveHost } from '../../channels/outbound-http.js';
import { newWebhookSecret } from '../../channels/standard-webhooks.js';
import { normalisePhone } from '../../core/phone.js';
import { OpsError } from '../../errors/catalog.js';
import type { KeyService } from '../../security/keys.js';
import type { Database } from '../../store/database.js';
import { destinations, messagingProviders } from '../../store/schema.js';
import { appendAudit } from '../access/audit.js';

export interface SettingsDeps {
  readonly database: Database;
  readonly keys: KeyService;
  readonly outboundAllow: readonly string[];
  readonly lookup?: ResolveHost;
  /** After a change: drop cached targets of the workspace. */
  readonly changed?: (workspaceId: string) => void;
}

export type DestinationKind = 'slack' | 'webhook';

export interface DestinationView {
  readonly id: string;
  readonly kind: string;
  readonly urlHint: string;
  /** Has signing secrets (webhooks). */
  readonly signed: boolean;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
  readonly updatedAt: string;
}

const place = (field: string, recordId: string) => ({ field, recordId });

function urlHint(url: string): string {
  return `${describeUrl(url)}/…${url.slice(-4)}`;
}

async function checkedUrl(deps: SettingsDeps, url: string, pointer: string): Promise<string> {
  const verdict = await checkOutboundUrl(url, deps.outboundAllow, deps.lookup);
  if (!verdict.ok) throw new OpsError('OPS_VALIDATION', verdict.error, [{ pointer, message: verdict.error }]);
  return url;
}

function view(row: typeof destinations.$inferSelect): DestinationView {
  return {
    id: row.id,
    kind: row.kind,
    urlHint: row.urlHint,
    signed: row.secretsSealed !== null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listDestinations(deps: SettingsDeps, workspaceId: string): Promise<DestinationView[]> {
  const rows = await deps.database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(destinations).orderBy(destinations.id),
  );
  return rows.map(view);
}

/**
 * Creates or replaces a destination. A new webhook gets a signing secret, returned once; replacing the
 * URL keeps the secrets. Re-enables a destination a 410 disabled.
 */
export async function saveDestination(
  deps: SettingsDeps,
  workspaceId: string,
  id: string,
  input: { readonly kind: DestinationKind; readonly url: string },
  actor: string,
  now: Date,
): Promise<{ destination: DestinationView; secret?: string }> {
  const url = await checkedUrl(deps, input.url, '/body/url');
  if (input.kind === 'slack' && !url.startsWith('https://') && deps.outboundAllow.length === 0)
    throw new OpsError('OPS_VALIDATION', 'A Slack incoming-webhook URL starts with https://.', [
      {
        pointer: '/body/url',
        message: 'Copy the URL Slack shows under Incoming Webhooks (https://hooks.slack.com/…).',
      },
    ]);
  const [existing] = await deps.database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(destinations).where(eq(destinations.id, id)),
  );
  const urlSealed = await deps.keys.seal(workspaceId, url, place('destinations.url', id));
  let secret: string | undefined;
  let secretsSealed = existing?.secretsSealed ?? null;
  if (input.kind === 'webhook' && !secretsSealed) {
    secret = newWebhookSecret();
    secretsSealed = await deps.keys.seal(
      workspaceId,
      JSON.stringify([secret]),
      place('destinations.secrets', id),
    );
  }
  const values = {
    workspaceId,
    id,
    kind: input.kind,
    urlSealed,
    urlHint: urlHint(url),
    secretsSealed,
    disabledAt: null,
    disabledReason: null,
    updatedAt: now,
  };
  const row = await deps.database.inWorkspace(workspaceId, async (tx) => {
    const [saved] = await tx
      .insert(destinations)
      .values(values)
      .onConflictDoUpdate({ target: [destinations.workspaceId, destinations.id], set: values })
      .returning();
    await appendAudit(tx, now, {
      actor,
      action: 'destination.saved',
      target: id,
      data: { kind: input.kind },
    });
    return saved!;
  });
  deps.changed?.(workspaceId);
  return { destination: view(row), ...(secret ? { secret } : {}) };
}

/**
 * Rotates a webhook's signing secret: the new one signs first and the old one still signs beside it
 * (two signatures, Standard Webhooks), until `retire` drops the old ones.
 */
export async function rotateSecret(
  deps: SettingsDeps,
  workspaceId: string,
  id: string,
  mode: 'rotate' | 'retire',
  actor: string,
  now: Date,
): Promise<{ secret?: string; secrets: number }> {
  const [row] = await deps.database.inWorkspace(workspaceId, (tx) =>
    tx.select().from(destinations).where(eq(destinations.id, id)),
  );
  if (!row || row.kind !== 'webhook')
    throw new OpsError('OPS_NOT_FOUND', `No webhook destination "${id}" in this workspace.`);
  const current = row.secretsSealed
    ? (JSON.parse(
        await deps.keys.open(workspaceId, row.secretsSealed, place('destinations.secrets', id)),
      ) as string[])
    : [];
  const secret = mode === 'rotate' ? newWebhookSecret() : undefined;
  const next = secret ? [secret, ...current.slice(0, 1)] : current.slice(0, 1);
  const sealed = await deps.keys.seal(workspaceId, JSON.stringify(next), place('destinations.secrets', id));
  await deps.database.inWorkspace(workspaceId, async (tx) => {
    await tx
      .update(destinations)
      .set({ secretsSealed: sealed, updatedAt: now })
      .where(eq(destinations.id, id));
    await appendAudit(tx, now, { actor, action: `destination.secret.${mode}`, target: id, data: {} });
  });
  deps.changed?.(workspaceId);
  return { ...(secret ? { secret } : {}), secrets: next.length };
}

export async function deleteDestination(
  deps: SettingsDeps,
  workspaceId: string,
  id: string,
  actor: string,
  now: Date,
): Promise<void> {
  const deleted = await deps.database.inWorkspace(workspaceId, async (tx) => {
    const rows = await tx
      .delete(destinations)
      .where(eq(destinations.id, id))
      .returning({ id: destinations.id });
    if (rows.length > 0)
      await appendAudit(tx, now, { actor, action: 'destination.deleted', target: id, data: {} });
    return rows.length;
  });
  if (deleted === 0) throw new OpsError('OPS_NOT_FOUND', `No destination "${id}" in this workspace.`);
  deps.changed?.(workspaceId);
}

export interface ProviderInput {
  readonly baseUrl: string;
  readonly accountSid: string;
  /** Left out when changing other fields: the stored token is kept. */
  readonly authToken?: string;
  readonly smsFrom?: string | null;
  readonly whatsappFrom?: string | null;
  readonly voiceFrom?: string | null;
}

export interface ProviderView {
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly smsFrom: string | null;
  readonly whatsappFrom: string | null;
  readonly voiceFrom: string | null;
  readonly updatedAt: string;
}

export async function readProvider(deps: SettingsDeps, workspaceId: string): Promise<ProviderView | null> {
  const [row] = await deps.database.inWorkspace(workspaceId, (tx) => tx.select().from(messagingProviders));
  if (!row) return null;
  const { baseUrl, accountSid, smsFrom, whatsappFrom, voiceFrom } = row;
  return { baseUrl, accountSid, smsFrom, whatsappFrom, voiceFrom, updatedAt: row.updatedAt.toISOString() };
}

function phoneOrNull(value: string | null | undefined, pointer: string): string | null {
  if (!value) return null;
  const result = normalisePhone(value);
  if (!result.ok) throw new OpsError('OPS_VALIDATION', result.error, [{ pointer, message: result.error }]);
  return result.e164;
}

export async function saveProvider(
  deps: SettingsDeps,
  workspaceId: string,
  input: ProviderInput,
  actor: string,
  now: Date,
): Promise<ProviderView> {
  const baseUrl = (await checkedUrl(deps, input.baseUrl, '/body/baseUrl')).replace(/\/+$/, '');
  const numbers = {
    smsFrom: phoneOrNull(input.smsFrom, '/body/smsFrom'),
    whatsappFrom: phoneOrNull(input.whatsappFrom, '/body/whatsappFrom'),
    voiceFrom: phoneOrNull(input.voiceFrom, '/body/voiceFrom'),
  };
  const existing = await readProvider(deps, workspaceId);
  // The stored token is kept only for the same API and account: sending it to a new address needs it
  // typed again, so changing the URL cannot carry the secret somewhere else.
  const sameAccount = existing?.baseUrl === baseUrl && existing.accountSid === input.accountSid;
  if (!input.authToken && !sameAccount)
    throw new OpsError('OPS_VALIDATION', 'The provider needs its auth token.', [
      {
        pointer: '/body/authToken',
        message: existing
          ? 'The base URL or account changed: paste the auth token again.'
          : 'Paste the auth token of the account.',
      },
    ]);
  const sealed = input.authToken
    ? await deps.keys.seal(workspaceId, input.authToken, place('messaging_providers.auth_token', workspaceId))
    : undefined;
  await deps.database.inWorkspace(workspaceId, async (tx) => {
    const values = { baseUrl, accountSid: input.accountSid, ...numbers, updatedAt: now };
    if (sealed)
      await tx
        .insert(messagingProviders)
        .values({ workspaceId, ...values, authTokenSealed: sealed })
        .onConflictDoUpdate({
          target: messagingProviders.workspaceId,
          set: { ...values, authTokenSealed: sealed },
        });
    else await tx.update(messagingProviders).set(values);
    await appendAudit(tx, now, { actor, action: 'messaging-provider.saved', target: baseUrl, data: numbers });
  });
  deps.changed?.(workspaceId);
  return (await readProvider(deps, workspaceId))!;
}

export async function deleteProvider(deps: SettingsDeps, workspaceId: string, actor: string, now: Date) {
  await deps.database.inWorkspace(workspaceId, async (tx) => {
    await tx.delete(messagingProviders);
    await appendAudit(tx, now, {
      actor,
      action: 'messaging-provider.deleted',
      target: workspaceId,
      data: {},
    });
  });
  deps.changed?.(workspaceId);
}
