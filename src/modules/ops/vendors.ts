/**
 * The vendor register (ShopSmart SOP-006) from the workspace's active pack: each vendor with its category
 * and risk (000#133-000#135), owner, service and contract end (000#145-000#149), its latest weighted score,
 * and when its next review falls due (the last scorecard, else when the pack began, plus the category's
 * cadence: quarterly, semi-annually, annually, 000#142-000#144). A scorecard scores every criterion of the
 * pack 1-5 (000#136-000#141), keeps the weights it was scored on, and is the review: it tells the engine's
 * `vendor:<id>` subject, which moves the next review reminder (src/core/decide/vendors.ts).
 */
import { and, desc, eq } from 'drizzle-orm';
import { ownerRecipient } from '../../core/decide/vendors.js';
import type { CadenceSpec } from '../../core/cadence.js';
import { afterCadence, checkScores, contractEndsAt, daysUntil, weightedScore } from '../../core/vendors.js';
import type { Engine } from '../../engine/engine.js';
import { readEffects } from '../../engine/effects.js';
import { loadSubject } from '../../engine/subjects.js';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Tx } from '../../store/database.js';
import { vendorScorecards } from '../../store/schema-ops.js';
import { activePackOf, type ActivePack } from './active-pack.js';

export type ScorecardRow = typeof vendorScorecards.$inferSelect;
type PackVendors = NonNullable<ActivePack['ep']['policy']['pack']['vendors']>;
type PackVendor = PackVendors['vendors'][number];

export interface VendorView {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly category: { readonly id: string; readonly label: string };
  readonly risk: string;
  readonly owner: string;
  /** Who its reminders go to: `role:devops`. */
  readonly ownerRecipient: string;
  readonly contractEnd: string;
  readonly contractEndsAt: Date | null;
  /** Calendar days until the contract has ended (negative once it has); null for a rolling contract. */
  readonly daysToContractEnd: number | null;
  readonly reviewCadence: string;
  readonly latest: { readonly weighted: number; readonly scoredAt: Date; readonly scoredBy: string } | null;
  readonly lastReview: Date | null;
  readonly nextReviewDue: Date | null;
  readonly overdue: boolean;
}

export interface VendorRegister {
  readonly pack: { readonly id: string; readonly version: string };
  readonly criteria: PackVendors['criteria'];
  readonly categories: PackVendors['categories'];
  readonly vendors: VendorView[];
}

const cadenceText = (c: CadenceSpec & { quote?: string }) =>
  c.quote ?? ('every' in c ? `every ${c.every}` : 'cron' in c ? c.cron : `on ${c.on}`);

function vendorsOf(active: ActivePack): PackVendors {
  return active.ep.policy.pack.vendors ?? { categories: [], criteria: [], vendors: [] };
}

function viewOf(
  active: ActivePack,
  v: PackVendor,
  latest: ScorecardRow | undefined,
  nowMs: number,
): VendorView {
  const zone = active.ep.timeZone;
  const category = vendorsOf(active).categories.find((c) => c.id === v.category)!;
  const endsAt = contractEndsAt(v.contractEnd, zone);
  const base = latest?.scoredAt.getTime() ?? active.activatedAt.getTime();
  const due = afterCadence(category.review, base, zone);
  return {
    id: v.id,
    name: v.name,
    service: v.service,
    category: { id: category.id, label: category.label },
    risk: category.risk,
    owner: v.owner,
    ownerRecipient: ownerRecipient(active.ep, v.owner),
    contractEnd: v.contractEnd,
    contractEndsAt: endsAt === null ? null : new Date(endsAt),
    daysToContractEnd: endsAt === null ? null : daysUntil(endsAt, nowMs, zone),
    reviewCadence: cadenceText(category.review),
    latest: latest
      ? { weighted: latest.weighted, scoredAt: latest.scoredAt, scoredBy: latest.scoredBy }
      : null,
    lastReview: latest?.scoredAt ?? null,
    nextReviewDue: due === null ? null : new Date(due),
    overdue: due !== null && due <= nowMs,
  };
}

/**
 * Starts the engine's `vendor:<id>` subject of every vendor that has none, so its reminders are timed
 * whether or not anyone scores it. Counted from the pack's activation (`since`). Idempotent.
 */
export async function startVendorReviews(tx: Tx, engine: Engine, workspaceId: string): Promise<number> {
  const active = await activePackOf(tx, engine, workspaceId);
  let started = 0;
  for (const v of vendorsOf(active).vendors) {
    const subject = `vendor:${v.id}`;
    if (await loadSubject(tx, workspaceId, subject)) continue;
    await engine.handleIn(tx, workspaceId, {
      type: 'vendor.started',
      subject,
      data: { title: `Vendor ${v.name} (${v.service})`, since: active.activatedAt.getTime() },
      actor: 'system',
    });
    started++;
  }
  return started;
}

