/**
 * Customer journeys: the trigger and exits, then each step in order with its moment (an offset from the
 * trigger or an event), owner, condition, actions in words and branches.
 */
import type { Action } from '../schema/actions.js';
import type { RenderContext } from './context.js';
import { code, list, quoted, section } from './markdown.js';
import { describeAction, describeCondition, describeDuration, describeRecipient } from './words.js';

type Journey = NonNullable<RenderContext['pack']['journeys']>[number];
type JourneyStep = Journey['steps'][number];

function moment(step: JourneyStep): string {
  if (step.at !== undefined) return `T+${describeDuration(step.at)}`;
  const survey = step.on?.survey ? ` (survey ${code(step.on.survey)})` : '';
  return `On ${code(step.on?.event ?? '')}${survey}`;
}

const actions = (all: Action[]) => all.map(describeAction).join('; ');

function step(s: JourneyStep): string[] {
  const notes = [s.owner && describeRecipient(s.owner), s.when && `only if ${describeCondition(s.when)}`];
  const note = notes.filter(Boolean).join('; ');
  return [
    `**${moment(s)} — ${s.label ?? s.id}**${note ? ` (${note})` : ''}`,
    '',
    ...list([
      ...s.actions.map(describeAction),
      ...(s.branches ?? []).map((b) => `If ${describeCondition(b.when)}: ${actions(b.actions)}`),
    ]),
  ];
}

function opening(j: Journey): string {
  const only = j.trigger.when ? `, only if ${describeCondition(j.trigger.when)}` : '';
  const exits = j.exitWhen?.length
    ? ` It stops as soon as ${j.exitWhen.map(describeCondition).join(', or ')}.`
    : ' It runs to its last step.';
  return `Starts on ${code(j.trigger.event)}${only}; offsets count from then.${exits}`;
}

export function journeys({ pack }: RenderContext): string[] {
  return (pack.journeys ?? []).flatMap((j) =>
    section(`Journey: ${j.label}`, [...quoted(j.quote), opening(j), '', ...j.steps.flatMap(step)]),
  );
}
