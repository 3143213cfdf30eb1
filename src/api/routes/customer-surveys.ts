/**
 * Surveys over HTTP (issue 9): the page a survey link opens and its answer (public: the link's token is
 * the key), the in-app answer a SaaS posts with the invitation's id, each survey's results over a period,
 * and an account's invitations.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { surveyAnsweredPage, surveyFormPage } from '../../modules/customers/survey-pages.js';
import {
  accountSurveys,
  answerInvitation,
  INVALID_SURVEY_LINK,
  invitationForLink,
  surveyResults,
  type SurveyInvitation,
} from '../../modules/customers/surveys.js';
import { invalidPage, notFoundPage } from '../../modules/support/help-pages.js';
import { findPublicWorkspace } from '../../modules/support/public-workspace.js';
import type { Tx } from '../../store/database.js';
import type { AppDeps } from '../deps.js';
import { acceptFormPosts, sendPage, wantsHtml } from '../html-page.js';
import { periodOf, PeriodQuery } from '../period.js';
import { accessOf } from '../session.js';
import { A, Limit, retrying, TAGS, W } from './customer-schemas.js';

const InvitationId = z.string().regex(/^sv_[0-9a-z]{10,40}$/, 'a survey invitation id (sv_…)');
const Token = z.string().max(200);
const Comment = z.string().max(2000).optional();

const Invitation = z.object({
  id: z.string(),
  survey: z.string(),
  scale: z.enum(['nps', 'csat']),
  subject: z.string(),
  accountId: z.string().nullable(),
  sentAt: z.string(),
  answeredAt: z.string().nullable(),
  score: z.number().nullable(),
  comment: z.string().nullable(),
  answeredVia: z.string().nullable(),
});

const view = (i: SurveyInvitation): z.infer<typeof Invitation> => ({
  id: i.id,
  survey: i.survey,
  scale: i.scale,
  subject: i.subject,
  accountId: i.accountId,
  sentAt: i.sentAt.toISOString(),
  answeredAt: i.answeredAt?.toISOString() ?? null,
  score: i.score,
  comment: i.comment,
  answeredVia: i.answeredVia,
});

export function surveyRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  void app.register(async (scope) => {
    // The survey page's form posts a form-encoded body; only this plugin accepts one.
    acceptFormPosts(scope);
    linkRoutes(scope, deps, engine);
  });
  memberRoutes(app, deps, engine, base);
}

/** What a survey link reaches, without signing in: the page, and the answer with the link's token. */
function linkRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const actionOf = (workspaceId: string, id: string) =>
    `/api/v1/surveys/${encodeURIComponent(workspaceId)}/${id}`;

  // A link scanner may open the link: the page only shows the form; the form's POST answers.
  r.get(
    '/survey/:workspace/:surveyInvitationId',
    {
      schema: {
        hide: true,
        params: z.strictObject({
          workspace: z.string().min(1).max(64),
          surveyInvitationId: z.string().max(64),
        }),
        querystring: z.strictObject({ t: Token.optional(), score: z.string().max(2).optional() }),
      },
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const token = request.query.t ?? '';
      const ws = await findPublicWorkspace(deps.database, request.params.workspace);
      const invitation =
        ws && token && InvitationId.safeParse(request.params.surveyInvitationId).success
          ? await deps.database.inWorkspace(ws.id, (tx) =>
              invitationForLink(tx, ws.id, request.params.surveyInvitationId, token),
            )
          : null;
      if (!ws || !invitation) return sendPage(reply, 404, notFoundPage(null, INVALID_SURVEY_LINK));
      const score = /^\d{1,2}$/.test(request.query.score ?? '') ? Number(request.query.score) : Number.NaN;
      return sendPage(
        reply,
        200,
        surveyFormPage({
          action: actionOf(ws.id, invitation.id),
          token,
          workspaceName: ws.name,
          scale: invitation.scale,
          score: request.query.score !== undefined && Number.isInteger(score) ? score : undefined,
          answered:
            invitation.answeredAt && invitation.score !== null
              ? { score: invitation.score, at: invitation.answeredAt }
              : undefined,
        }),
      );
    },
  );

  r.post(
    '/api/v1/surveys/:workspaceId/:surveyInvitationId',
    {
      schema: {
        tags: TAGS,
        summary: "Answer a survey invitation with its link's token (JSON, or the survey page's form)",
        description:
          "One answer per invitation: a second answers 409 `OPS_SURVEY_ANSWERED` and changes nothing. A wrong token answers 404. The answer reaches the engine as `survey.answered`, which runs the pack's band actions. A browser (Accept: text/html) gets a page; other clients JSON.",
        params: z.strictObject({
          workspaceId: z.string().min(1).max(64),
          surveyInvitationId: InvitationId,
        }),
        body: z.strictObject({
          t: Token,
          score: z.union([z.number(), z.string().max(10)]).describe('NPS 0-10, CSAT 1-5.'),
          comment: Comment,
        }),
        response: { 200: Invitation },
      },
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { workspaceId, surveyInvitationId: id } = request.params;
      const { t, comment } = request.body;
      // A form sends text: only digits are a score (an empty choice is not 0, a detractor).
      const given = request.body.score;
      const score =
        typeof given === 'number' ? given : /^\d{1,2}$/.test(given.trim()) ? Number(given) : Number.NaN;
      const ws = workspaceId.startsWith('ws_') ? await findPublicWorkspace(deps.database, workspaceId) : null;
      try {
        if (!ws) throw new OpsError('OPS_NOT_FOUND', INVALID_SURVEY_LINK);
        const answered = await retrying(() =>
          deps.database.inWorkspace(ws.id, (tx) =>
            answerInvitation(tx, engine, ws.id, id, {
              score,
              comment,
              token: t,
              via: 'link',
              actor: `survey:${id}`,
            }),
          ),
        );
        if (wantsHtml(request))
          return sendPage(reply, 200, surveyAnsweredPage(ws.name, answered.score!, answered.scale));
        return view(answered);
      } catch (error) {
        if (!(error instanceof OpsError) || !wantsHtml(request)) throw error;
        if (error.code === 'OPS_VALIDATION') return sendPage(reply, 400, invalidPage(error.message));
        if (error.code === 'OPS_SURVEY_ANSWERED') return sendPage(reply, 409, invalidPage(error.message));
        return sendPage(reply, 404, notFoundPage(null, INVALID_SURVEY_LINK));
      }
    },
  );
}

