/**
 * An account's journeys as Customer.io shows a person's campaigns (issue 9): for the account and each of
 * its registered contacts, every journey the pack ran on them, the steps done, and what is next and why —
 * the next timed step with its due instant and the condition that decides whether its actions run, or the
 * event a step waits for (a survey answer). Read from the engine's subject state; nothing is stored here.
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';
import type { SubjectState } from '../../core/decide/types.js';
import type { Engine } from '../../engine/engine.js';
import { loadSubject } from '../../engine/subjects.js';
import type { Condition } from '../../packs/schema/common.js';
import { describeCondition } from '../../packs/render/words.js';
import type { Tx } from '../../store/database.js';
import { accountSubject, getAccount } from './accounts.js';
import { registeredContacts } from './contacts.js';

export interface JourneyStepView {
  readonly id: string;
  readonly label: string;
  /** When a timed step is due (or ran); null for a step that waits for an event. */
  readonly at: string | null;
  /** The event a step waits for (`survey.answered nps-day-30`). */
  readonly waitsFor: string | null;
  /** The condition that decides whether its actions run, in words; null when it always runs. */
  readonly when: string | null;
  readonly done: boolean;
}

export interface JourneyView {
  readonly subject: string;
  /** The contact's name for a `user:` subject; null for the account itself. */
  readonly contact: string | null;
  readonly journey: string;
  readonly label: string;
  readonly startedAt: string;
  readonly status: 'running' | 'exited' | 'finished';
  readonly steps: JourneyStepView[];
  /** The first step not done yet, in time order (timed steps first); null when none is left. */
  readonly next: JourneyStepView | null;
}

function journeysOf(ep: EnginePolicy, state: SubjectState, contact: string | null): JourneyView[] {
  return Object.entries(state.journeys).flatMap(([id, run]) => {
    const journey = ep.policy.journeys[id];
    if (!journey) return [];
    const steps: JourneyStepView[] = journey.steps.map((step) => ({
      id: step.id,
      label: step.label ?? step.id,
      at: step.at !== undefined ? new Date(run.startedAtMs + step.at).toISOString() : null,
      waitsFor: step.on ? [step.on.event, step.on.survey].filter(Boolean).join(' ') : null,
      when: step.when ? describeCondition(step.when as Condition) : null,
      done: run.done.includes(step.id),
    }));
    const open = steps.filter((s) => !s.done);
    const timed = open.filter((s) => s.at !== null).sort((a, b) => a.at!.localeCompare(b.at!));
    const finished = open.length === 0;
    return [
      {
        subject: state.key,
        contact,
        journey: id,
        label: journey.label,
        startedAt: new Date(run.startedAtMs).toISOString(),
        status: run.exited ? 'exited' : finished ? 'finished' : 'running',
        steps,
        next: run.exited ? null : (timed[0] ?? open[0] ?? null),
      },
    ];
  });
}

export async function accountJourneys(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  accountId: string,
): Promise<JourneyView[]> {
  await getAccount(tx, workspaceId, accountId);
  const contacts = await registeredContacts(tx, workspaceId, accountId);
  const out: JourneyView[] = [];
  for (const [key, contact] of [
    [accountSubject(accountId), null] as const,
    ...contacts.map((c) => [`user:${c.id}`, c.name] as const),
  ]) {
    const subject = await loadSubject(tx, workspaceId, key);
    if (!subject) continue;
    const { ep } = await engine.policyFor(tx, workspaceId, key);
    out.push(...journeysOf(ep, subject.state as unknown as SubjectState, contact));
  }
  return out;
}
