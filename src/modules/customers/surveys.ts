/**
 * Surveys sent by journeys (ShopSmart SOP-001, "Day 30 NPS Survey (Automated)"): each notification that
 * asks is an **invitation** with its own link, and takes **one answer**. The answer is recorded on the
 * invitation and told to the engine as `survey.answered` in the same transaction, so the pack's band
 * actions ("9-10 Request referral", "7-8 Understand what's missing", "0-6 Immediate escalation to Success
 * lead") run exactly once. A second answer is refused with when and what the first was (Delighted and
 * Customer.io keep the first response of a link too), so a double click or a forwarded link changes
 * nothing.
 *
 * The answer comes by the survey page (the link, no sign-in: the token is the key) or in-app, through the
 * API with the invitation's id (the SaaS shows the question in its own app and posts the answer).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { hashLinkToken, matchesLinkToken, newLinkToken } from '../../security/link-tokens.js';
import { newId } from '../../shared/ids.js';
import { rowsOf, type Queryable, type Tx } from '../../store/database.js';
import { surveyInvitations, type SurveyScale } from '../../store/schema-customers.js';
import { scoreProblem, summarise, type ScoreSummary } from './survey-scores.js';

export type SurveyInvitation = typeof surveyInvitations.$inferSelect;

export function isSurveyScale(value: unknown): value is SurveyScale {
  return value === 'nps' || value === 'csat';
}

/** The page a survey message links to: the invitation's id, and its token as the key. */
export function surveyLink(publicUrl: string, workspaceId: string, id: string, token: string): string {
  return `${publicUrl}/survey/${encodeURIComponent(workspaceId)}/${id}?t=${token}`;
}

/**
 * Records the invitation a survey notification carries, in the transaction that expands it into its
 * deliveries; returns its id and the link's token (only the token's hash is kept). One invitation per
 * notification: an expansion that runs again (a lapsed lease) gives the same invitation a new token.
 */
export async function inviteToSurvey(
  tx: Tx,
  workspaceId: string,
  input: {
    readonly survey: string;
    readonly scale: SurveyScale;
    readonly subject: string;
    readonly accountId: string | null;
    readonly messageId: string;
    readonly at: Date;
  },
): Promise<{ id: string; token: string }> {
  const token = newLinkToken();
  const [row] = await tx
    .insert(surveyInvitations)
    .values({
      id: newId('sv', input.at.getTime()),
      workspaceId,
      survey: input.survey,
      scale: input.scale,
      subject: input.subject,
      accountId: input.accountId,
      messageId: input.messageId,
      tokenHash: hashLinkToken(token),
      sentAt: input.at,
    })
    .onConflictDoUpdate({
      target: [surveyInvitations.workspaceId, surveyInvitations.messageId],
      set: { tokenHash: hashLinkToken(token) },
    })
    .returning({ id: surveyInvitations.id });
  return { id: row!.id, token };
}

/** The invitation a link opens, or null when the id or token is wrong (the same either way). */
export async function invitationForLink(
  q: Queryable,
  workspaceId: string,
  id: string,
  token: string,
): Promise<SurveyInvitation | null> {
  const [row] = await q
    .select()
    .from(surveyInvitations)
    .where(and(eq(surveyInvitations.workspaceId, workspaceId), eq(surveyInvitations.id, id)));
  return row && matchesLinkToken(row.tokenHash, token) ? row : null;
}

export const INVALID_SURVEY_LINK =
  'This survey link is not valid: use the link from the message you received. Nothing was changed.';

export interface SurveyAnswer {
  readonly score: number;
  readonly comment?: string | undefined;
  /** The link's token; absent for an in-app answer posted with the API (its caller is signed in). */
  readonly token?: string | undefined;
  readonly via: 'link' | 'api';
  readonly actor: string;
}

/**
 * Records the one answer of an invitation and tells the engine, in `tx`. A wrong id or token answers
 * `OPS_NOT_FOUND`; a score off the scale `OPS_VALIDATION`; a second answer `OPS_SURVEY_ANSWERED`. Each
 * changes nothing.
 */
