/**
 * The registers of SOP-006 (vendors) and SOP-004 (restore drills) in the engine, so their reminders and
 * alerts are durable, timed by the pack and recorded once under stable keys:
 *
 * - a `vendor:<id>` subject per vendor of the pack wakes when its review falls due (last scorecard, else
 *   when the vendor was first seen, plus its category's cadence: 000#142-000#144) and 60 and 30 days before
 *   its contract ends (CONTRACT_LEAD_DAYS); each reminder tells the vendor's owner once. A scorecard
 *   (`vendor.reviewed`) moves the next review.
 * - a `drill:<id>` subject per restore drill that missed its RTO or RPO, or failed, alerts the check's owner
 *   and the channels the pack uses for a SEV2 incident, once (SOP-004: restore time against the RTO, data
 *   lost against the RPO, 000#101-000#104).
 */
import { afterCadence, CONTRACT_LEAD_DAYS, contractEndsAt, daysBefore } from '../vendors.js';
import type { Ctx } from './context.js';
import type { EnginePolicy } from './prepare.js';
import type { Scalar } from './types.js';

type Wake = (name: string, atMs: number | null) => void;

const num = (v: Scalar | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** `role:<id>` of the pack role the owner text names ("DevOps" → `role:devops`), else its slug as a role. */
export function ownerRecipient(ep: EnginePolicy, owner: string): string {
  const roles = ep.policy.pack.roles ?? [];
  const wanted = owner.trim().toLowerCase();
  const role = roles.find((r) => r.id === slug(owner) || r.label.toLowerCase() === wanted);
  return `role:${role?.id ?? slug(owner)}`;
}

/** Where the team is told of its own work: the pack's internal in-app channel, else any in-app one. */
export function teamChannel(ep: EnginePolicy): string {
  return ep.memo('ops:team-channel', () => {
    const channels = ep.policy.pack.channels ?? [];
    const pick = (kind: string) =>
      channels.find((c) => c.kind === kind && c.audience === 'internal') ??
      channels.find((c) => c.kind === kind);
    // `in-app` names the transport itself when the pack has no such channel (planDeliveries accepts it).
    return (pick('in-app') ?? pick('dashboard'))?.id ?? 'in-app';
  });
}

/** The internal channels the pack's routes use for the second level of its incident scale (SEV2). */
export function sev2Channels(ep: EnginePolicy): string[] {
  return ep.memo('ops:sev2-channels', () => {
    const scale = Object.values(ep.policy.scales).find((s) => s.for === 'incident');
    const level = scale?.levels[1]?.id;
    if (!scale || !level) return [];
    const internal = (id: string) => ep.policy.channels[id]?.audience !== 'customer';
    const found = (ep.policy.pack.routes ?? [])
      .filter((r) => r.scale === scale.id && r.levels.includes(level))
      .flatMap((r) => r.channels.filter(internal));
    return [...new Set(found)];
  });
}

/** Runs what is due for a vendor or a drill subject; other subjects are not touched. */
export function registerTimers(ctx: Ctx, wake: Wake): void {
  if (ctx.s.kind === 'vendor') vendorTimers(ctx, wake);
  else if (ctx.s.kind === 'drill') drillAlert(ctx);
}

function vendorTimers(ctx: Ctx, wake: Wake): void {
  const vendor = ctx.ep.policy.pack.vendors?.vendors.find((v) => v.id === ctx.s.id);
  const category = ctx.ep.policy.pack.vendors?.categories.find((c) => c.id === vendor?.category);
  if (!vendor || !category) {
    // The vendor left the register (a newer pack version): nothing more to remind.
    wake('vendor-review', null);
    wake('vendor-contract', null);
    return;
  }
  const zone = ctx.ep.timeZone;
  const to = [ownerRecipient(ctx.ep, vendor.owner)];
  const channel = teamChannel(ctx.ep);
  // `since`: when the register began (the pack's activation), else when the vendor was first seen.
  const since = num(ctx.s.fields.since) ?? ctx.s.createdAtMs;
  const base = num(ctx.s.fields.last_review) ?? since;
  const due = afterCadence(category.review, base, zone);
  if (due !== null && due <= ctx.nowMs && ctx.s.fields.review_reminded !== due) {
    const rule = `vendor review due (${category.label}: ${category.review.quote ?? 'by cadence'})`;
    ctx.emit(`review@${due}`, { type: 'notify', channel, to, rule });
    ctx.emit(`review@${due}:task`, {
      type: 'task',
      title: `Review the vendor ${vendor.name} (${vendor.service}) and record its scorecard`,
      assignee: to[0]!,
      dueMs: due,
      rule,
    });
    ctx.s.fields.review_reminded = due;
  }
  wake('vendor-review', due !== null && due > ctx.nowMs ? due : null);
  wake('vendor-contract', contractReminder(ctx, vendor.contractEnd, since, channel, to));
}

/**
 * Tells the owner the nearest contract reminder that has fallen due and not been told (one message when
 * several fell due together); answers the next reminder's instant. A contract that had ended before the
 * register began, or has ended now, is reminded of no more.
 */
function contractReminder(
  ctx: Ctx,
  contractEnd: string,
  since: number,
  channel: string,
  to: string[],
): number | null {
  const zone = ctx.ep.timeZone;
  const end = contractEndsAt(contractEnd, zone);
  if (end === null || end <= since) return null;
  const told = ctx.s.fields.contract_end === end ? (num(ctx.s.fields.contract_told) ?? Infinity) : Infinity;
  let dueLead: number | undefined;
  let next: number | null = null;
  for (const lead of CONTRACT_LEAD_DAYS) {
    if (lead >= told) continue;
    const at = daysBefore(end, lead, zone);
    if (at === null) continue;
    if (at > ctx.nowMs) next = next === null ? at : Math.min(next, at);
    else if (end > ctx.nowMs && (dueLead === undefined || lead < dueLead)) dueLead = lead;
  }
  if (dueLead !== undefined) {
    ctx.emit(`contract@${end}:${dueLead}d`, {
      type: 'notify',
      channel,
      to,
      rule: `contract ends ${contractEnd}: ${dueLead} days to renew or replace`,
    });
    ctx.s.fields.contract_end = end;
    ctx.s.fields.contract_told = dueLead;
  }
  return next;
}

/** A drill that missed a target or failed alerts once: its check's owner and the SEV2 channels. */
function drillAlert(ctx: Ctx): void {
  const f = ctx.s.fields;
  if (f.alerted === true) return;
  const missed = f.succeeded === false || f.met_rto === false || f.met_rpo === false;
  if (!missed) return;
  const owner = typeof f.owner === 'string' && f.owner !== '' ? f.owner : 'role:devops';
  const why = [
    f.succeeded === false ? 'the restore failed' : '',
    f.met_rto === false ? `restore took ${String(f.restore)} (RTO ${String(f.rto)})` : '',
    f.met_rpo === false ? `data lost ${String(f.data_loss)} (RPO ${String(f.rpo)})` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const rule = `restore drill missed its target: ${why}`;
  const channels = [teamChannel(ctx.ep), ...sev2Channels(ctx.ep)];
  for (const channel of new Set(channels))
    ctx.emit(`missed:${channel}`, { type: 'notify', channel, to: [owner], rule });
  f.alerted = true;
}
