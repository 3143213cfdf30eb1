/**
 * Where a delivery goes, with its secrets opened only in memory: a Slack incoming-webhook URL or a webhook
 * endpoint (sealed in `destinations`), and the workspace's SMS / WhatsApp / voice provider (sealed in
 * `messaging_providers`). Cached for a few seconds so a burst of messages opens each secret once; a
 * change made in the app is seen within that time.
 */
import { eq } from 'drizzle-orm';
import type { TwilioProvider } from '../../channels/twilio.js';
import type { KeyService } from '../../security/keys.js';
import type { Database } from '../../store/database.js';
import { destinations, messagingProviders } from '../../store/schema.js';

const CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

export interface OpenDestination {
  readonly kind: string;
  readonly url: string;
  readonly secrets: readonly string[];
  readonly disabledReason: string | null;
}

export interface Targets {
  /** `fresh`: read it again now (a destination cached as missing or disabled may have been fixed). */
  destination(workspaceId: string, id: string, fresh?: boolean): Promise<OpenDestination | null>;
  provider(workspaceId: string): Promise<TwilioProvider | null>;
  /** Drops what is cached for a workspace (after a change through the app). */
  forget(workspaceId: string): void;
}

export function createTargets(database: Database, keys: KeyService, nowMs: () => number): Targets {
  const cache = new Map<string, { atMs: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && nowMs() - hit.atMs < CACHE_MS) return hit.value as Promise<T>;
    // Bounded: anyone may name a workspace on the public status callback.
    if (cache.size >= MAX_CACHED) {
      for (const [k, v] of cache) if (nowMs() - v.atMs >= CACHE_MS) cache.delete(k);
      if (cache.size >= MAX_CACHED) cache.clear();
    }
    const value = load();
    cache.set(key, { atMs: nowMs(), value });
    // What is missing is not remembered: a lookup for an unknown workspace leaves nothing behind.
    value.then(
      (v) => v === null && cache.delete(key),
      () => cache.delete(key),
    );
    return value;
  };
  return {
    destination: (workspaceId, id, fresh = false) => {
      if (fresh) cache.delete(`d:${workspaceId}:${id}`);
      return cached(`d:${workspaceId}:${id}`, async () => {
        const [row] = await database.inWorkspace(workspaceId, (tx) =>
          tx.select().from(destinations).where(eq(destinations.id, id)),
        );
        if (!row) return null;
        const place = (field: string) => ({ field, recordId: id });
        const url = await keys.open(workspaceId, row.urlSealed, place('destinations.url'));
        const secrets = row.secretsSealed
          ? (JSON.parse(
              await keys.open(workspaceId, row.secretsSealed, place('destinations.secrets')),
            ) as string[])
          : [];
        return {
          kind: row.kind,
          url,
          secrets,
          disabledReason: row.disabledAt ? (row.disabledReason ?? 'disabled') : null,
        };
      });
    },
    provider: (workspaceId) =>
      cached(`p:${workspaceId}`, async () => {
        const [row] = await database.inWorkspace(workspaceId, (tx) => tx.select().from(messagingProviders));
        if (!row) return null;
        const authToken = await keys.open(workspaceId, row.authTokenSealed, {
          field: 'messaging_providers.auth_token',
          recordId: workspaceId,
        });
        return {
          baseUrl: row.baseUrl,
          accountSid: row.accountSid,
          authToken,
          ...(row.smsFrom ? { smsFrom: row.smsFrom } : {}),
          ...(row.whatsappFrom ? { whatsappFrom: row.whatsappFrom } : {}),
          ...(row.voiceFrom ? { voiceFrom: row.voiceFrom } : {}),
        };
      }),
    forget(workspaceId) {
      for (const key of cache.keys()) if (key.includes(`:${workspaceId}`)) cache.delete(key);
    },
  };
}
