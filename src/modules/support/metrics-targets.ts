/**
 * The targets the help-desk metrics are held to, read from the pack (pure). SLA compliance per priority
 * comes from the `kpis` that state a share per priority — SofaCover's "P0: 100% within 15 minutes" is
 * `{ id: response-p0, target: { share: 100 }, scope: P0 }` — matched to a level of the ticket scale by
 * their scope (or their id's last word) and to the first-response or resolution clock by their words.
 * First-contact resolution and CSAT targets come from the desk when it states them, else from a KPI.
 */
import type { Frozen } from '../../packs/compile.js';
import type { Pack } from '../../packs/schema/pack.js';

type PackLike = Pick<Frozen<Pack>, 'scales' | 'kpis' | 'desk'>;

export interface SlaTarget {
  /** Percent of tickets whose first response must be on time, or null when the pack states none. */
  readonly firstResponse: number | null;
  readonly resolution: number | null;
}

export interface DeskTargets {
  /** By priority level id. */
  readonly sla: ReadonlyMap<string, SlaTarget>;
  readonly firstContactResolution: number | null;
  /** Of 5. */
  readonly csat: number | null;
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

export function deskTargets(pack: PackLike): DeskTargets {
  const levels = (pack.scales ?? []).find((s) => s.for === 'ticket')?.levels ?? [];
  const sla = new Map<string, { firstResponse: number | null; resolution: number | null }>();
  for (const level of levels) sla.set(level.id, { firstResponse: null, resolution: null });
  for (const kpi of pack.kpis ?? []) {
    const share = kpi.target.share;
    if (share === undefined) continue;
    const scope = norm(kpi.scope);
    const level = levels.find(
      (l) => scope === norm(l.id) || scope === norm(l.label) || norm(kpi.id).split('-').at(-1) === norm(l.id),
    );
    if (!level) continue;
    const words = `${kpi.id} ${kpi.label} ${kpi.measuredBy ?? ''}`.toLowerCase();
    const clock = words.includes('resolution')
      ? 'resolution'
      : words.includes('response')
        ? 'firstResponse'
        : null;
    if (clock) sla.get(level.id)![clock] = share;
  }
  const kpiNamed = (re: RegExp) => (pack.kpis ?? []).find((k) => re.test(`${k.id} ${k.label}`));
  const fcrKpi = kpiNamed(/first[- ]contact[- ]resolution/i);
  const csatKpi = (pack.kpis ?? []).find((k) => k.target.unit === '/5');
  return {
    sla,
    firstContactResolution:
      pack.desk?.firstContactResolution?.target ?? (fcrKpi?.target.unit === '%' ? fcrKpi.target.value : null),
    csat: pack.desk?.csat?.target ?? csatKpi?.target.value ?? null,
  };
}
