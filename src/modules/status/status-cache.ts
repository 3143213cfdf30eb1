/**
 * The status page in memory: one snapshot per workspace (snapshot.ts) and its renderings, so a page view
 * under load costs a map lookup, not a query (goal: p99 ≤ 20 ms at 1,000 req/s, bench/status.ts).
 *
 * When a snapshot is rebuilt:
 * - something it shows changed (`invalidate`, from a NOTIFY on `opsbook_status` sent by any process, or an
 *   in-process `invalidateStatusPage`) or the clock moved it (a maintenance window starts or ends, a new
 *   day): the next request waits for the rebuild (up to `refreshWaitMs`), so a responder reloading the page
 *   after posting sees the update;
 * - its TTL ran out (the safety net for changes nobody announced): it is served once more while a cheap
 *   fingerprint of what it shows is read in the background, and rebuilt only if that moved.
 * One rebuild per workspace at a time; a change announced during a rebuild makes the result count as
 * outdated at once.
 *
 * RELIABILITY R11: while the database cannot be reached the last snapshot is served, marked stale with the
 * time it dates from; rebuilds are retried at most every `retryMs`, so a dead database is not hammered.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { registerStatusCache, STATUS_CHANNEL, type Invalidatable } from './invalidate.js';
import {
  buildIncident,
  buildSnapshot,
  readFingerprint,
  type PublicIncident,
  type StatusSnapshot,
} from './snapshot.js';

export interface Rendered {
  /** UTF-8, encoded once: a page view writes these bytes as they are. */
  readonly body: Buffer;
  readonly etag: string;
  /** The same bytes gzipped (made on first use), for clients that accept gzip; its ETag ends in `-gz`. */
  gzipped(): Buffer;
  /** When this rendering last changed (its ETag differed from the one before). */
  readonly lastModified: Date;
}

export interface Served {
  readonly snapshot: StatusSnapshot;
  /** Set when the database could not be reached: the page is older than it should be. */
  readonly staleSince: Date | null;
  /** The rendering of `key` (`index`, `rss`, …), made once per snapshot and staleness. */
  render(key: string, make: () => string): Rendered;
  /** An incident with a published public update, also one older than the snapshot holds. */
  incident(id: string): Promise<PublicIncident | null>;
}

export interface StatusCacheOptions {
  readonly database: Database;
  readonly now: () => Date;
  /** How long a snapshot is served before it is rebuilt in the background (default 15 s). */
  readonly ttlMs?: number;
  /** How long a request waits for a rebuild after a change before serving the old snapshot (default 1 s). */
  readonly refreshWaitMs?: number;
  /** After a failed rebuild, the next one waits this long (default 2 s). */
  readonly retryMs?: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

interface Entry {
  snapshot: StatusSnapshot | null;
  builtAtMs: number;
  invalid: boolean;
  generation: number;
  refreshing: Promise<StatusSnapshot | null> | null;
  refreshStartedMs: number;
  /** The first failed rebuild since the last good one. */
  failedSinceMs: number | null;
  lastFailureMs: number;
  renders: Map<string, Rendered>;
  /** Each key's last ETag and when it changed, across snapshots (Last-Modified). */
  history: Map<string, { etag: string; lastModified: Date }>;
  incidents: Map<string, PublicIncident | null>;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_WORKSPACES = 2_000;
const MAX_SLUGS = 10_000;
const MAX_INCIDENTS_CACHED = 500;
const UNKNOWN_SLUG_MS = 30_000;

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

export class StatusPageCache implements Invalidatable {
  private readonly entries = new Map<string, Entry>();
  /** Slug → workspace id (kept while the database is down), or null with when it was found unknown. */
  private readonly slugs = new Map<string, { id: string | null; atMs: number }>();
  private readonly ttlMs: number;
  private readonly refreshWaitMs: number;
  private readonly retryMs: number;
  private unlisten: (() => Promise<void>) | null = null;
  private unregister: (() => void) | null = null;

