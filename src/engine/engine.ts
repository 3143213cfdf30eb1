/**
 * The live engine: an event (or a use case's few events for one subject, or many subjects' events at once:
 * handleSubjectsIn, for a bulk call of usage facts) in one transaction. It locks the
 * subject, runs the pure `decide` with the pack version the subject runs under (a new subject takes the
 * workspace's active version and keeps it), and commits together the new state, the effects (each under
 * its unique idempotency key), the outbox message of every notification, the subject's timers and a
 * timeline entry per event, each kind in one statement. A timer only wakes the subject: the
 * same `decide` reads from the record what fell due, so a late or repeated timer never changes a verdict
 * and never records an effect twice.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { schedulesOf } from '../core/decide/schedules.js';
import { prepare, type EnginePolicy } from '../core/decide/prepare.js';
import type { Effect, Fields, SubjectState } from '../core/decide/types.js';
import { deriveDue, readClock } from '../core/clocks.js';
import { compilePack } from '../packs/compile.js';
import type { Pack } from '../packs/schema/pack.js';
import type { Database, Tx } from '../store/database.js';
import { pgCode, rowsOf } from '../store/database.js';
import { packVersions, subjects } from '../store/schema.js';
import type { Clock } from './clock.js';
import { readEffects, recordEffects, type EffectInput } from './effects.js';
import { enqueueMessages, NOTIFY_CHANNEL, type MessageInput } from './outbox.js';
import { loadSubject, lockSubject, saveSubject, SubjectConflictError, type PackRef } from './subjects.js';
import {
  decideEvents,
  effectInputsOf,
  ENGINE_TIMER,
  handledOf,
  inChunks,
  timelineOf,
  timerInputsOf,
  type SubjectDecision,
} from './decided.js';
import { appendTimelines } from './timeline.js';
import { scheduleTimers } from './timers.js';
import { sqlNow } from './sql-time.js';
import type { TimerHandler } from './worker.js';
import { mirrorTicket } from '../modules/support/mirror.js';
import { mirrorIncident } from '../modules/incidents/mirror.js';
import { mirrorAccount } from '../modules/customers/mirror.js';
import { activationObserver } from '../modules/customers/activation.js';
import { reviewDigestObserver } from '../modules/customers/digest.js';
import { raiseEngineTasks } from '../modules/work/engine-tasks.js';
import { openChecklistRuns } from '../modules/work/checklists.js';
import { mirrorRecord } from '../modules/records/mirror.js';

export { ENGINE_TIMER };

export interface EngineEventInput {
  readonly type: string;
  /** `ticket:T1`. */
  readonly subject: string;
  readonly data: Fields;
  /** Who or what sent it, for the timeline (`user:…`, `api-token:…`, `smtp`). */
  readonly actor: string;
}

export interface HandledEvent {
  readonly effects: readonly Effect[];
  /** Effects recorded by this call (a redelivered event records none). */
  readonly recorded: number;
}

/** No active pack governs the workspace: nothing can decide for it. */
export class NoActivePackError extends Error {
  constructor(readonly workspaceId: string) {
    super(
      `workspace ${workspaceId} has no active pack; activate one (opsbook activate) before sending events`,
    );
    this.name = 'NoActivePackError';
  }
}

export interface SubjectView {
  readonly key: string;
  readonly kind: string;
  readonly pack: PackRef;
  readonly open: boolean;
  readonly fields: Fields;
  readonly facts: Fields;
  readonly lifecycles: Readonly<Record<string, string>>;
  readonly clocks: readonly {
    readonly id: string;
    readonly source: string;
    readonly phase: string;
    readonly elapsedMs: number;
    readonly remainingMs: number;
    readonly due: string | null;
    readonly derivation: string;
  }[];
  readonly effects: readonly {
    readonly key: string;
    readonly type: string;
    readonly at: string;
    readonly data: Record<string, unknown>;
  }[];
}

/** An event for a record that was never created (a reply to a ticket that does not exist). */
export class UnknownSubjectError extends Error {
  constructor(readonly subject: string) {
    super(`${subject} does not exist; send the event that creates it first`);
    this.name = 'UnknownSubjectError';
  }
}

/** A clock as the API and the help desk show it: its reading now and why it is due when it is. */
export type ClockView = SubjectView['clocks'][number];

