/** What the status page's use cases are built from: passed in whole, so tests build it around their own parts. */
import type { ResolveHost } from '../../channels/outbound-http.js';
import type { KeyService } from '../../security/keys.js';
import type { Database } from '../../store/database.js';

export interface StatusContext {
  readonly database: Database;
  /** Seals webhook subscribers' URLs and signing secrets (they are delivered through `destinations`). */
  readonly keys: KeyService;
  readonly now: () => Date;
  /** The public URL, for links in messages and feeds. */
  readonly publicUrl: string;
  /** OPSBOOK_OUTBOUND_ALLOW: private addresses a webhook subscriber may still use (tests on loopback). */
  readonly outboundAllow: readonly string[];
  /** Tests: answer DNS for the webhook URL check. */
  readonly lookup?: ResolveHost;
}

/** `https://status.example.com/status/<slug>`, without a trailing slash. */
export const pageUrl = (publicUrl: string, slug: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/status/${encodeURIComponent(slug)}`;

/** The `destinations` row a webhook subscriber's messages go through (the webhook lane reads it). */
export const subscriberDestination = (subscriberId: string): string => `status-subscriber-${subscriberId}`;
