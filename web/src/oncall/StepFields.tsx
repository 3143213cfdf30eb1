/**
 * One step of an escalation policy in the editor: whom it pages (rotations, members, roles or pack
 * contacts) and how many minutes it waits for an acknowledgement before the next step; moved, removed.
 */
import { Field } from '../AuthCard';
import type { StepDraft, TargetDraft } from './policy-draft';
import { TARGET_KINDS, type TargetKind } from './words';

export interface TargetChoices {
  readonly rotation: readonly { readonly id: string; readonly name: string }[];
  readonly user: readonly { readonly id: string; readonly name: string }[];
  readonly role: readonly { readonly id: string; readonly name: string }[];
}

interface Props {
  readonly id: string;
  readonly index: number;
  readonly count: number;
  readonly step: StepDraft;
  readonly choices: TargetChoices;
  readonly errors: readonly string[];
  readonly onChange: (step: StepDraft) => void;
  readonly onMove: (by: number) => void;
  readonly onRemove: (() => void) | null;
}

export function StepFields({ id, index, count, step, choices, errors, onChange, onMove, onRemove }: Props) {
  const n = index + 1;
  const setTarget = (i: number, target: TargetDraft) =>
    onChange({ ...step, targets: step.targets.map((t, j) => (j === i ? target : t)) });
  return (
    <fieldset className="oncall-step">
      <legend>Step {n}</legend>
      {errors.length > 0 && (
        <ul className="field-error">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {step.targets.map((target, i) => (
        <div className="inline-form oncall-target" key={i}>
          <Field id={`${id}-target-${i}-kind`} label={`Step ${n}, target ${i + 1}: kind`}>
            <select
              id={`${id}-target-${i}-kind`}
              value={target.kind}
              onChange={(e) => {
                const kind = e.target.value as TargetKind;
                setTarget(i, { kind, id: kind === 'contact' ? '' : (choices[kind][0]?.id ?? '') });
              }}
            >
              {TARGET_KINDS.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-target-${i}`} label={`Step ${n}, target ${i + 1}`}>
            {target.kind === 'contact' ? (
              <input
                id={`${id}-target-${i}`}
                value={target.id}
                placeholder="cto"
                onChange={(e) => setTarget(i, { ...target, id: e.target.value })}
              />
            ) : (
              <select
                id={`${id}-target-${i}`}
                value={target.id}
                onChange={(e) => setTarget(i, { ...target, id: e.target.value })}
              >
                {!choices[target.kind].some((c) => c.id === target.id) && (
                  <option value={target.id}>{target.id || 'Choose'}</option>
                )}
                {choices[target.kind].map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {step.targets.length > 1 && (
            <button
              type="button"
              className="button small danger"
              aria-label={`Remove target ${i + 1} of step ${n}`}
              onClick={() => onChange({ ...step, targets: step.targets.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          )}
        </div>
      ))}
      <div className="inline-form">
        <Field id={`${id}-delay`} label={`Step ${n}: minutes to acknowledge`}>
          <input
            id={`${id}-delay`}
            type="number"
            min={1}
            max={1440}
            value={step.delay}
            onChange={(e) => onChange({ ...step, delay: e.target.value })}
          />
        </Field>
      </div>
      <div className="actions">
        <button
          type="button"
          className="button small"
          onClick={() => onChange({ ...step, targets: [...step.targets, { kind: 'role', id: 'owner' }] })}
        >
          Add a target to step {n}
        </button>
        <button type="button" className="button small" disabled={index === 0} onClick={() => onMove(-1)}>
          Move step {n} up
        </button>
        <button
          type="button"
          className="button small"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          Move step {n} down
        </button>
        {onRemove && (
          <button type="button" className="button small danger" onClick={onRemove}>
            Remove step {n}
          </button>
        )}
      </div>
    </fieldset>
  );
}
