/**
 * The backup register (ShopSmart SOP-004) from the workspace's active pack: the backup sets (data type,
 * frequency, retention, location: 000#85-000#89) with the heartbeat that checks their completion, the
 * recovery objectives (RTO/RPO per scenario: 000#101-000#104), the verification checks with their cadence
 * and the latest drill of each (000#91-000#94), and the drill history (drills.ts records them).
 *
 * Which checks are drills: the items of the pack's backup checklist (a checklist whose id names `backup`)
 * that take evidence; an item that takes none ("Backup completion | Daily | Automated", 000#91) is checked
 * by the pack's backup heartbeat, which the backup job pings (src/modules/monitoring). The heartbeat is
 * created by "Import from pack" on the monitoring page, not by activation, because its ping URL is a secret
 * shown once; until then the register says so.
 */
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Engine } from '../../engine/engine.js';
import type { Tx } from '../../store/database.js';
import { restoreDrills } from '../../store/schema-ops.js';
import { heartbeats } from '../../store/schema-incidents.js';
import { heartbeatView, type HeartbeatView } from '../monitoring/heartbeats.js';
import { activePackOf, minutesText, type ActivePack } from './active-pack.js';

export type DrillRow = typeof restoreDrills.$inferSelect;
type Pack = ActivePack['ep']['policy']['pack'];
type PackItem = NonNullable<Pack['checklists']>[number]['items'][number];

export interface BackupCheck {
  readonly id: string;
  readonly checklist: string;
  readonly text: string;
  readonly owner: string | null;
  readonly cadence: string;
  /** `drill`: recorded here with its measurements; `heartbeat`: checked by the backup job's pings. */
  readonly kind: 'drill' | 'heartbeat';
  readonly item: PackItem;
}

export interface BackupRegister {
  readonly pack: { readonly id: string; readonly version: string };
  readonly sets: {
    readonly id: string;
    readonly data: string;
    readonly frequency: string;
    readonly retention: string;
    readonly location: string;
    /** The pack heartbeat that checks its completion, or null (continuous or on-change sets). */
    readonly heartbeat: string | null;
  }[];
  /** The pack's backup heartbeat and, once imported, the workspace's heartbeat monitor of it. */
  readonly heartbeat: {
    readonly id: string;
    readonly label: string;
    readonly monitor: HeartbeatView | null;
    readonly note: string;
  } | null;
  readonly objectives: {
    readonly id: string;
    readonly scenario: string;
    readonly rtoMs: number;
    readonly rpoMs: number;
    readonly rto: string;
    readonly rpo: string;
  }[];
  readonly checks: (Omit<BackupCheck, 'item'> & { readonly latest: DrillRow | null })[];
  readonly procedures: NonNullable<NonNullable<Pack['backups']>['procedures']>;
  /** Newest first, at most 100. */
  readonly drills: DrillRow[];
}

const cadenceText = (c: NonNullable<PackItem['cadence']> | { every: 'hour'; quote?: string }): string =>
  c.quote ?? ('every' in c ? `every ${c.every}` : 'cron' in c ? c.cron : c.on);

/** The verification checks of the pack's backup checklists. */
export function backupChecksOf(pack: Pack): BackupCheck[] {
  return (pack.checklists ?? [])
    .filter((c) => c.id.includes('backup'))
    .flatMap((c) =>
      c.items.map((item) => ({
        id: item.id,
        checklist: c.id,
        text: item.text,
        owner: item.owner ?? c.owner ?? null,
        cadence: item.cadence ? cadenceText(item.cadence) : c.schedule ? cadenceText(c.schedule) : 'one-off',
        kind: item.evidence === 'none' ? ('heartbeat' as const) : ('drill' as const),
        item,
      })),
    );
}

function backupHeartbeatOf(pack: Pack) {
  return (pack.monitors?.heartbeats ?? []).find(
    (h) => h.id.includes('backup') || h.label.toLowerCase().includes('backup'),
  );
}

/** The register at the active pack; OPS_NO_ACTIVE_PACK when none is active. */
export async function backupRegister(tx: Tx, engine: Engine, workspaceId: string): Promise<BackupRegister> {
  const active = await activePackOf(tx, engine, workspaceId);
  const pack = active.ep.policy.pack;
  const backups = pack.backups ?? { sets: [], objectives: [], procedures: [] };
  const packHeartbeat = backupHeartbeatOf(pack);
  const [monitor] = packHeartbeat
    ? await tx
        .select()
        .from(heartbeats)
        .where(
          and(
            eq(heartbeats.workspaceId, workspaceId),
            isNotNull(heartbeats.packHeartbeat),
            eq(heartbeats.packHeartbeat, packHeartbeat.id),
          ),
        )
        .limit(1)
    : [];
  const drills = await tx
    .select()
    .from(restoreDrills)
    .where(eq(restoreDrills.workspaceId, workspaceId))
    .orderBy(desc(restoreDrills.performedAt), desc(restoreDrills.id))
    .limit(100);
  const latestOf = async (check: string) =>
    (
      await tx
        .select()
        .from(restoreDrills)
        .where(and(eq(restoreDrills.workspaceId, workspaceId), eq(restoreDrills.check, check)))
        .orderBy(desc(restoreDrills.performedAt), desc(restoreDrills.id))
        .limit(1)
    )[0] ?? null;
  const checks = [];
  for (const c of backupChecksOf(pack)) {
    const latest = c.kind === 'drill' ? await latestOf(c.id) : null;
    checks.push({
      id: c.id,
      checklist: c.checklist,
      text: c.text,
      owner: c.owner,
      cadence: c.cadence,
      kind: c.kind,
      latest,
    });
  }
  return {
    pack: { id: active.ref.id, version: active.ref.version },
    sets: backups.sets.map((s) => ({
      id: s.id,
      data: s.data,
      frequency: cadenceText(s.frequency),
      retention: minutesText(s.retention),
      location: s.location,
      // A set backed up on a schedule is expected to finish on one; real-time and on-change sets are not.
      heartbeat: packHeartbeat && 'every' in s.frequency ? packHeartbeat.id : null,
    })),
    heartbeat: packHeartbeat
      ? {
          id: packHeartbeat.id,
          label: packHeartbeat.label,
          monitor: monitor ? heartbeatView(monitor) : null,
          note: monitor
            ? 'The backup job pings this heartbeat when it finishes; a missed ping opens an alert.'
            : 'Not monitored yet: import the monitors from the pack (Monitoring) and give the ping URL to the backup job.',
        }
      : null,
    objectives: (backups.objectives ?? []).map((o) => ({
      id: o.id,
      scenario: o.scenario,
      rtoMs: o.rto,
      rpoMs: o.rpo,
      rto: minutesText(o.rto),
      rpo: minutesText(o.rpo),
    })),
    checks,
    procedures: backups.procedures ?? [],
    drills,
  };
}
