/**
 * What an incident runs besides its priority clocks: the stage deadlines every incident goes through
 * (ShopSmart: assess T+5 min, assemble T+10, communicate T+15), the playbook of its kind, regulatory
 * deadlines (CERT-In 6 h, IT Act 72 h, GDPR 72 h) when they apply, and at resolution the follow-up actions
 * and the post-incident review, each a task with its due time.
 */
import type { Ctx } from './context.js';
import { holds } from './conditions.js';
import { meetClock, startNamedClock } from './sla.js';

function incidents(ctx: Ctx) {
  return ctx.ep.policy.pack.incidents;
}

/** The playbook of the incident's kind (`kind: billing` → the billing playbook), if any. */
function playbookOf(ctx: Ctx) {
  const kind = ctx.s.fields.kind;
  if (typeof kind !== 'string') return undefined;
  const section = incidents(ctx);
  const type = section?.types?.find((t) => t.id === kind);
  const byType = type?.playbook ? section?.playbooks?.find((p) => p.id === type.playbook) : undefined;
  return byType ?? section?.playbooks?.find((p) => p.id === kind || p.category?.toLowerCase() === kind);
}

/** A security incident: `kind: security`, or a kind whose type's playbook is in the security category. */
function isSecurity(ctx: Ctx): boolean {
  if (ctx.s.fields.kind === 'security') return true;
  return playbookOf(ctx)?.category?.toLowerCase() === 'security';
}

/** Starts the stage, playbook and regulatory clocks whose anchors have happened. */
export function startIncidentClocks(ctx: Ctx): void {
  if (ctx.s.kind !== 'incident') return;
  const section = incidents(ctx);
  const playbook = playbookOf(ctx);
  const stages = [...(section?.stages ?? []), ...(playbook?.stages ?? [])];
  for (const stage of stages) {
    const id = `stage:${stage.id}`;
    if (!stage.deadline || ctx.s.clocks[id] || ctx.s.marks[`stage:${stage.id}`] !== undefined) continue;
    const since = ('since' in stage.deadline ? stage.deadline.since : undefined) ?? 'detected';
    const anchor = ctx.s.marks[since];
    if (anchor === undefined) continue;
    startNamedClock(ctx, id, stage.deadline, anchor, `stage:${stage.id}`, stage.label);
    // A deadline of T+0 counted from now ("DETECT (T+0)") is met by the event that starts it.
    if ('within' in stage.deadline && stage.deadline.within === 0 && anchor === ctx.nowMs)
      reachStage(ctx, stage.id);
  }
  for (const clock of section?.regulatory ?? []) {
    const id = `regulatory:${clock.id}`;
    if (ctx.s.clocks[id] || !holds(clock.when, ctx)) continue;
    if (clock.when === undefined && !isSecurity(ctx) && ctx.s.fields.reportable !== true) continue;
    const anchor = ctx.s.marks[clock.since];
    if (anchor === undefined) continue;
    startNamedClock(
      ctx,
      id,
      { within: clock.within },
      anchor,
      `regulatory:${clock.id}`,
      `${clock.authority} report`,
    );
  }
}

/** Opens the incident: the playbook's steps as one task for the commander. */
export function declareIncident(ctx: Ctx): void {
  const playbook = playbookOf(ctx);
  if (playbook)
    ctx.emit(`playbook:${playbook.id}`, {
      type: 'task',
      title: playbook.label,
      assignee: 'role:incident-commander',
      rule: `playbook:${playbook.id}`,
    });
  startIncidentClocks(ctx);
}

/** A stage reached: its deadline is met (`incident.status` to a stage id, or `incident.stage`). */
export function reachStage(ctx: Ctx, stage: string): void {
  ctx.mark(`stage:${stage}`);
  meetClock(ctx, `stage:${stage}`);
}

/** Resolution: the follow-up actions and the post-incident review, each a task due from its anchor. */
export function resolveIncident(ctx: Ctx): void {
  const section = incidents(ctx);
  for (const followUp of section?.followUps ?? []) {
    if (!holds(followUp.when, ctx)) continue;
    const anchor = ctx.s.marks[followUp.since] ?? ctx.nowMs;
    ctx.emit(`follow-up:${followUp.id}${ctx.occurrence}`, {
      type: 'task',
      title: followUp.label,
      assignee: 'role:incident-commander',
      followUp: followUp.id,
      dueMs: anchor + followUp.within,
      rule: `follow-up:${followUp.id}`,
    });
  }
  const review = section?.review;
  if (review) {
    const within = review.within && 'within' in review.within ? review.within : undefined;
    const anchor = within?.since ? ctx.s.marks[within.since] : ctx.nowMs;
    ctx.emit(`review${ctx.occurrence}`, {
      type: 'task',
      title: 'Post-incident review',
      assignee: 'role:incident-commander',
      ...(within && anchor !== undefined ? { dueMs: anchor + within.within } : {}),
      rule: 'review',
    });
  }
}