  constructor(private readonly options: StatusCacheOptions) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.refreshWaitMs = options.refreshWaitMs ?? 1_000;
    this.retryMs = options.retryMs ?? 2_000;
  }

  /** Listens for changes from every process (a failure to listen leaves the TTL to catch them). */
  async start(): Promise<void> {
    this.unregister = registerStatusCache(this);
    try {
      this.unlisten = await this.options.database.listen(STATUS_CHANNEL, (payload) =>
        this.invalidate(payload === '' ? null : payload),
      );
    } catch (err) {
      this.options.log?.warn({ err }, 'cannot LISTEN for status changes; status pages refresh by TTL only');
    }
  }

  async close(): Promise<void> {
    this.unregister?.();
    await this.unlisten?.().catch(() => undefined);
  }

  /** Marks a workspace's snapshot (or, with null, every one) as outdated; it is kept for R11. */
  invalidate(workspaceId: string | null): void {
    const entries = workspaceId === null ? [...this.entries.values()] : [this.entries.get(workspaceId)];
    for (const entry of entries) {
      if (!entry) continue;
      entry.invalid = true;
      entry.generation++;
    }
  }

  /**
   * The page data of a workspace by slug; null when there is no such workspace. Throws only when the
   * database cannot be reached and nothing of this workspace was ever read.
   */
  async get(slug: string): Promise<Served | null> {
    const served = await this.lookup(slug);
    // The workspace took another slug since this one was looked up: the old address no longer answers.
    if (served && served.snapshot.workspace.slug !== slug) {
      this.slugs.delete(slug);
      return null;
    }
    return served;
  }

