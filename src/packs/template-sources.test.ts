import { describe, expect, it } from 'vitest';
import { crossCheck } from './cross-check.js';
import { PackSchema } from './schema/pack.js';
import { checkTemplateSources } from './template-sources.js';

type Source = 'event' | 'subject' | 'workspace' | 'sender';
interface VariableInput {
  name: string;
  description: string;
  from?: Source;
  required?: boolean;
}

const variable = (name: string, from?: Source, required?: boolean): VariableInput => ({
  name,
  description: name,
  ...(from ? { from } : {}),
  ...(required === undefined ? {} : { required }),
});

/** A pack with one template `notice` whose body uses every variable given. */
function packWith(variables: VariableInput[], sections: Record<string, unknown>) {
  return PackSchema.parse({
    pack: {
      id: 'demo',
      title: 'Demo SOP',
      version: '1.0.0',
      owner: 'Operations Team',
      approver: 'Operations Manager',
      effective: '2024-01',
      review: { by: '2024-07' },
      timeZone: 'UTC',
      locales: ['en'],
      changelog: [{ version: '1.0', date: '2024-01', author: 'Ops', changes: 'Initial version' }],
    },
    templates: [
      {
        id: 'notice',
        label: 'Notice',
        channel: 'email',
        audience: 'customer',
        variables,
        locales: { en: { body: variables.map((v) => `{{ ${v.name} }}`).join(' ') } },
      },
    ],
    ...sections,
  });
}

const journey = (trigger: string, actions: unknown[], step: Record<string, unknown> = { at: 0 }) => ({
  journeys: [{ id: 'j', label: 'J', trigger: { event: trigger }, steps: [{ id: 's', ...step, actions }] }],
});

const lifecycle = (transition: Record<string, unknown>) => ({
  lifecycles: [
    {
      id: 'incident',
      label: 'Incident',
      for: 'incident',
      initial: 'open',
      states: [
        { id: 'open', label: 'Open' },
        { id: 'done', label: 'Done' },
      ],
      transitions: [{ from: 'open', to: 'done', ...transition }],
    },
  ],
});

const problems = (variables: VariableInput[], sections: Record<string, unknown>) =>
  checkTemplateSources(packWith(variables, sections)).map((p) => `${p.path.join('.')}: ${p.message}`);

describe('variables of templates sent automatically', () => {
  it('defaults a variable to `from: subject`', () => {
    const pack = packWith([variable('customer_name')], {});
    expect(pack.templates?.[0]?.variables[0]?.from).toBe('subject');
  });

  it('accepts event fields the trigger carries: required, optional and the subject field', () => {
    const variables = [
      variable('title', 'event'),
      variable('severity', 'event'),
      variable('incident', 'event'),
    ];
    expect(problems(variables, journey('incident.declared', [{ send: 'notice' }]))).toEqual([]);
  });

  it('accepts record, workspace and optional sender variables, on any trigger', () => {
    const variables = [
      variable('customer_name'),
      variable('docs_url', 'workspace'),
      variable('war_room', 'sender', false),
    ];
    expect(problems(variables, lifecycle({ after: '1h', effects: [{ send: 'notice' }] }))).toEqual([]);
  });

  it('accepts any field of an open event or an open family', () => {
    const variables = [variable('feature', 'event')];
    expect(problems(variables, journey('usage.recorded', [{ send: 'notice' }]))).toEqual([]);
    expect(problems(variables, lifecycle({ on: 'release.deployed', effects: [{ send: 'notice' }] }))).toEqual(
      [],
    );
  });

  it('does not check a template used as a task script', () => {
    const variables = [variable('what_we_did', 'sender'), variable('title', 'event')];
    const task = { task: { title: 'Call', for: 'role:support', script: 'notice' } };
    expect(problems(variables, lifecycle({ after: '1h', effects: [task] }))).toEqual([]);
  });

  it('refuses an event variable the trigger event does not carry', () => {
    const found = checkTemplateSources(
      packWith([variable('customer_name', 'event')], journey('trial.started', [{ send: 'notice' }])),
    );
    expect(found).toEqual([
      {
        path: ['journeys', 0, 'steps', 0, 'actions', 0, 'send'],
        message:
          'sends template "notice" on "trial.started", which has no field "customer_name"; the template\'s variable "customer_name" is `from: event`',
        hint: '"trial.started" carries account, plan, reason; take "customer_name" from the record (`from: subject`) or a workspace setting (`from: workspace`), or make it optional (`required: false`)',
      },
    ]);
  });

  it("reads a step's own event, and checks branches, notify and survey", () => {
    const variables = [variable('score', 'event')];
    const step = {
      on: { event: 'survey.answered' },
      branches: [{ id: 'b', when: { field: 'score', gte: 9 }, actions: [{ send: 'notice' }] }],
    };
    expect(problems(variables, journey('user.registered', [], step))).toEqual([]);
    const onTrigger = journey('user.registered', [
      { notify: { to: 'customer:', template: 'notice' } },
      { survey: { id: 'nps', template: 'notice' } },
      { notify: { to: 'customer:' } },
    ]);
    expect(problems(variables, onTrigger)).toEqual([
      'journeys.0.steps.0.actions.0.notify.template: sends template "notice" on "user.registered", which has no field "score"; the template\'s variable "score" is `from: event`',
      'journeys.0.steps.0.actions.1.survey.template: sends template "notice" on "user.registered", which has no field "score"; the template\'s variable "score" is `from: event`',
    ]);
  });

  it('refuses event variables where no event triggers the message', () => {
    const variables = [variable('title', 'event'), variable('note', 'event', false)];
    expect(problems(variables, lifecycle({ after: '1h', effects: [{ send: 'notice' }] }))).toEqual([
      'lifecycles.0.transitions.0.effects.0.send: sends template "notice" by a timed transition: no event triggers this message, so nothing provides its variable "title" (`from: event`)',
    ]);
    expect(problems(variables, lifecycle({ on: 'declare', effects: [{ send: 'notice' }] }))).toEqual([
      'lifecycles.0.transitions.0.effects.0.send: sends template "notice" on "declare", which is not an event type of the catalog: no event triggers this message, so nothing provides its variable "title" (`from: event`)',
    ]);
  });

  it('refuses a required sender variable in an automatic message', () => {
    const found = checkTemplateSources(
      packWith(
        [variable('what_we_did', 'sender')],
        lifecycle({ on: 'incident.resolved', effects: [{ send: 'notice' }] }),
      ),
    );
    expect(found).toEqual([
      {
        path: ['lifecycles', 0, 'transitions', 0, 'effects', 0, 'send'],
        message:
          'sends template "notice" automatically, but its required variable "what_we_did" is typed by the sender (`from: sender`): nobody types into an automatic message',
        hint: 'make "what_we_did" optional (`required: false`), or send the template from a task (`task.script`) instead',
      },
    ]);
  });

  it('runs as part of the cross-check', () => {
    const pack = packWith(
      [variable('what_we_did', 'sender')],
      journey('ticket.resolved', [{ send: 'notice' }]),
    );
    expect(crossCheck(pack).map((p) => p.path.join('.'))).toEqual(['journeys.0.steps.0.actions.0.send']);
  });
});
