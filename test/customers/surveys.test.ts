/**
 * ShopSmart's day-30 NPS survey (SOP-001) end to end on both engines, on a clock that moves only when
 * told: a shop owner registers; at T+30 days the journey's survey is recorded; expanding it records one
 * invitation whose own link is in the message; the answer by that link runs the pack's band action once
 * ("0-6 (Detractors) | Immediate escalation to Success lead"); a second answer is refused and changes
 * nothing; a wrong token or a score off the scale is refused; the results count the answer.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import type { OutboxMessage } from '../../src/engine/outbox.js';
import { Worker } from '../../src/engine/worker.js';
import { OpsError } from '../../src/errors/catalog.js';
import { createAccount } from '../../src/modules/customers/accounts.js';
import { createContact } from '../../src/modules/customers/contacts.js';
import {
  accountSurveys,
  answerInvitation,
  inviteToSurvey,
  invitationForLink,
  surveyResults,
} from '../../src/modules/customers/surveys.js';
import { governingPolicy } from '../../src/modules/notifications/directory.js';
import { expandNotification } from '../../src/modules/notifications/expand.js';
import { updateTemplateValues } from '../../src/modules/notifications/template-values.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { loadPack } from '../../src/packs/load.js';
import { rowsOf, type Database } from '../../src/store/database.js';
import { outbox } from '../../src/store/schema.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';

const START = '2026-03-02T04:00:00Z';
const DAY = 86_400_000;
const PUBLIC_URL = 'https://ops.example.test';

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`day-30 NPS survey: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let database: Database;
    let clock: ManualClock;
    let eng: Engine;
    let ws: string;

    beforeAll(async () => {
      opened = await engine.open();
      database = opened.database;
      clock = new ManualClock(START);
      eng = new Engine(database, clock);
      ws = await createWorkspace(database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(database, ws, loaded, 'test', clock.now());
    });
    afterAll(async () => {
      await opened?.close();
    });

    /** Runs due timers, then expands the pending notifications as the notify lane does. */
    async function runDue(): Promise<void> {
      const w = new Worker({
        database,
        workerId: `wrk_surveys_${engine.name}`,
        timerHandlers: { [ENGINE_TIMER]: eng.timerHandler },
        clock,
        leaseSeconds: 30,
        pollIntervalMs: 50,
        batchSize: 50,
      });
      for (let i = 0; i < 10 && (await w.runOnce()).timers > 0; i++);
      const pending = await database.inWorkspace(ws, (tx) =>
        tx
          .update(outbox)
          .set({ lockedBy: 'test-lane' })
          .where(and(eq(outbox.channel, 'notify'), eq(outbox.status, 'pending')))
          .returning(),
      );
      for (const row of pending) {
        const message: OutboxMessage = {
          id: row.id,
          workspaceId: ws,
          idempotencyKey: row.idempotencyKey,
          channel: row.channel,
          payload: row.payload as Record<string, unknown>,
          attempts: 1,
        };
        await expandNotification(database, message, 'test-lane', {
          now: () => clock.now(),
          publicUrl: PUBLIC_URL,
        });
      }
    }

    const deliveries = (pattern: string) =>
      database.inWorkspace(ws, async (tx) =>
        rowsOf<{ channel: string; to: string; text: string }>(
          await tx.execute(sql`
            select channel, payload->>'to' as to, payload->>'text' as text from outbox
             where channel in ('email', 'sms') and payload->>'text' like ${pattern} order by id`),
        ),
      );

    const effectsOf = (subject: string, type: string) =>
      database.inWorkspace(ws, async (tx) =>
        rowsOf<{ key: string }>(
          await tx.execute(sql`select key from effects where subject = ${subject} and type = ${type}`),
        ),
      );

    let link: URL;

    it('sends each registered owner one invitation with its own link at T+30 days', async () => {
      await database.inWorkspace(ws, async (tx) => {
        await createAccount(tx, ws, { id: 'shop_1', name: 'Gupta General Store', kind: 'shop' }, clock.now());
        for (const [i, name] of ['Ramesh Gupta', 'Sunita Rao'].entries())
          await createContact(
            tx,
            eng,
            ws,
            'shop_1',
            { name, phone: `+91981234567${i}`, email: `owner${i}@shop.example`, register: true },
            'test',
            clock.now(),
          );
      });
      // The pack's `from: workspace` link, set once for the workspace, reaches the day-1 tutorial email.
      await database.inWorkspace(ws, async (tx) =>
        updateTemplateValues(tx, ws, await governingPolicy(tx, ws, null), {
          video_url: 'https://shopsmart.example/video',
        }),
      );
      clock.set(new Date(Date.parse(START) + 30 * DAY - 60_000));
      await runDue();
      expect(await deliveries(`%${PUBLIC_URL}/survey/%`)).toEqual([]);
      expect(await deliveries('%https://shopsmart.example/video%')).toHaveLength(2);
      // The Day 3 call (T+72h) is a task on the CSM's list, with the Hindi call script, for each owner.
      const calls = await database.inWorkspace(ws, async (tx) =>
        rowsOf<{ subject: string; assignee: string }>(
          await tx.execute(sql`select subject, assignee from tasks where script = 'day-3-call-script'`),
        ),
      );
      expect(calls).toHaveLength(2);
      expect(calls.every((c) => c.assignee === 'role:csm')).toBe(true);
      clock.set(new Date(Date.parse(START) + 30 * DAY + 1000));
      await runDue();
      const sent = await deliveries(`%${PUBLIC_URL}/survey/%`);
      expect(sent).toHaveLength(2);
      const links = sent.map((d) => /https:\/\/\S+/.exec(d.text)![0]);
      expect(new Set(links).size).toBe(2);
      link = new URL(links[0]!);
      const invitations = await database.inWorkspace(ws, (tx) => accountSurveys(tx, ws, 'shop_1'));
      expect(invitations).toHaveLength(2);
      expect(invitations.every((i) => i.survey === 'nps-day-30' && i.scale === 'nps' && !i.answeredAt)).toBe(
        true,
      );
      // Expanding again (a lapsed lease) records no second invitation.
      await runDue();
      expect(await database.inWorkspace(ws, (tx) => accountSurveys(tx, ws, 'shop_1'))).toHaveLength(2);
    });

    it('takes one answer by the link, runs the band action once, and refuses a second', async () => {
      const [, , wsId, id] = link.pathname.split('/');
      const token = link.searchParams.get('t')!;
      expect(wsId).toBe(ws);
      const invitation = await database.inWorkspace(ws, (tx) => invitationForLink(tx, ws, id!, token));
      expect(invitation).not.toBeNull();
      expect(await database.inWorkspace(ws, (tx) => invitationForLink(tx, ws, id!, `${token}x`))).toBeNull();

      const answer = (score: number, t: string | undefined = token) =>
        database.inWorkspace(ws, (tx) =>
          answerInvitation(tx, eng, ws, id!, { score, token: t, via: 'link', actor: 'survey' }),
        );
      await expect(answer(3, 'wrong')).rejects.toMatchObject({ code: 'OPS_NOT_FOUND' });
      await expect(answer(11)).rejects.toMatchObject({ code: 'OPS_VALIDATION' });
      await expect(answer(-1)).rejects.toMatchObject({ code: 'OPS_VALIDATION' });
      expect(await effectsOf(invitation!.subject, 'escalate')).toEqual([]);

      const answered = await answer(3);
      expect(answered).toMatchObject({ score: 3, answeredVia: 'link' });
      const escalations = await effectsOf(invitation!.subject, 'escalate');
      expect(escalations).toHaveLength(1);

      const second = await answer(10).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(OpsError);
      expect(second).toMatchObject({ code: 'OPS_SURVEY_ANSWERED' });
      expect((second as OpsError).message).toContain('(3 of 10)');
      expect(await effectsOf(invitation!.subject, 'escalate')).toHaveLength(1);
      expect(await effectsOf(invitation!.subject, 'notify')).not.toContainEqual(
        expect.objectContaining({ key: expect.stringContaining('promoters') }),
      );
    });

    it('takes an in-app answer by id, and sums the results per survey and week', async () => {
      const [other] = (await database.inWorkspace(ws, (tx) => accountSurveys(tx, ws, 'shop_1'))).filter(
        (i) => !i.answeredAt,
      );
      await database.inWorkspace(ws, (tx) =>
        answerInvitation(tx, eng, ws, other!.id, {
          score: 10,
          comment: ' Great app ',
          via: 'api',
          actor: 'test',
        }),
      );
      const promoter = await effectsOf(other!.subject, 'notify');
      expect(promoter.some((e) => e.key.includes('promoters'))).toBe(true);
      const [result] = await database.inWorkspace(ws, (tx) =>
        surveyResults(tx, ws, { from: new Date(START), to: new Date(Date.parse(START) + 40 * DAY) }),
      );
      // One promoter (10) and one detractor (3): NPS 0; both invitations answered.
      expect(result).toMatchObject({
        survey: 'nps-day-30',
        scale: 'nps',
        invited: 2,
        responseRate: 100,
        answers: 2,
        score: 0,
        bands: { promoter: 1, passive: 0, detractor: 1 },
      });
      expect(result!.weeks).toEqual([{ week: '2026-03-30', answers: 2, score: 0 }]);
      const [mine] = (await database.inWorkspace(ws, (tx) => accountSurveys(tx, ws, 'shop_1'))).filter(
        (i) => i.id === other!.id,
      );
      expect(mine).toMatchObject({ score: 10, comment: 'Great app', answeredVia: 'api' });
    });

    it('takes one of two answers sent at once, and refuses the other', async () => {
      const [first] = await database.inWorkspace(ws, (tx) => accountSurveys(tx, ws, 'shop_1'));
      const again = await database.inWorkspace(ws, (tx) =>
        inviteToSurvey(tx, ws, {
          survey: 'nps-day-30',
          scale: 'nps',
          subject: first!.subject,
          accountId: 'shop_1',
          messageId: `msg_concurrent_${engine.name}`,
          at: clock.now(),
        }),
      );
      const answer = (score: number) =>
        database.inWorkspace(ws, (tx) =>
          answerInvitation(tx, eng, ws, again.id, {
            score,
            token: again.token,
            via: 'link',
            actor: 'survey',
          }),
        );
      const results = await Promise.allSettled([answer(9), answer(2)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'OPS_SURVEY_ANSWERED' });
    });
  });
}