  private async lookup(slug: string): Promise<Served | null> {
    const workspaceId = await this.resolve(slug);
    if (!workspaceId) return null;
    const nowMs = this.options.now().getTime();
    let entry = this.entries.get(workspaceId);
    if (!entry?.snapshot) {
      const snapshot = await this.refresh(workspaceId);
      entry = this.entries.get(workspaceId);
      if (!snapshot || !entry?.snapshot) return this.forget(slug, workspaceId);
      return this.served(entry, null);
    }
    const mustWait = entry.invalid || nowMs >= entry.snapshot.changesByClockAt;
    const expired = mustWait || nowMs - entry.builtAtMs >= this.ttlMs;
    if (!expired) return this.served(entry, null);
    const retryAllowed = nowMs - entry.lastFailureMs >= this.retryMs;
    // Only the TTL ran out: compare the fingerprint first (rebuilding only when something moved).
    const refresh = entry.refreshing ?? (retryAllowed ? this.refresh(workspaceId, !mustWait) : null);
    if (refresh && mustWait) {
      const outcome = await Promise.race([
        refresh.then(
          (s) => (s ? 'done' : 'gone'),
          () => 'failed',
        ),
        new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), this.refreshWaitMs).unref()),
      ]);
      if (outcome === 'gone') return this.forget(slug, workspaceId);
    }
    return this.served(entry, this.staleSince(entry));
  }

  private forget(slug: string, workspaceId: string): null {
    this.entries.delete(workspaceId);
    this.slugs.delete(slug);
    return null;
  }

  private staleSince(entry: Entry): Date | null {
    if (entry.failedSinceMs !== null) return new Date(entry.failedSinceMs);
    const waited = this.options.now().getTime() - entry.refreshStartedMs;
    return entry.refreshing && waited >= this.refreshWaitMs ? new Date(entry.refreshStartedMs) : null;
  }

  private async resolve(slug: string): Promise<string | null> {
    if (!SLUG.test(slug)) return null;
    const nowMs = this.options.now().getTime();
    const known = this.slugs.get(slug);
    if (known && (known.id !== null || nowMs - known.atMs < UNKNOWN_SLUG_MS)) return known.id;
    const rows = rowsOf<{ id: string | null }>(
      await this.options.database.db.execute(sql`select opsbook_help_workspace(${slug}) as id`),
    );
    const id = rows[0]?.id ?? null;
    if (this.slugs.size >= MAX_SLUGS) this.slugs.clear();
    this.slugs.set(slug, { id, atMs: nowMs });
    return id;
  }

  private entryOf(workspaceId: string): Entry {
    let entry = this.entries.get(workspaceId);
    if (!entry) {
      if (this.entries.size >= MAX_WORKSPACES) {
        const oldest = [...this.entries].find(([, e]) => !e.refreshing);
        if (oldest) this.entries.delete(oldest[0]);
      }
      entry = {
        snapshot: null,
        builtAtMs: 0,
        invalid: false,
        generation: 0,
        refreshing: null,
        refreshStartedMs: 0,
        failedSinceMs: null,
        lastFailureMs: -Infinity,
        renders: new Map(),
        history: new Map(),
        incidents: new Map(),
      };
      this.entries.set(workspaceId, entry);
    }
    return entry;
  }

  /**
   * Rebuilds a workspace's snapshot, once at a time. `check`: first read only its fingerprint, and keep the
   * snapshot in hand (for another TTL) when it did not move.
   */
  private refresh(workspaceId: string, check = false): Promise<StatusSnapshot | null> {
    const entry = this.entryOf(workspaceId);
    if (entry.refreshing) return entry.refreshing;
    const generation = entry.generation;
    const now = this.options.now();
    const { database } = this.options;
    const held = check ? entry.snapshot : null;
    entry.refreshStartedMs = now.getTime();
    const read = async (): Promise<StatusSnapshot | 'unchanged' | null> => {
      if (held && (await readFingerprint(database, workspaceId)) === held.fingerprint) return 'unchanged';
      return buildSnapshot(database, workspaceId, now);
    };
    const refreshing = read().then(
      (result) => {
        entry.refreshing = null;
        entry.failedSinceMs = null;
        if (result === 'unchanged') {
          entry.builtAtMs = now.getTime();
          return held;
        }
        const snapshot = result;
        if (!snapshot) return null;
        entry.snapshot = snapshot;
        entry.builtAtMs = now.getTime();
        entry.invalid = entry.generation !== generation; // changed while it was read: read again next time
        entry.renders = new Map();
        entry.incidents = new Map();
        return snapshot;
      },
      (err: unknown) => {
        entry.refreshing = null;
        const failedMs = this.options.now().getTime();
        entry.failedSinceMs ??= failedMs;
        entry.lastFailureMs = failedMs;
        this.options.log?.warn({ err }, 'the status page could not be read; serving the last snapshot');
        throw err;
      },
    );
    entry.refreshing = refreshing;
    // Whoever waits sees the failure; nobody need wait (a background rebuild), and it is recorded above.
    void refreshing.catch(() => undefined);
    return refreshing;
  }

  private served(entry: Entry, staleSince: Date | null): Served {
    const snapshot = entry.snapshot!;
    // This snapshot's maps: a rebuild finishing meanwhile starts new ones, which this must not fill.
    const { renders, incidents } = entry;
    const { database } = this.options;
    return {
      snapshot,
      staleSince,
      render: (key, make) => {
        const memoKey = `${key}:${staleSince ? 'stale' : 'live'}`;
        let rendered = renders.get(memoKey);
        if (rendered) return rendered;
        const body = Buffer.from(make(), 'utf8');
        const etag = etagOf(body);
        const before = entry.history.get(memoKey);
        const lastModified = before && before.etag === etag ? before.lastModified : snapshot.builtAt;
        entry.history.set(memoKey, { etag, lastModified });
        let gzipped: Buffer | null = null;
        rendered = { body, etag, lastModified, gzipped: () => (gzipped ??= gzipSync(body)) };
        renders.set(memoKey, rendered);
        return rendered;
      },
      incident: async (id) => {
        const held = [...snapshot.activeIncidents, ...snapshot.pastIncidents].find((i) => i.id === id);
        if (held) return held;
        if (incidents.has(id)) return incidents.get(id)!;
        const incident = await buildIncident(database, snapshot.workspace.id, id, snapshot.components);
        if (incidents.size >= MAX_INCIDENTS_CACHED) incidents.clear();
        incidents.set(id, incident);
        return incident;
      },
    };
  }
}