/** The register, each vendor with its latest scorecard; starts any vendor's reminders not yet started. */
export async function vendorRegister(tx: Tx, engine: Engine, workspaceId: string): Promise<VendorRegister> {
  const active = await activePackOf(tx, engine, workspaceId);
  await startVendorReviews(tx, engine, workspaceId);
  const nowMs = (await engine.nowOf(tx)).getTime();
  const latest = await tx
    .selectDistinctOn([vendorScorecards.vendor])
    .from(vendorScorecards)
    .where(eq(vendorScorecards.workspaceId, workspaceId))
    .orderBy(vendorScorecards.vendor, desc(vendorScorecards.scoredAt), desc(vendorScorecards.id));
  const byVendor = new Map(latest.map((s) => [s.vendor, s]));
  const pack = vendorsOf(active);
  return {
    pack: { id: active.ref.id, version: active.ref.version },
    criteria: pack.criteria,
    categories: pack.categories,
    vendors: pack.vendors.map((v) => viewOf(active, v, byVendor.get(v.id), nowMs)),
  };
}

function vendorIn(active: ActivePack, vendorId: string): PackVendor {
  const vendor = vendorsOf(active).vendors.find((v) => v.id === vendorId);
  if (!vendor) {
    const ids = vendorsOf(active).vendors.map((v) => v.id);
    throw new OpsError(
      'OPS_NOT_FOUND',
      ids.length > 0
        ? `The pack's vendor register has no vendor "${vendorId}"; its vendors are ${ids.join(', ')}.`
        : 'The active pack has no vendor register.',
    );
  }
  return vendor;
}

export interface VendorDetail extends VendorView {
  readonly criteria: PackVendors['criteria'];
  /** Newest first. */
  readonly scorecards: ScorecardRow[];
  /** The reminders the engine recorded for this vendor, oldest first. */
  readonly reminders: { readonly at: Date; readonly what: string }[];
}

/** One vendor with its scorecard history and the reminders sent; OPS_NOT_FOUND for a vendor not in the pack. */
export async function vendorDetail(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  vendorId: string,
): Promise<VendorDetail> {
  const active = await activePackOf(tx, engine, workspaceId);
  const vendor = vendorIn(active, vendorId);
  const nowMs = (await engine.nowOf(tx)).getTime();
  const scorecards = await tx
    .select()
    .from(vendorScorecards)
    .where(and(eq(vendorScorecards.workspaceId, workspaceId), eq(vendorScorecards.vendor, vendorId)))
    .orderBy(desc(vendorScorecards.scoredAt), desc(vendorScorecards.id))
    .limit(200);
  const effects = await readEffects(tx, { subject: `vendor:${vendorId}`, type: 'notify' });
  return {
    ...viewOf(active, vendor, scorecards[0], nowMs),
    criteria: vendorsOf(active).criteria,
    scorecards,
    reminders: effects.map((e) => ({
      at: e.at,
      what:
        typeof (e.data as { rule?: unknown }).rule === 'string' ? (e.data as { rule: string }).rule : e.key,
    })),
  };
}

export interface ScorecardInput {
  readonly scores: Readonly<Record<string, unknown>>;
  readonly note?: string | undefined;
}

/**
 * Records a scorecard: every criterion of the pack, whole numbers 1-5, no others (OPS_VALIDATION with a
 * JSON pointer per problem, nothing written). The weighted total and the weights used are stored; the
 * engine's vendor subject is told `vendor.reviewed`, which moves the next review reminder.
 *
 * @example await recordScorecard(tx, engine, ws, 'aws', { scores: { 'reliability-uptime': 5, … } }, 'user:u1')
 */
export async function recordScorecard(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  vendorId: string,
  input: ScorecardInput,
  actor: string,
): Promise<VendorDetail> {
  const active = await activePackOf(tx, engine, workspaceId);
  const vendor = vendorIn(active, vendorId);
  const { criteria } = vendorsOf(active);
  const problems = checkScores(criteria, input.scores);
  if (problems.length > 0)
    throw new OpsError(
      'OPS_VALIDATION',
      `The scorecard of ${vendor.name} has ${problems.length} problem(s); nothing was recorded.`,
      problems,
    );
  const scores = Object.fromEntries(criteria.map((c) => [c.id, input.scores[c.id] as number]));
  const weights = Object.fromEntries(criteria.map((c) => [c.id, c.weightPercent]));
  const weighted = weightedScore(criteria, scores);
  const at = await engine.nowOf(tx);
  const id = newId('vsc', at.getTime());
  await tx.insert(vendorScorecards).values({
    id,
    workspaceId,
    vendor: vendorId,
    packId: active.ref.id,
    packVersion: active.ref.version,
    scores,
    weights,
    weighted,
    note: input.note?.trim() || null,
    scoredBy: actor,
    scoredAt: at,
  });
  await engine.handleIn(tx, workspaceId, {
    type: 'vendor.reviewed',
    subject: `vendor:${vendorId}`,
    data: {
      title: `Vendor ${vendor.name} (${vendor.service})`,
      since: active.activatedAt.getTime(),
      last_review: at.getTime(),
      scorecard: id,
      weighted,
    },
    actor,
  });
  return vendorDetail(tx, engine, workspaceId, vendorId);
}
