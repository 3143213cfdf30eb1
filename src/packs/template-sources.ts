/**
 * Checks that a template sent automatically can be filled when it is sent. A journey's or a lifecycle's
 * `send`, `notify` (with a template) and `survey` go out with nobody at the keyboard, so each required
 * variable must come from the event that triggers the message (a field the catalog gives that event), the
 * record, or the workspace: never from the sender. Templates a person sends (a task's `script`) are not
 * checked here.
 */
import { eventSpec, type EventSpec } from '../core/decide/events.js';
import type { CrossProblem, Path } from './cross-check.js';
import type { Action } from './schema/actions.js';
import type { Pack } from './schema/pack.js';

/** What triggers an automatic message: a catalog event, an event the catalog does not know, or a timer. */
type Trigger =
  | { readonly kind: 'event'; readonly type: string; readonly spec: EventSpec }
  | { readonly kind: 'unknown'; readonly type: string }
  | { readonly kind: 'timed' };

interface AutomaticSend {
  readonly template: string;
  /** Where the template is named (the `send`, `notify.template` or `survey.template` value). */
  readonly path: Path;
  readonly trigger: Trigger;
}

function triggerOf(type: string | undefined): Trigger {
  if (type === undefined) return { kind: 'timed' };
  const spec = eventSpec(type);
  return spec ? { kind: 'event', type, spec } : { kind: 'unknown', type };
}

/** The template an action sends without a person, and where it is named; a task's script is not one. */
function sentTemplate(action: Action, path: Path): { template: string; path: Path } | null {
  if ('send' in action) return { template: action.send, path: [...path, 'send'] };
  if ('notify' in action && action.notify.template !== undefined)
    return { template: action.notify.template, path: [...path, 'notify', 'template'] };
  if ('survey' in action) return { template: action.survey.template, path: [...path, 'survey', 'template'] };
  return null;
}

function sendsOf(actions: readonly Action[] | undefined, path: Path, trigger: Trigger): AutomaticSend[] {
  return (actions ?? []).flatMap((action, k) => {
    const sent = sentTemplate(action, [...path, k]);
    return sent ? [{ ...sent, trigger }] : [];
  });
}

/** Every automatic send of the pack: journey steps and branches, lifecycle transitions' effects. */
export function automaticSends(pack: Pack): AutomaticSend[] {
  const journeys = (pack.journeys ?? []).flatMap((journey, i) =>
    journey.steps.flatMap((step, j) => {
      const trigger = triggerOf(step.on?.event ?? journey.trigger.event);
      const at: Path = ['journeys', i, 'steps', j];
      return [
        ...sendsOf(step.actions, [...at, 'actions'], trigger),
        ...(step.branches ?? []).flatMap((branch, b) =>
          sendsOf(branch.actions, [...at, 'branches', b, 'actions'], trigger),
        ),
      ];
    }),
  );
  const lifecycles = (pack.lifecycles ?? []).flatMap((lifecycle, i) =>
    lifecycle.transitions.flatMap((t, j) =>
      sendsOf(t.effects, ['lifecycles', i, 'transitions', j, 'effects'], triggerOf(t.on)),
    ),
  );
  return [...journeys, ...lifecycles];
}

/** The fields an event of the catalog carries, or null when it accepts any field. */
function eventFields(spec: EventSpec): string[] | null {
  if (spec.open) return null;
  const fields = [
    spec.subject.field,
    ...Object.keys(spec.required ?? {}),
    ...Object.keys(spec.optional ?? {}),
  ];
  return [...new Set([...fields, ...(spec.oneOf ?? []).flat()])];
}

const otherSources = (name: string) =>
  `take "${name}" from the record (\`from: subject\`) or a workspace setting (\`from: workspace\`)`;

function checkEventVariable(send: AutomaticSend, name: string): CrossProblem | null {
  const { trigger, template, path } = send;
  if (trigger.kind !== 'event') {
    const why =
      trigger.kind === 'timed'
        ? 'by a timed transition'
        : `on "${trigger.type}", which is not an event type of the catalog`;
    return {
      path,
      message: `sends template "${template}" ${why}: no event triggers this message, so nothing provides its variable "${name}" (\`from: event\`)`,
      hint: `${otherSources(name)}, or make it optional (\`required: false\`)`,
    };
  }
  const fields = eventFields(trigger.spec);
  if (fields === null || fields.includes(name)) return null;
  return {
    path,
    message: `sends template "${template}" on "${trigger.type}", which has no field "${name}"; the template's variable "${name}" is \`from: event\``,
    hint: `"${trigger.type}" carries ${fields.join(', ')}; ${otherSources(name)}, or make it optional (\`required: false\`)`,
  };
}

function senderProblem(send: AutomaticSend, name: string): CrossProblem {
  return {
    path: send.path,
    message: `sends template "${send.template}" automatically, but its required variable "${name}" is typed by the sender (\`from: sender\`): nobody types into an automatic message`,
    hint: `make "${name}" optional (\`required: false\`), or send the template from a task (\`task.script\`) instead`,
  };
}

/**
 * Problems of the variables of templates sent automatically, at the place each template is sent.
 *
 * @example
 * checkTemplateSources(pack); // [{ path: ['journeys', 0, 'steps', 1, 'actions', 0, 'send'], message: … }]
 */
export function checkTemplateSources(pack: Pack): CrossProblem[] {
  const templates = new Map((pack.templates ?? []).map((t) => [t.id, t]));
  return automaticSends(pack).flatMap((send) => {
    const template = templates.get(send.template);
    if (!template) return []; // an unknown template is reported by the reference check
    return template.variables
      .filter((v) => v.required)
      .flatMap((v) => {
        const problem =
          v.from === 'event'
            ? checkEventVariable(send, v.name)
            : v.from === 'sender'
              ? senderProblem(send, v.name)
              : null;
        return problem ? [problem] : [];
      });
  });
}