/** Each clock's reading at `nowMs`, with the derivation of its due time. */
export function clockViews(ep: EnginePolicy, state: SubjectState, nowMs: number): ClockView[] {
  return Object.entries(state.clocks).map(([id, tracked]) => {
    const calendar = ep.calendar(tracked.clock.calendarId);
    const reading = readClock(tracked.clock, calendar, nowMs);
    return {
      id,
      source: tracked.source,
      phase: reading.phase,
      elapsedMs: reading.elapsedMs,
      remainingMs: reading.remainingMs,
      due:
        reading.dueMs === null || !Number.isFinite(reading.dueMs)
          ? null
          : new Date(reading.dueMs).toISOString(),
      derivation: deriveDue(tracked.clock, calendar, nowMs, ep.timeZone).text,
    };
  });
}

/** The pack channel escalations are announced on: its in-app channel, else its dashboard. */
function escalationChannel(ep: EnginePolicy): string | null {
  return ep.memo('engine:escalation-channel', () => {
    const channels = ep.policy.pack.channels ?? [];
    const pick = (kind: string) =>
      channels.find((c) => c.kind === kind && c.audience === 'internal') ??
      channels.find((c) => c.kind === kind);
    return (pick('in-app') ?? pick('dashboard'))?.id ?? null;
  });
}

/**
 * Told of every decision, in its transaction, after the subject is saved: the help desk mirrors a ticket's
 * status, tier and clocks into its row (src/modules/support/mirror.ts), whether an API call or a timer
 * decided.
 */
export type SubjectObserver = (
  tx: Tx,
  change: {
    readonly workspaceId: string;
    readonly event: EngineEventInput;
    readonly state: SubjectState;
    readonly effects: readonly Effect[];
    readonly ep: EnginePolicy;
    readonly nowMs: number;
  },
) => Promise<void>;

export interface EngineOptions {
  /**
   * Default: the ticket, incident and account mirrors, the estate activation, the review digest's arming,
   * the pack's tasks and its checklist runs, the bug and release mirror.
   */
  readonly observers?: readonly SubjectObserver[];
}

