/**
 * The status-page components a pack implies, where its SOP names services (docs/status-page.md).
 *
 * The seeds name services in one place only: the vendor register's "Service" column (ShopSmart SOP-006:
 * Cloud Infrastructure, Database, SMS, Email, Payments; 000#145-149). Those become components, in register
 * order, under the group "Services". A pack without a vendor register gets one component named after the
 * product, so its page is never empty. Uptime targets come from the pack's `uptime` KPI (SofaCover "Uptime:
 * Target >99.9%", 002#24), else from the strictest plan promise (POS SaaS Enterprise 99.99 %, 003#62).
 */
import type { Pack } from '../../packs/schema/pack.js';

export interface ComponentSpec {
  readonly name: string;
  readonly description: string;
  readonly group: string | null;
  readonly uptimeTarget: number | null;
}

/** The uptime target the pack sets, in percent; null when it sets none. */
export function packUptimeTarget(pack: Pick<Pack, 'kpis' | 'plans'>): number | null {
  const kpi = (pack.kpis ?? []).find((k) => k.id === 'uptime' && k.target.unit === '%');
  if (kpi) return kpi.target.value;
  const plans = (pack.plans ?? []).flatMap((p) => (p.uptimeTarget === undefined ? [] : [p.uptimeTarget]));
  return plans.length ? Math.max(...plans) : null;
}

/** The components of a pack's status page (see the file comment for where each comes from). */
export function packComponents(
  pack: Pick<Pack, 'vendors' | 'kpis' | 'plans'>,
  productName: string,
): ComponentSpec[] {
  const uptimeTarget = packUptimeTarget(pack);
  const seen = new Set<string>();
  const services = (pack.vendors?.vendors ?? []).flatMap((v) => {
    const name = v.service.trim();
    if (!name || seen.has(name.toLowerCase())) return [];
    seen.add(name.toLowerCase());
    return [{ name, description: `Provided with ${v.name}.`, group: 'Services', uptimeTarget }];
  });
  if (services.length > 0) return services;
  return [{ name: productName, description: '', group: null, uptimeTarget }];
}
