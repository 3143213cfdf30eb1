/**
 * The whole pack: `pack.yaml` (document control) plus sections, each a top-level key of any other YAML
 * file of the pack folder. A section may appear in one file only.
 */
import { z } from 'zod';
import { Calendar, HolidaySet } from './calendars.js';
import { PackDocument } from './document.js';
import { Incidents } from './incidents.js';
import { Journey } from './journeys.js';
import { Lifecycle } from './lifecycles.js';
import { Backups, Checklist, Kpi, Monitors, Plan, RecordKind, Releases, Vendors } from './operations.js';
import { Contact, Role, Rotation, Tier } from './people.js';
import { Channel, Delivery, Escalation, KnowledgeItem, Route, Scale, SlaPolicy } from './support.js';
import { Template } from './templates.js';
import { Desk } from './desk.js';

/** The sections a pack may define, in the order the rendered SOP presents them. */
export const PACK_SECTIONS = {
  roles: z.array(Role).describe("Roles of the team and of the customer's users, with feature access."),
  contacts: z.array(Contact).describe('Named contacts (escalation contacts, mailboxes).'),
  rotations: z.array(Rotation).describe('On-call rotations that recipients can name (`rotation:<id>`).'),
  calendars: z.array(Calendar).describe('Business calendars.'),
  holidaySets: z.array(HolidaySet).describe('Named lists of holidays that calendars close on.'),
  scales: z.array(Scale).describe('Priority and severity scales with their targets.'),
  slaPolicies: z.array(SlaPolicy).describe('Targets chosen by conditions (plan, channel); first match wins.'),
  tiers: z.array(Tier).describe('Support tiers (L1-L3, Tier 1-3).'),
  channels: z.array(Channel).describe('Support and alert channels, with hours and response goals.'),
  routes: z.array(Route).describe('Which channels and people a level notifies.'),
  escalations: z.array(Escalation).describe('Time-based, event-based and manual escalation rules.'),
  templates: z.array(Template).describe('Messages per channel and locale.'),
  delivery: Delivery.describe('What happens when a message cannot be delivered.'),
  incidents: Incidents,
  journeys: z.array(Journey).describe('Customer journeys (onboarding, trial, dunning).'),
  lifecycles: z.array(Lifecycle).describe('State machines of tracked records.'),
  checklists: z.array(Checklist).describe('One-off and recurring checklists.'),
  releases: Releases.describe('Release types, steps, checklist and rollback.'),
  vendors: Vendors.describe('The vendor register.'),
  backups: Backups.describe('Backups, recovery objectives and procedures.'),
  monitors: Monitors.describe('Health checks, heartbeats and metric thresholds.'),
  kpis: z.array(Kpi).describe('Targets the compliance report measures.'),
  records: z.array(RecordKind).describe('Kinds of customer records and their import rules.'),
  plans: z.array(Plan).describe('The customer plans of the SaaS.'),
  knowledge: z.array(KnowledgeItem).describe('Common issues and their first checks.'),
  desk: Desk.describe('The help desk: triage, assignment, automatic replies, CSAT and reopen rules.'),
} as const;

export const PackSchema = z.strictObject({
  pack: PackDocument,
  ...Object.fromEntries(Object.entries(PACK_SECTIONS).map(([k, v]) => [k, v.optional()])),
} as { pack: typeof PackDocument } & {
  [K in keyof typeof PACK_SECTIONS]: z.ZodOptional<(typeof PACK_SECTIONS)[K]>;
});

export type Pack = z.output<typeof PackSchema>;
export type PackSection = keyof typeof PACK_SECTIONS;
