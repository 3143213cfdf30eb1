/**
 * The incidents the status page may show, read as the public sees them: only incidents with at least one
 * update whose audience is `public` and which has a `published_at` (a security incident's waits for the
 * comms lead's approval, SOP-008), with those updates only. A restricted (security) incident keeps its
 * published updates and loses everything else: its internal title (which may name the weakness), its
 * components and its impact.
 */
import { and, asc, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Tx } from '../../store/database.js';
import { packVersions } from '../../store/schema.js';
import { incidents, incidentUpdates } from '../../store/schema-incidents.js';

export type Impact = 'none' | 'minor' | 'major' | 'critical';

const MAX_INCIDENTS = 200;

/** The title a restricted incident shows instead of its own (which may name the weakness). */
export const RESTRICTED_TITLE = 'Service incident';

export interface PublicUpdate {
  readonly id: string;
  readonly status: string;
  /** Text per locale (`en`, `hi`). */
  readonly body: Readonly<Record<string, string>>;
  readonly publishedAt: Date;
}

export interface PublicIncident {
  readonly id: string;
  readonly title: string;
  readonly restricted: boolean;
  readonly impact: Impact;
  /** The latest published status (investigating … resolved). */
  readonly status: string;
  readonly resolved: boolean;
  /** Names of the components it affects (none shown for a restricted incident). */
  readonly components: readonly string[];
  /** Its first published update. */
  readonly startedAt: Date;
  readonly updatedAt: Date;
  /** Oldest first. */
  readonly updates: readonly PublicUpdate[];
}

/** Severity level ids per scale the incidents are graded on, most severe first (the active pack's). */
export async function severityLevels(tx: Tx, workspaceId: string): Promise<string[][]> {
  const [row] = await tx
    .select({ scales: sql<unknown>`${packVersions.document}->'scales'` })
    .from(packVersions)
    .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
    .orderBy(asc(packVersions.activatedAt))
    .limit(1);
  const scales = Array.isArray(row?.scales)
    ? (row.scales as { for?: string; levels?: { id: string }[] }[])
    : [];
  return scales
    .filter((s) => s.for === 'incident' || s.for === 'security-incident')
    .map((s) => (s.levels ?? []).map((l) => l.id));
}

/** The public impact of a severity: its place on the pack's scale (first level critical, then major, …). */
export function impactOf(severity: string, scales: readonly (readonly string[])[]): Impact {
  const ladder: Impact[] = ['critical', 'major', 'minor'];
  for (const levels of scales) {
    const index = levels.indexOf(severity);
    if (index >= 0) return ladder[index] ?? 'none';
  }
  return 'minor';
}

type IncidentFilter = { readonly since: Date } | { readonly id: string };

/** Incidents with at least one published public update, with those updates only. */
export async function readPublicIncidents(
  tx: Tx,
  workspaceId: string,
  filter: IncidentFilter,
  componentNames: ReadonlyMap<string, string>,
  scales: readonly (readonly string[])[],
): Promise<PublicIncident[]> {
  const published = sql`exists (select 1 from incident_updates u where u.workspace_id = ${incidents.workspaceId}
    and u.incident_id = ${incidents.id} and u.published_at is not null and u.audience = 'public')`;
  const which =
    'id' in filter
      ? eq(incidents.id, filter.id)
      : or(isNull(incidents.resolvedAt), gte(incidents.resolvedAt, filter.since));
  const rows = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, workspaceId), which, published))
    .orderBy(desc(incidents.detectedAt))
    .limit(MAX_INCIDENTS);
  if (rows.length === 0) return [];
  const updates = await tx
    .select({
      id: incidentUpdates.id,
      incidentId: incidentUpdates.incidentId,
      status: incidentUpdates.status,
      body: incidentUpdates.body,
      publishedAt: incidentUpdates.publishedAt,
    })
    .from(incidentUpdates)
    .where(
      and(
        eq(incidentUpdates.workspaceId, workspaceId),
        inArray(
          incidentUpdates.incidentId,
          rows.map((r) => r.id),
        ),
        eq(incidentUpdates.audience, 'public'),
        sql`${incidentUpdates.publishedAt} is not null`,
      ),
    )
    .orderBy(asc(incidentUpdates.publishedAt), asc(incidentUpdates.id));
  const byIncident = new Map<string, PublicUpdate[]>();
  for (const u of updates) {
    const list = byIncident.get(u.incidentId) ?? [];
    list.push({ id: u.id, status: u.status, body: u.body, publishedAt: u.publishedAt! });
    byIncident.set(u.incidentId, list);
  }
  return rows.flatMap((row): PublicIncident[] => {
    const list = byIncident.get(row.id);
    if (!list || list.length === 0) return [];
    const last = list.at(-1)!;
    const resolved = row.resolvedAt !== null || last.status === 'resolved';
    return [
      {
        id: row.id,
        title: row.restricted ? RESTRICTED_TITLE : row.title,
        restricted: row.restricted,
        impact: row.restricted ? 'none' : impactOf(row.severity, scales),
        status: resolved ? 'resolved' : last.status,
        resolved,
        components: row.restricted
          ? []
          : row.components.flatMap((c) => {
              const name = componentNames.get(c) ?? ([...componentNames.values()].includes(c) ? c : null);
              return name ? [name] : [];
            }),
        startedAt: list[0]!.publishedAt,
        updatedAt: last.publishedAt,
        updates: list,
      },
    ];
  });
}