export async function answerInvitation(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  id: string,
  answer: SurveyAnswer,
): Promise<SurveyInvitation> {
  const [row] = await tx
    .select()
    .from(surveyInvitations)
    .where(and(eq(surveyInvitations.workspaceId, workspaceId), eq(surveyInvitations.id, id)))
    .for('update');
  if (!row || (answer.token !== undefined && !matchesLinkToken(row.tokenHash, answer.token)))
    throw new OpsError(
      'OPS_NOT_FOUND',
      answer.token !== undefined ? INVALID_SURVEY_LINK : `No survey invitation ${id} in this workspace.`,
    );
  const problem = scoreProblem(row.scale, answer.score);
  if (problem)
    throw new OpsError(
      'OPS_VALIDATION',
      `${Number.isFinite(answer.score) ? `The answer ${answer.score}` : 'An answer with no score'} is not valid: ${problem}.`,
      [{ pointer: '/body/score', message: problem }],
    );
  if (row.answeredAt)
    throw new OpsError(
      'OPS_SURVEY_ANSWERED',
      `This survey was answered on ${row.answeredAt.toISOString()} (${row.score} of ${row.scale === 'nps' ? 10 : 5}); an invitation takes one answer, so nothing was changed.`,
    );
  const comment = answer.comment?.trim() ? answer.comment.trim().slice(0, 2000) : null;
  const at = await engine.nowOf(tx);
  const [updated] = await tx
    .update(surveyInvitations)
    .set({ answeredAt: at, score: answer.score, comment, answeredVia: answer.via })
    .where(and(eq(surveyInvitations.workspaceId, workspaceId), eq(surveyInvitations.id, id)))
    .returning();
  await engine.handleIn(tx, workspaceId, {
    type: 'survey.answered',
    subject: row.subject,
    data: {
      survey: row.survey,
      score: answer.score,
      invitation: row.id,
      ...(comment ? { comment } : {}),
    },
    actor: answer.actor,
  });
  return updated!;
}

/** An account's invitations, newest first. */
export async function accountSurveys(
  q: Queryable,
  workspaceId: string,
  accountId: string,
  limit = 100,
): Promise<SurveyInvitation[]> {
  return q
    .select()
    .from(surveyInvitations)
    .where(and(eq(surveyInvitations.workspaceId, workspaceId), eq(surveyInvitations.accountId, accountId)))
    .orderBy(desc(surveyInvitations.sentAt))
    .limit(limit);
}

export interface SurveyResult extends ScoreSummary {
  readonly survey: string;
  readonly scale: SurveyScale;
  /** Invitations sent in the period, and how many of them were answered (at any time). */
  readonly invited: number;
  readonly responseRate: number | null;
  /** Per ISO week (Monday, UTC) of the answers in the period: answers and score. */
  readonly weeks: { readonly week: string; readonly answers: number; readonly score: number | null }[];
}

/**
 * Each survey's results over a period: invitations sent in it and their response rate, and the answers
 * given in it, summed, and week by week ("results per account and over time").
 */
export async function surveyResults(
  q: Queryable,
  workspaceId: string,
  period: { readonly from: Date; readonly to: Date; readonly survey?: string | undefined },
): Promise<SurveyResult[]> {
  const only = period.survey === undefined ? sql`` : sql`and survey = ${period.survey}`;
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const sent = rowsOf<{ survey: string; scale: SurveyScale; invited: number; answered: number }>(
    await q.execute(sql`
      select survey, min(scale) as scale, count(*)::int as invited, count(answered_at)::int as answered
        from survey_invitations
       where workspace_id = ${workspaceId} and sent_at >= ${from}::timestamptz and sent_at < ${to}::timestamptz ${only}
       group by survey`),
  );
  const answers = rowsOf<{ survey: string; scale: SurveyScale; week: string; scores: number[] }>(
    await q.execute(sql`
      select survey, min(scale) as scale, to_char(date_trunc('week', answered_at at time zone 'UTC'), 'YYYY-MM-DD') as week,
             array_agg(score) as scores
        from survey_invitations
       where workspace_id = ${workspaceId} and answered_at >= ${from}::timestamptz
         and answered_at < ${to}::timestamptz ${only}
       group by survey, week order by survey, week`),
  );
  const bySurvey = new Map<string, { scale: SurveyScale; invited: number; answered: number }>();
  for (const s of sent) bySurvey.set(s.survey, { scale: s.scale, invited: s.invited, answered: s.answered });
  for (const a of answers)
    if (!bySurvey.has(a.survey)) bySurvey.set(a.survey, { scale: a.scale, invited: 0, answered: 0 });
  return [...bySurvey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([survey, s]) => {
      const weeks = answers.filter((a) => a.survey === survey);
      const all = weeks.flatMap((w) => w.scores.map(Number));
      return {
        survey,
        scale: s.scale,
        invited: s.invited,
        responseRate: s.invited === 0 ? null : Math.round((100 * s.answered) / s.invited),
        ...summarise(s.scale, all),
        weeks: weeks.map((w) => {
          const sum = summarise(s.scale, w.scores.map(Number));
          return { week: w.week, answers: sum.answers, score: sum.score };
        }),
      };
    });
}
