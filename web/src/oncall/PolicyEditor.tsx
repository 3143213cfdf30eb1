/**
 * Creates or replaces an escalation policy: its name, ordered steps (targets and minutes to
 * acknowledge), how many more times it runs, and the levels of the pack's incident scale it pages for.
 * The server's refusal shows above the form, and each step's field errors in that step.
 */
import { type FormEvent, useState } from 'react';
import type { Scale } from '../incidents-api';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { oncallApi, type Policy } from '../oncall-api';
import { useAction, useSession } from '../session';
import { newStep, policyDraft, policyInput } from './policy-draft';
import { errorsUnder, moved } from './schedule-draft';
import { StepFields, type TargetChoices } from './StepFields';

interface Props {
  readonly workspace: Workspace;
  /** null: a new policy. */
  readonly policy: Policy | null;
  readonly choices: TargetChoices;
  readonly scale: Scale | null;
  readonly onCancel: () => void;
  readonly onSaved: () => void;
}

export function PolicyEditor({ workspace, policy, choices, scale, onCancel, onSaved }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [draft, setDraft] = useState(() => policyDraft(policy));
  const id = `policy-editor-${policy?.id ?? 'new'}`;
  const levels = [...(scale?.levels ?? []), ...draft.severities.filter((s) => !scale?.levels.includes(s))];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const input = policyInput(draft);
      if (policy) await oncallApi.savePolicy(workspace.id, policy.id, input, me.csrfToken);
      else await oncallApi.createPolicy(workspace.id, input, me.csrfToken);
      onSaved();
    });
  };
  const toggle = (level: string, on: boolean) =>
    setDraft({
      ...draft,
      severities: on ? [...draft.severities, level] : draft.severities.filter((s) => s !== level),
    });

  return (
    <section className="card oncall-editor" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{policy ? `Edit policy ${policy.name}` : 'New escalation policy'}</h2>
      <ErrorNotice error={action.error} />
      <form onSubmit={submit} aria-busy={action.busy}>
        <div className="inline-form">
          <Field id={`${id}-name`} label="Name">
            <input
              id={`${id}-name`}
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          </Field>
          <Field
            id={`${id}-repeat`}
            label="Runs again (times)"
            hint="After the last step, 0 to 9 more times."
          >
            <input
              id={`${id}-repeat`}
              type="number"
              min={0}
              max={9}
              value={draft.repeat}
              aria-describedby={`${id}-repeat-hint`}
              onChange={(e) => setDraft({ ...draft, repeat: e.target.value })}
            />
          </Field>
        </div>
        <fieldset className="oncall-severities">
          <legend>Pages for severities</legend>
          <p className="hint">None ticked: every incident.</p>
          {levels.map((level) => (
            <label key={level} className="check-item">
              <input
                type="checkbox"
                checked={draft.severities.includes(level)}
                onChange={(e) => toggle(level, e.target.checked)}
              />
              {scale?.labels[level] ?? level.toUpperCase()}
            </label>
          ))}
          {levels.length === 0 && (
            <p className="muted">The incident scale shows once the workspace has an incident.</p>
          )}
        </fieldset>
        {draft.steps.map((step, i) => (
          <StepFields
            key={i}
            id={`${id}-step-${i}`}
            index={i}
            count={draft.steps.length}
            step={step}
            choices={choices}
            errors={errorsUnder(action.error, `/body/steps/${i}`)}
            onChange={(next) =>
              setDraft({ ...draft, steps: draft.steps.map((s, j) => (j === i ? next : s)) })
            }
            onMove={(by) => setDraft({ ...draft, steps: moved(draft.steps, i, by) })}
            onRemove={
              draft.steps.length > 1
                ? () => setDraft({ ...draft, steps: draft.steps.filter((_, j) => j !== i) })
                : null
            }
          />
        ))}
        <div className="actions oncall-form-actions">
          <button
            type="button"
            className="button"
            onClick={() => setDraft({ ...draft, steps: [...draft.steps, newStep()] })}
          >
            Add a step
          </button>
          <button type="submit" className="button primary" disabled={action.busy}>
            {policy ? 'Save policy' : 'Create policy'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
