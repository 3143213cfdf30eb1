/**
 * The live engine on both databases: an event and its effects commit together; timers wake the subject
 * on time and the effects they announce are recorded once; a redelivered timer records nothing; the
 * subject records the pack version that governs it; notifications reach the outbox with their channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { readEffects } from '../../src/engine/effects.js';
import { ENGINE_TIMER, Engine, NoActivePackError, type EngineEventInput } from '../../src/engine/engine.js';
import { loadSubject } from '../../src/engine/subjects.js';
import { Worker } from '../../src/engine/worker.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack, type ValidatedPack } from '../../src/packs/load.js';
import type { Database } from '../../src/store/database.js';
import { outbox, timers } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const T0 = '2025-01-20T10:00:00Z';
const MIN = 60_000;

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`live engine: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let ws: string;
    let pack: ValidatedPack;
    const clock = new ManualClock(T0);
    let live: Engine;
    let worker: Worker;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      ws = await createWorkspace(database);
      const loaded = await loadPack('packs/sofacover-pro');
      if (!loaded.ok) throw new Error('sofacover-pro is invalid');
      pack = loaded;
      live = new Engine(database, clock);
      worker = new Worker({
        database,
        workerId: 'wrk_engine',
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 100,
        timerHandlers: { [ENGINE_TIMER]: live.timerHandler },
      });
    });
    afterAll(async () => opened?.close());

    const effectsOf = (subject: string) =>
      database
        .inWorkspace(ws, (tx) => readEffects(tx, { subject }))
        .then((rows) =>
          rows.map((r) => [
            r.type,
            r.at.getTime() - Date.parse(T0),
            (r.data as { clock?: string; rule?: string }).clock ?? (r.data as { rule?: string }).rule,
          ]),
        );

    it('refuses events for a workspace with no active pack, changing nothing', async () => {
      const empty = await createWorkspace(database, 'No pack');
      await expect(
        live.handle(empty, {
          type: 'ticket.created',
          subject: 'ticket:X',
          data: { priority: 'p0', channel: 'email-support' },
          actor: 'test',
        }),
      ).rejects.toBeInstanceOf(NoActivePackError);
      expect(await database.inWorkspace(empty, (tx) => loadSubject(tx, empty, 'ticket:X'))).toBeNull();
    });

    it('runs a P0 ticket: response met, escalation at 30 min exactly once, version recorded', async () => {
      await activatePack(database, ws, pack, 'test', clock.now());
      const handled = await live.handle(ws, {
        type: 'ticket.created',
        subject: 'ticket:T1',
        data: { priority: 'p0', channel: 'phone-support' },
        actor: 'test',
      });
      expect(handled.recorded).toBeGreaterThan(0);
      const subject = await database.inWorkspace(ws, (tx) => loadSubject(tx, ws, 'ticket:T1'));
      expect(subject?.pack).toEqual({
        id: 'sofacover-pro',
        version: pack.pack.pack.version,
        hash: pack.hash,
      });
      const wakeups = await database.inWorkspace(ws, (tx) => tx.select().from(timers));
      expect(wakeups.map((t) => t.key).sort()).toContain('ticket:T1:escalation:p0-to-tier-2');

      clock.advance(12 * MIN);
      await live.handle(ws, {
        type: 'ticket.replied',
        subject: 'ticket:T1',
        data: { by: 'agent' },
        actor: 'test',
      });
      // Nothing is due before 30 min; then the escalation fires once.
      clock.advance(17 * MIN);
      await worker.runOnce();
      expect((await effectsOf('ticket:T1')).filter(([type]) => type === 'escalate')).toEqual([]);
      clock.advance(1 * MIN);
      while ((await worker.runOnce()).timers > 0);
      expect((await effectsOf('ticket:T1')).filter(([type]) => type === 'escalate')).toEqual([
        ['escalate', 30 * MIN, 'p0-to-tier-2'],
      ]);
      expect(await effectsOf('ticket:T1')).toContainEqual(['clock.met', 12 * MIN, 'response']);
    });

    it('a redelivered timer wakes the subject but records nothing new', async () => {
      const before = await effectsOf('ticket:T1');
      await database.inWorkspace(ws, (tx) =>
        live.timerHandler(tx, {
          workspaceId: ws,
          key: 'ticket:T1:escalation:p0-to-tier-2',
          kind: ENGINE_TIMER,
          subject: 'ticket:T1',
          runAt: new Date(Date.parse(T0) + 30 * MIN),
          payload: { name: 'escalation:p0-to-tier-2' },
          attempts: 1,
        }),
      );
      expect(await effectsOf('ticket:T1')).toEqual(before);
    });

    it("runs a pack's recurring checklists from its activation, each run once, also after re-activation", async () => {
      const estate = await createWorkspace(database, 'Estate');
      const loaded = await loadPack('packs/smart-estate');
      if (!loaded.ok) throw new Error('smart-estate is invalid');
      const start = clock.now();
      await activatePack(database, estate, loaded, 'test', start);
      const runs = () =>
        database
          .inWorkspace(estate, (tx) => readEffects(tx, {}))
          .then((rows) =>
            rows
              .filter((r) => r.type === 'checklist')
              .map((r) => `${r.subject}@${String((r.data as { dueMs?: number }).dueMs)}`),
          );
      expect(await runs()).toEqual([]);
      clock.advance(8 * 24 * 60 * MIN);
      while ((await worker.runOnce()).timers > 0);
      const firstWeek = await runs();
      expect(firstWeek.length).toBeGreaterThan(0);
      expect(new Set(firstWeek).size).toBe(firstWeek.length);
      // Activating the same version again, or a worker running again, opens nothing twice.
      await activatePack(database, estate, loaded, 'test', clock.now());
      while ((await worker.runOnce()).timers > 0);
      expect(await runs()).toEqual(firstWeek);
    });

    it('handles several events as one change, as if handled one by one', async () => {
      const events = (subject: string): EngineEventInput[] => [
        {
          type: 'ticket.created',
          subject,
          data: { priority: 'p0', channel: 'phone-support' },
          actor: 'test',
        },
        { type: 'ticket.replied', subject, data: { by: 'agent' }, actor: 'test' },
      ];
      for (const e of events('ticket:ONE')) await live.handle(ws, e);
      const handled = await database.inWorkspace(ws, (tx) =>
        live.handleAllIn(tx, ws, events('ticket:ALL'), { fresh: true }),
      );
      expect(handled.map((h) => h.recorded)).toEqual([
        handled[0]!.effects.length,
        handled[1]!.effects.length,
      ]);
      const shape = async (subject: string) => {
        const state = (await database.inWorkspace(ws, (tx) => loadSubject(tx, ws, subject)))!.state;
        const wakeups = await database.inWorkspace(ws, (tx) => tx.select().from(timers));
        return {
          effects: await effectsOf(subject),
          fields: state.fields,
          timers: wakeups
            .filter((t) => t.subject === subject)
            .map((t) => [t.key.slice(subject.length), t.runAt.toISOString()])
            .sort(),
        };
      };
      expect(await shape('ticket:ALL')).toEqual(await shape('ticket:ONE'));
      const met = (await shape('ticket:ALL')).effects.filter(
        ([t, , c]) => t === 'clock.met' && c === 'response',
      );
      expect(met).toHaveLength(1);
      // `fresh` claims the subject is new: one that exists makes the write fail, for the caller to retry.
      await expect(
        database.inWorkspace(ws, (tx) => live.handleAllIn(tx, ws, events('ticket:ALL'), { fresh: true })),
      ).rejects.toThrow(/created concurrently/);
    });

    it('records a notification in the outbox, keyed by its effect', async () => {
      await live.handle(ws, {
        type: 'incident.declared',
        subject: 'incident:I1',
        data: { priority: 'p0', title: 'Site down' },
        actor: 'test',
      });
      const messages = await database.inWorkspace(ws, (tx) => tx.select().from(outbox));
      const channels = messages
        .filter((m) => m.idempotencyKey.startsWith('incident:I1:'))
        .map((m) => `${m.channel}:${(m.payload as { channel: string }).channel}`)
        .sort();
      expect(channels).toEqual([
        'notify:alert-email',
        'notify:alert-phone',
        'notify:alert-sms',
        'notify:support-critical',
        'notify:support-critical',
      ]);
    });
  });
}