/** The in-app answer, an account's invitations and the results: for the workspace's members and tokens. */
function memberRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const inWs = <T>(workspaceId: string, fn: (tx: Tx) => Promise<T>) =>
    retrying(() => deps.database.inWorkspace(workspaceId, fn));

  r.post(
    '/api/v1/workspaces/:workspaceId/survey-invitations/:surveyInvitationId/answer',
    {
      schema: {
        tags: TAGS,
        summary: 'Record an answer the SaaS collected in its own app (in-app survey)',
        description:
          'With the invitation id the SaaS got from `GET …/accounts/{id}/surveys`. One answer per invitation, as by the link.',
        params: W.extend({ surveyInvitationId: InvitationId }),
        body: z.strictObject({ score: z.number(), comment: Comment }),
        response: { 200: Invitation },
      },
      config: { access: 'accounts.write' },
    },
    async (request) => {
      const { workspaceId, surveyInvitationId: id } = request.params;
      const actor = accessOf(request).actor;
      const { score, comment } = request.body;
      return view(
        await inWs(workspaceId, (tx) =>
          answerInvitation(tx, engine, workspaceId, id, { score, comment, via: 'api', actor }),
        ),
      );
    },
  );

  r.get(
    `${base}/:accountId/surveys`,
    {
      schema: {
        tags: TAGS,
        summary: "An account's survey invitations and answers, newest first",
        params: A,
        querystring: z.strictObject({ limit: Limit }),
        response: { 200: z.object({ invitations: z.array(Invitation) }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const rows = await deps.database.inWorkspace(workspaceId, (tx) =>
        accountSurveys(tx, workspaceId, accountId, request.query.limit),
      );
      return { invitations: rows.map(view) };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/surveys',
    {
      schema: {
        tags: TAGS,
        summary: "Each survey's results over a period: response rate, score, distribution, week by week",
        description:
          'NPS is % promoters (9-10) minus % detractors (0-6); CSAT the % of 4 and 5. Invitations sent in the period give the response rate; answers given in it give the score. Weeks start on Monday (UTC).',
        params: W,
        querystring: z.strictObject({ ...PeriodQuery, survey: z.string().min(1).max(64).optional() }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            surveys: z.array(
              z.object({
                survey: z.string(),
                scale: z.enum(['nps', 'csat']),
                invited: z.number(),
                responseRate: z.number().nullable(),
                answers: z.number(),
                score: z.number().nullable(),
                mean: z.number().nullable(),
                distribution: z.array(z.number()),
                bands: z
                  .object({ promoter: z.number(), passive: z.number(), detractor: z.number() })
                  .optional(),
                weeks: z.array(
                  z.object({ week: z.string(), answers: z.number(), score: z.number().nullable() }),
                ),
              }),
            ),
          }),
        },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId } = request.params;
      const { from, to } = periodOf(request.query, deps.now());
      const surveys = await deps.database.inWorkspace(workspaceId, (tx) =>
        surveyResults(tx, workspaceId, { from, to, survey: request.query.survey }),
      );
      return { from: from.toISOString(), to: to.toISOString(), surveys };
    },
  );
}
