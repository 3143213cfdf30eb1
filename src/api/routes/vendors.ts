/**
 * The vendor register over HTTP (ShopSmart SOP-006): the register, one vendor with its scorecard history,
 * and a scorecard (a review). Each call is one use case in one transaction (src/modules/ops/vendors.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseClock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import { inWorkspaceRetrying } from '../../modules/ops/active-pack.js';
import {
  recordScorecard,
  vendorDetail,
  vendorRegister,
  type ScorecardRow,
  type VendorDetail,
  type VendorView,
} from '../../modules/ops/vendors.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

const Vendor = z.object({
  id: z.string(),
  name: z.string(),
  service: z.string(),
  category: z.object({ id: z.string(), label: z.string() }),
  risk: z.string().describe("The category's risk level: `high`, `medium` or `low`."),
  owner: z.string(),
  ownerRecipient: z.string().describe('Who its reminders go to, e.g. `role:devops`.'),
  contractEnd: z.string().describe('`rolling`, `YYYY-MM` or `YYYY-MM-DD`, as the pack writes it.'),
  contractEndsAt: z.string().nullable().describe('When the contract has ended (the end of its last day).'),
  daysToContractEnd: z.number().int().nullable(),
  reviewCadence: z.string(),
  latest: z.object({ weighted: z.number(), scoredAt: z.string(), scoredBy: z.string() }).nullable(),
  lastReview: z.string().nullable(),
  nextReviewDue: z.string().nullable(),
  overdue: z.boolean(),
});

const Criterion = z.object({
  id: z.string(),
  label: z.string(),
  weightPercent: z.number(),
  scoring: z.string(),
});

const Scorecard = z.object({
  id: z.string(),
  scores: z.record(z.string(), z.number()),
  weights: z.record(z.string(), z.number()).describe('The weights (percent) it was scored on.'),
  weighted: z.number().describe('Σ score × weight / 100: 1.00-5.00.'),
  note: z.string().nullable(),
  scoredBy: z.string(),
  scoredAt: z.string(),
  pack: z.object({ id: z.string(), version: z.string() }),
});

const Detail = Vendor.extend({
  criteria: z.array(Criterion),
  scorecards: z.array(Scorecard),
  reminders: z.array(z.object({ at: z.string(), what: z.string() })),
});

const vendorView = (v: VendorView): z.infer<typeof Vendor> => ({
  id: v.id,
  name: v.name,
  service: v.service,
  category: v.category,
  risk: v.risk,
  owner: v.owner,
  ownerRecipient: v.ownerRecipient,
  contractEnd: v.contractEnd,
  contractEndsAt: iso(v.contractEndsAt),
  daysToContractEnd: v.daysToContractEnd,
  reviewCadence: v.reviewCadence,
  latest: v.latest ? { ...v.latest, scoredAt: v.latest.scoredAt.toISOString() } : null,
  lastReview: iso(v.lastReview),
  nextReviewDue: iso(v.nextReviewDue),
  overdue: v.overdue,
});

const scorecardView = (s: ScorecardRow): z.infer<typeof Scorecard> => ({
  id: s.id,
  scores: s.scores,
  weights: s.weights,
  weighted: s.weighted,
  note: s.note,
  scoredBy: s.scoredBy,
  scoredAt: s.scoredAt.toISOString(),
  pack: { id: s.packId, version: s.packVersion },
});

const detailView = (d: VendorDetail): z.infer<typeof Detail> => ({
  ...vendorView(d),
  criteria: d.criteria.map((c) => ({
    id: c.id,
    label: c.label,
    weightPercent: c.weightPercent,
    scoring: c.scoring,
  })),
  scorecards: d.scorecards.map(scorecardView),
  reminders: d.reminders.map((r) => ({ at: r.at.toISOString(), what: r.what })),
});

const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });
const VendorParams = W.extend({ vendorId: z.string().min(1).max(100) });

export function vendorRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const engine = new Engine(deps.database, databaseClock);

  r.get(
    '/api/v1/workspaces/:workspaceId/vendors',
    {
      schema: {
        tags: ['vendors'],
        summary: 'The vendor register: each vendor with its latest score and next review',
        description:
          "From the active pack's `vendors` section. The next review is due one category cadence (quarterly, semi-annually, annually) after the last scorecard, else after the pack's activation; `overdue` once it has passed. 409 OPS_NO_ACTIVE_PACK when no pack is active.",
        params: W,
        response: {
          200: z.object({
            pack: z.object({ id: z.string(), version: z.string() }),
            criteria: z.array(Criterion),
            categories: z.array(
              z.object({ id: z.string(), label: z.string(), risk: z.string(), review: z.string() }),
            ),
            items: z.array(Vendor),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const register = await inWorkspaceRetrying(deps.database, workspaceId, (tx) =>
        vendorRegister(tx, engine, workspaceId),
      );
      return {
        pack: register.pack,
        criteria: register.criteria.map((c) => ({
          id: c.id,
          label: c.label,
          weightPercent: c.weightPercent,
          scoring: c.scoring,
        })),
        categories: register.categories.map((c) => ({
          id: c.id,
          label: c.label,
          risk: c.risk,
          review: c.review.quote ?? ('every' in c.review ? `every ${c.review.every}` : 'by cadence'),
        })),
        items: register.vendors.map(vendorView),
      };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/vendors/:vendorId',
    {
      schema: {
        tags: ['vendors'],
        summary: 'A vendor with its scorecard history and the reminders sent',
        params: VendorParams,
        response: { 200: Detail },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, vendorId } = request.params;
      return detailView(
        await deps.database.inWorkspace(workspaceId, (tx) => vendorDetail(tx, engine, workspaceId, vendorId)),
      );
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/vendors/:vendorId/scorecards',
    {
      schema: {
        tags: ['vendors'],
        summary: "Score a vendor on the pack's weighted criteria (a review)",
        description:
          'Every criterion of the pack, each a whole number from 1 to 5 (no half points), and no other; each problem is listed with its JSON pointer (`/body/scores/<criterion>`) and nothing is recorded. The weighted total (Σ score × weight / 100) is stored with the weights used, and the next review falls one cadence after this one.',
        params: VendorParams,
        body: z.strictObject({
          scores: z.record(z.string().min(1).max(100), z.unknown()),
          note: z.string().max(5000).optional(),
        }),
        response: { 201: Detail },
      },
      config: { access: 'vendors.manage' },
    },
    async (request, reply) => {
      const { workspaceId, vendorId } = request.params;
      const actor = accessOf(request).actor;
      const detail = await inWorkspaceRetrying(deps.database, workspaceId, (tx) =>
        recordScorecard(tx, engine, workspaceId, vendorId, request.body, actor),
      );
      return reply.code(201).send(detailView(detail));
    },
  );
}
