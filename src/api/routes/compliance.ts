/**
 * The compliance report per SOP (docs/compliance.md): JSON by default; the same URL asked for text/html,
 * or `/compliance/report.html`, answers the printable page (no script, print CSS). Whoever may read
 * records and metrics may read it (`records.read`, as the support, incident and customer metrics);
 * restricted (security) incidents count only for those who may see them, as on the incident dashboard.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { FAMILIES, type ComplianceReport } from '../../core/compliance.js';
import { complianceReport } from '../../modules/compliance/report.js';
import { COMPLIANCE_PAGE_CSP, renderComplianceHtml } from '../../modules/compliance/report-html.js';
import { workspaces } from '../../store/schema.js';
import type { AppDeps } from '../deps.js';
import { wantsHtml } from '../html-page.js';
import { periodOf, PeriodQuery } from '../period.js';
import { accessOf } from '../session.js';

const W = z.strictObject({ workspaceId: z.string().min(1).max(64) });
const Query = z.strictObject({
  ...PeriodQuery,
  pack: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a pack id such as `shopsmart-pro`')
    .optional()
    .describe('Only this pack (its id, e.g. `shopsmart-pro`); default: every pack of the workspace.'),
});

const Line = z.object({
  step: z
    .string()
    .describe('The clock id (`first-response`, `stage:assess-severity`), `review`, a checklist id.'),
  source: z.string().describe("Where the step's target came from, as the engine records it."),
  kind: z.string(),
  level: z.string().nullable(),
  levelLabel: z.string().nullable(),
  label: z.string(),
  quote: z.string().nullable().describe("The SOP's words for the step."),
  total: z.number(),
  met: z.number(),
  breached: z.number(),
  running: z.number(),
  overdue: z.number().describe('Running and already past due (breached so far).'),
  percent: z.number().nullable().describe('met / (met + breached), one decimal.'),
  targetPercent: z.number(),
  targetKpi: z.string().nullable(),
  onTarget: z.boolean().nullable(),
  text: z.string(),
});
const Report = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  packs: z.array(
    z.object({
      packId: z.string(),
      version: z.string(),
      title: z.string(),
      steps: z.number(),
      families: z.array(z.object({ family: z.enum(FAMILIES), title: z.string(), lines: z.array(Line) })),
    }),
  ),
});

type Request = FastifyRequest<{ Params: z.infer<typeof W>; Querystring: z.infer<typeof Query> }>;

export function complianceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/v1/workspaces/:workspaceId/compliance';

  const build = (request: Request): Promise<ComplianceReport> => {
    const now = deps.now();
    const { from, to } = periodOf(request.query, now);
    const seesRestricted = accessOf(request).permissions.has('security-incidents.read');
    return complianceReport(
      deps.database,
      request.params.workspaceId,
      { from, to, pack: request.query.pack, seesRestricted },
      now,
    );
  };

  const page = async (request: Request, reply: FastifyReply) => {
    const report = await build(request);
    const { workspaceId } = request.params;
    const [ws] = await deps.database.inWorkspace(workspaceId, (tx) =>
      tx
        .select({ name: workspaces.name, timeZone: workspaces.timeZone })
        .from(workspaces)
        .where(eq(workspaces.id, workspaceId)),
    );
    // Its own policy rather than sendPage's: the page's one stylesheet is allowed by its hash.
    return reply
      .code(200)
      .header('content-security-policy', COMPLIANCE_PAGE_CSP)
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .type('text/html; charset=utf-8')
      .send(
        renderComplianceHtml(report, { workspace: ws?.name ?? workspaceId, timeZone: ws?.timeZone ?? 'UTC' }),
      );
  };

  r.get(
    base,
    {
      schema: {
        tags: ['compliance'],
        summary:
          'How often each timed step of each pack version was met in a period (JSON, or HTML when asked)',
        params: W,
        querystring: Query,
        response: { 200: Report },
      },
      config: { access: 'records.read' },
    },
    async (request, reply) => {
      if (wantsHtml(request)) return page(request, reply);
      // The report's arrays are readonly; the schema's type wants them mutable. Same shape.
      return (await build(request)) as z.infer<typeof Report>;
    },
  );

  r.get(
    `${base}/report.html`,
    {
      schema: {
        tags: ['compliance'],
        summary:
          'The compliance report as a printable HTML page (no script; print it to PDF from the browser)',
        params: W,
        querystring: Query,
        produces: ['text/html'],
      },
      config: { access: 'records.read' },
    },
    (request, reply) => page(request, reply),
  );
}