export class Engine {
  /** Prepared policies by pack hash: a version never changes, so it is prepared once per process. */
  private readonly policies = new Map<string, { ep: EnginePolicy; ref: PackRef }>();
  private readonly observers: readonly SubjectObserver[];
  /** The database clock's reading, once per transaction. */
  private readonly txNow = new WeakMap<Tx, number>();

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    options: EngineOptions = {},
  ) {
    this.observers = options.observers ?? [
      mirrorTicket,
      mirrorIncident,
      mirrorAccount,
      activationObserver(this),
      reviewDigestObserver,
      raiseEngineTasks,
      openChecklistRuns,
      mirrorRecord,
    ];
  }

  /**
   * Handles one event in the caller's transaction, so a use case (a ticket reply) commits its own rows
   * and the engine's decision together. The caller retries on `SubjectConflictError`.
   */
  async handleIn(
    tx: Tx,
    workspaceId: string,
    event: EngineEventInput,
    options: { readonly mustExist?: boolean } = {},
  ): Promise<HandledEvent> {
    if (options.mustExist && !(await loadSubject(tx, workspaceId, event.subject)))
      throw new UnknownSubjectError(event.subject);
    const [handled] = await this.decideIn(tx, workspaceId, [event], null);
    return handled!;
  }

  /**
   * Handles several events for one subject in order, in the caller's transaction, written as one change
   * (a new ticket and its assignment). `fresh`: the caller is creating the subject, so it is not read
   * first; if it exists after all, SubjectConflictError (retry).
   */
  async handleAllIn(
    tx: Tx,
    workspaceId: string,
    events: readonly EngineEventInput[],
    options: {
      readonly fresh?: boolean;
      /** The pack version that governs a fresh subject, as the caller already read it. */
      readonly version?: { ep: EnginePolicy; ref: PackRef };
    } = {},
  ): Promise<HandledEvent[]> {
    if (events.length === 0) return [];
    const fresh = options.fresh ?? false;
    return this.decideIn(tx, workspaceId, events, null, fresh ? options.version : undefined, fresh);
  }

  /**
   * Decides many subjects in the caller's transaction, each on its own events in order (as handleAllIn
   * would), and writes them together: one locked read of every subject (in key order, so two such calls
   * cannot deadlock on each other), then one statement each for the new subjects, the changed ones, the
   * effects, the outbox rows, the timers and the timeline. Every observer is told of each subject's
   * decision, as after handleAllIn. For a use case that tells many records at once: a bulk request of usage
   * facts (customers/facts.ts) is one call instead of a decision, and ten statements, per account.
   *
   * `skipUngoverned`: a new subject while no pack is active is left undecided (answered null) instead of
   * failing the call with NoActivePackError. Throws SubjectConflictError when a new subject was created
   * concurrently (retry).
   *
   * @example await engine.handleSubjectsIn(tx, ws, [[factSet('account:a1')], [factSet('user:c1')]])
   */
  async handleSubjectsIn(
    tx: Tx,
    workspaceId: string,
    groups: readonly (readonly EngineEventInput[])[],
    options: { readonly skipUngoverned?: boolean } = {},
  ): Promise<(HandledEvent[] | null)[]> {
    const keys = groups.map((events) => events[0]?.subject ?? '');
    if (groups.some((events, i) => events.length === 0 || events.some((e) => e.subject !== keys[i])))
      throw new Error('handleSubjectsIn: each group is one or more events of one subject');
    if (new Set(keys).size !== keys.length) throw new Error('handleSubjectsIn: each subject is in one group');
    if (keys.length === 0) return [];
    const nowMs = await this.nowIn(tx, null);
    const stored = await this.lockSubjects(tx, workspaceId, keys);
    const active = await this.activeIfNeeded(tx, workspaceId, keys, stored, options.skipUngoverned ?? false);
    const outcomes: (SubjectDecision | null)[] = [];
    for (const [i, events] of groups.entries()) {
      const row = stored.get(keys[i]!);
      const governing = row ? await this.policyByHash(tx, workspaceId, row.pack) : active;
      const prior = row ? (row.state as SubjectState) : null;
      // A timer for a subject that does not exist has nothing to wake (as in decideIn).
      if (!governing || (!prior && events.some((e) => e.type === 'timer'))) {
        outcomes.push(null);
        continue;
      }
      const decision = decideEvents(governing.ep, prior, events, nowMs);
      outcomes.push({ key: keys[i]!, governing, revision: row?.revision ?? null, ...decision });
    }
    const decided = outcomes.filter((o): o is SubjectDecision => o !== null);
    await this.saveSubjects(tx, workspaceId, decided);
    const inputs = decided.map((d) => effectInputsOf(d.decided.flatMap((e) => e.effects)));
    const created = new Set<string>();
    await inChunks(inputs.flat(), async (chunk) => {
      for (const key of await recordEffects(tx, workspaceId, chunk)) created.add(key);
    });
    const messages = decided.flatMap((d, i) =>
      this.messagesOf(
        d.governing.ep,
        d.decided.flatMap((e) => e.effects),
        inputs[i]!,
        created,
      ),
    );
    await inChunks(messages, (chunk) => enqueueMessages(tx, workspaceId, chunk));
    await scheduleTimers(
      tx,
      workspaceId,
      decided.flatMap((d) => timerInputsOf(d.key, d.timersByName, nowMs)),
    );
    for (const d of decided)
      for (const observe of this.observers)
        await observe(tx, {
          workspaceId,
          event: d.decided.at(-1)!.event,
          state: d.state,
          effects: d.decided.flatMap((e) => e.effects),
          ep: d.governing.ep,
          nowMs,
        });
    const handled = new Map(decided.map((d) => [d.key, handledOf(d.decided, created)]));
    await inChunks(
      decided.flatMap((d) => timelineOf(d.decided, handled.get(d.key)!, nowMs)),
      (chunk) => appendTimelines(tx, workspaceId, chunk),
    );
    return keys.map((key) => handled.get(key) ?? null);
  }

  /** The policy governing a subject (or, for a new one, the workspace's active pack). */
  async policyFor(
    tx: Tx,
    workspaceId: string,
    subjectKey: string,
  ): Promise<{ ep: EnginePolicy; ref: PackRef }> {
    const subject = await loadSubject(tx, workspaceId, subjectKey);
    return subject ? this.policyByHash(tx, workspaceId, subject.pack) : this.activePolicyIn(tx, workspaceId);
  }

  /** Handles one event for a workspace; retried once when another transaction created the subject first. */
  async handle(
    workspaceId: string,
    event: EngineEventInput,
    options: { readonly mustExist?: boolean } = {},
  ): Promise<HandledEvent> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.inWorkspace(workspaceId, async (tx) => {
          if (options.mustExist && !(await loadSubject(tx, workspaceId, event.subject)))
            throw new UnknownSubjectError(event.subject);
          const [handled] = await this.decideIn(tx, workspaceId, [event], null);
          return handled!;
        });
      } catch (err) {
        // Lost a race: another writer created the subject, or PostgreSQL broke a deadlock (an account's
        // use case locks its row before the subject, this mirrors the row after) by aborting this one.
        const lost = err instanceof SubjectConflictError || pgCode(err) === '40P01';
        if (!lost || attempt >= 3) throw err;
      }
    }
  }

  /**
   * A subject as the API shows it: its fields, and each clock's reading now with the derivation of its due
   * time ("due Sat 09:05 IST: 15 min on calendar whatsapp, closed Fri 21:00-Sat 09:00"). Null when unknown.
   */
  async describe(workspaceId: string, key: string): Promise<SubjectView | null> {
    return this.database.inWorkspace(workspaceId, async (tx) => {
      const subject = await loadSubject(tx, workspaceId, key);
      if (!subject) return null;
      const { ep } = await this.policyByHash(tx, workspaceId, subject.pack);
      const nowMs = await this.nowIn(tx, null);
      const state = subject.state as unknown as SubjectState;
      const clocks = clockViews(ep, state, nowMs);
      const effects = await readEffects(tx, { subject: key });
      return {
        key,
        kind: subject.kind,
        pack: subject.pack,
        open: state.open,
        fields: state.fields,
        facts: state.facts,
        lifecycles: Object.fromEntries(Object.entries(state.lifecycles).map(([id, p]) => [id, p.state])),
        clocks,
        effects: effects.map((e) => ({
          key: e.key,
          type: e.type,
          at: e.at.toISOString(),
          data: e.data as Record<string, unknown>,
        })),
      };
    });
  }

  /** The worker's handler for `engine.wake` timers: runs in the worker's transaction. */
  readonly timerHandler: TimerHandler = async (tx, timer) => {
    const name = typeof timer.payload.name === 'string' ? timer.payload.name : '';
    await this.decideIn(
      tx,
      timer.workspaceId,
      [{ type: 'timer', subject: timer.subject, data: { timer: name }, actor: 'engine' }],
      timer.runAt,
    );
  };

  /**
   * Starts (or moves to this version) every recurring schedule of a pack version, in the caller's
   * transaction: activation calls it, so a pack's recurring checklists run from the moment it is active.
   * A schedule that already ran keeps its last run, so re-activating never opens a run twice.
   */
  async startSchedules(tx: Tx, workspaceId: string, ref: PackRef): Promise<number> {
    const governing = await this.policyByHash(tx, workspaceId, ref);
    const schedules = schedulesOf({ ep: governing.ep });
    for (const schedule of schedules) {
      await this.decideIn(
        tx,
        workspaceId,
        [
          {
            type: 'schedule.started',
            subject: schedule.key,
            data: { checklist: schedule.checklist },
            actor: 'engine',
          },
        ],
        null,
        governing,
      );
    }
    return schedules.length;
  }

  /**
   * Decides `events` (all for one subject) in order on one read of the subject, then writes once: the
   * state, every new effect, the outbox rows of notifications, the final timers, a timeline entry per
   * event. `fresh`: the subject is being created now (no read; a concurrent creator makes the insert fail
   * with SubjectConflictError, and the caller retries).
   */
  private async decideIn(
    tx: Tx,
    workspaceId: string,
    events: readonly EngineEventInput[],
    dueAt: Date | null,
    version?: { ep: EnginePolicy; ref: PackRef },
    fresh = false,
  ): Promise<HandledEvent[]> {
    const subjectKey = events[0]!.subject;
    if (events.some((e) => e.subject !== subjectKey))
      throw new Error('decideIn: every event of one call is for the same subject');
    const nowMs = await this.nowIn(tx, dueAt);
    const subject = fresh ? null : await lockSubject(tx, workspaceId, subjectKey);
    const governing =
      version ??
      (subject
        ? await this.policyByHash(tx, workspaceId, subject.pack)
        : await this.activePolicyIn(tx, workspaceId));
    const prior = subject ? (subject.state as unknown as SubjectState) : null;
    // A timer for a subject that no longer exists (or never did) has nothing to wake.
    if (!prior && events.some((e) => e.type === 'timer'))
      return events.map(() => ({ effects: [], recorded: 0 }));
    const { state, decided, timersByName } = decideEvents(governing.ep, prior, events, nowMs);
    await saveSubject(tx, workspaceId, {
      key: subjectKey,
      kind: state.kind,
      pack: governing.ref,
      state: state as unknown as Record<string, unknown>,
      expectedRevision: subject?.revision ?? null,
    });
    const all = decided.flatMap((d) => d.effects);
    const inputs = effectInputsOf(all);
    const created = await recordEffects(tx, workspaceId, inputs);
    await enqueueMessages(tx, workspaceId, this.messagesOf(governing.ep, all, inputs, created));
    await scheduleTimers(tx, workspaceId, timerInputsOf(subjectKey, timersByName, nowMs));
    for (const observe of this.observers)
      await observe(tx, {
        workspaceId,
        event: events.at(-1)!,
        state,
        effects: all,
        ep: governing.ep,
        nowMs,
      });
    const handled = handledOf(decided, created);
    await appendTimelines(tx, workspaceId, timelineOf(decided, handled, nowMs));
    return handled;
  }

  /** The stored subjects among `keys`, locked (SELECT … FOR UPDATE) in key order. */
  private async lockSubjects(tx: Tx, workspaceId: string, keys: readonly string[]) {
    const rows: Awaited<ReturnType<typeof this.lockSome>> = [];
    // Sorted, then a chunk at a time: the locks are still taken in key order.
    await inChunks([...keys].sort(), async (chunk) =>
      rows.push(...(await this.lockSome(tx, workspaceId, chunk))),
    );
    return new Map(
      rows.map((r) => [
        r.key,
        {
          pack: { id: r.packId, version: r.packVersion, hash: r.packHash },
          state: r.state,
          revision: r.revision,
        },
      ]),
    );
  }

  private async lockSome(tx: Tx, workspaceId: string, keys: readonly string[]) {
    return tx
      .select({
        key: subjects.key,
        packId: subjects.packId,
        packVersion: subjects.packVersion,
        packHash: subjects.packHash,
        state: subjects.state,
        revision: subjects.revision,
      })
      .from(subjects)
      .where(and(eq(subjects.workspaceId, workspaceId), inArray(subjects.key, [...keys])))
      .orderBy(subjects.key)
      .for('update');
  }

  /** The active pack, read once, when some subject is new; null (if allowed) when none is active. */
  private async activeIfNeeded(
    tx: Tx,
    workspaceId: string,
    keys: readonly string[],
    stored: ReadonlyMap<string, unknown>,
    skipUngoverned: boolean,
  ): Promise<{ ep: EnginePolicy; ref: PackRef } | null> {
    if (keys.every((key) => stored.has(key))) return null;
    try {
      return await this.activePolicyIn(tx, workspaceId);
    } catch (err) {
      if (skipUngoverned && err instanceof NoActivePackError) return null;
      throw err;
    }
  }

  /**
   * Writes the decided subjects: the new ones in one insert, the others in one update at the revision
   * they were read at (locked, so it holds; checked all the same, as saveSubject does).
   */
  private async saveSubjects(tx: Tx, workspaceId: string, decided: readonly SubjectDecision[]) {
    const fresh = decided.filter((d) => d.revision === null);
    const fields = (d: SubjectDecision) => ({
      kind: d.state.kind,
      packId: d.governing.ref.id,
      packVersion: d.governing.ref.version,
      packHash: d.governing.ref.hash,
      state: d.state as unknown as Record<string, unknown>,
    });
    const made = new Set<string>();
    await inChunks(fresh, async (chunk) => {
      const inserted = await tx
        .insert(subjects)
        .values(chunk.map((d) => ({ workspaceId, key: d.key, ...fields(d), revision: 1 })))
        .onConflictDoNothing()
        .returning({ key: subjects.key });
      for (const r of inserted) made.add(r.key);
    });
    const lostFresh = fresh.find((d) => !made.has(d.key));
    if (lostFresh) throw new SubjectConflictError(lostFresh.key, null);
    const changed = decided.filter((d) => d.revision !== null);
    if (changed.length === 0) return;
    // One UPDATE … FROM a JSON array of rows: a statement per subject was most of a bulk call's cost.
    const rows = changed.map((d) => {
      const f = fields(d);
      return {
        key: d.key,
        kind: f.kind,
        pack_id: f.packId,
        pack_version: f.packVersion,
        pack_hash: f.packHash,
        state: f.state,
        revision: d.revision,
      };
    });
    const updated = rowsOf<{ key: string }>(
      await tx.execute(sql`
        update subjects as s
           set kind = v.kind, pack_id = v.pack_id, pack_version = v.pack_version, pack_hash = v.pack_hash,
               state = v.state, revision = v.revision + 1, updated_at = now()
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as v(key text, kind text, pack_id text, pack_version text, pack_hash text, state jsonb, revision int)
         where s.workspace_id = ${workspaceId} and s.key = v.key and s.revision = v.revision
        returning s.key`),
    );
    if (updated.length < changed.length) {
      const saved = new Set(updated.map((r) => r.key));
      const lost = changed.find((d) => !saved.has(d.key))!;
      throw new SubjectConflictError(lost.key, lost.revision);
    }
  }

  /**
   * The outbox rows of newly recorded effects: a notification is one `notify` row (the dispatcher expands
   * it into deliveries when it is due, so channel hours and the people on duty then are what count); an
   * escalation tells whoever it goes to, by hand or by a timer ("L1 → L2 after 30 min"), on the pack's
   * in-app channel, else its dashboard feed (a pack without either records it only).
   */
  private messagesOf(
    ep: EnginePolicy,
    effects: readonly Effect[],
    inputs: readonly EffectInput[],
    created: ReadonlySet<string>,
  ): MessageInput[] {
    const out: MessageInput[] = [];
    const seen = new Set<string>();
    for (const [i, effect] of effects.entries()) {
      if (!created.has(effect.key) || seen.has(effect.key)) continue;
      seen.add(effect.key);
      const { key, subject: subjectKey, type, data } = inputs[i]!;
      if (effect.type === 'notify')
        out.push({
          idempotencyKey: key,
          channel: NOTIFY_CHANNEL,
          payload: { ...data, subject: subjectKey, type },
          ...(effect.notBeforeMs !== undefined ? { notBefore: new Date(effect.notBeforeMs) } : {}),
        });
      if (effect.type === 'escalate' && typeof effect.to === 'string') {
        const channel = escalationChannel(ep);
        if (channel)
          out.push({
            idempotencyKey: `${key}:notify`,
            channel: NOTIFY_CHANNEL,
            payload: { ...data, channel, to: [effect.to], subject: subjectKey, type: 'notify' },
          });
      }
    }
    return out;
  }

  /**
   * The instant the engine decides at in this transaction: what a use case records beside an event whose
   * clocks start with it (an incident's detection is T+0 of its stage deadlines), so the two agree exactly.
   */
  async nowOf(tx: Tx): Promise<Date> {
    return new Date(await this.nowIn(tx, null));
  }

  /** Now, from the engine's clock, or the database's; a timer is never handled before its instant. */
  private async nowIn(tx: Tx, dueAt: Date | null): Promise<number> {
    // Only the database's clock needs asking; an injected clock (tests, activation) answers itself.
    const instant = this.clock.now();
    let nowMs = instant?.getTime() ?? this.txNow.get(tx);
    if (nowMs === undefined) {
      const [row] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select ${sqlNow(null)} as now`));
      nowMs = new Date(row?.now ?? 0).getTime();
      // One reading per transaction: a use case that decides twice (create, then assign) decides both at
      // the same instant, as one change.
      this.txNow.set(tx, nowMs);
    }
    return dueAt ? Math.max(nowMs, dueAt.getTime()) : nowMs;
  }

  /** The workspace's active pack version, prepared (what a new subject is governed by). */
  async activePolicyIn(tx: Tx, workspaceId: string): Promise<{ ep: EnginePolicy; ref: PackRef }> {
    const rows = await tx
      .select({ hash: packVersions.hash, packId: packVersions.packId, version: packVersions.version })
      .from(packVersions)
      .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.active, true)))
      .orderBy(packVersions.activatedAt)
      .limit(1);
    const active = rows[0];
    if (!active) throw new NoActivePackError(workspaceId);
    return this.policyByHash(tx, workspaceId, {
      id: active.packId,
      version: active.version,
      hash: active.hash,
    });
  }

  private async policyByHash(tx: Tx, workspaceId: string, ref: PackRef) {
    const cached = this.policies.get(ref.hash);
    if (cached) return cached;
    const rows = await tx
      .select({ document: packVersions.document })
      .from(packVersions)
      .where(and(eq(packVersions.workspaceId, workspaceId), eq(packVersions.hash, ref.hash)))
      .limit(1);
    const document = rows[0]?.document;
    if (!document)
      throw new Error(
        `pack version ${ref.id} ${ref.version} (${ref.hash}) is not stored in workspace ${workspaceId}`,
      );
    const prepared = { ep: prepare(compilePack(document as Pack, ref.hash)), ref };
    this.policies.set(ref.hash, prepared);
    return prepared;
  }
}
