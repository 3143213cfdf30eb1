/**
 * Deciding a signup (`accounts.write`): approve, reject or hold it (`suspend`, decided later), always with
 * the reason, which is recorded with the decision (Smart Estate 004#11); approval may choose the plan.
 * A decision the pack does not allow from where the signup is answers 409 with the API's words, shown
 * above the form. Nothing typed is lost on an error; the form empties only after a decision is recorded.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { describedBy, Field, TextField } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { type Account, customersApi, type SignupDecision } from '../customers-api';
import { useAction, useSession } from '../session';
import { focusField, useFieldErrors } from './field-errors';

const FIELDS = ['decision', 'reason', 'plan'] as const;
type FieldName = (typeof FIELDS)[number];

const CHOICES: readonly { value: SignupDecision; label: string; submit: string; done: string }[] = [
  { value: 'approve', label: 'Approve', submit: 'Approve signup', done: 'Signup approved.' },
  { value: 'reject', label: 'Reject', submit: 'Reject signup', done: 'Signup rejected.' },
  { value: 'suspend', label: 'Hold (suspend)', submit: 'Hold signup', done: 'Signup put on hold.' },
];

interface Props {
  readonly workspace: Workspace;
  readonly account: Account;
  /** The decision was recorded: the sentence to announce. */
  readonly onDecided: (done: string) => void;
}

export function SignupDecisionForm({ workspace, account, onDecided }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [decision, setDecision] = useState<SignupDecision | null>(null);
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState('');
  const [missing, setMissing] = useState<Partial<Record<FieldName, string>>>({});
  const errors = { ...useFieldErrors(action.error, 'signup', FIELDS), ...missing };
  const choice = CHOICES.find((c) => c.value === decision);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Partial<Record<FieldName, string>> = {};
    if (!decision) found.decision = 'Choose approve, reject or hold.';
    if (!reason.trim()) found.reason = 'Write the reason: it is recorded with the decision.';
    setMissing(found);
    const first = FIELDS.find((f) => found[f]);
    if (first || !decision || !choice) {
      action.clear();
      if (first) focusField('signup', first);
      return;
    }
    void action.run(async () => {
      const approving = decision === 'approve' && plan.trim() !== '';
      await customersApi.decideSignup(
        workspace.id,
        account.id,
        { decision, reason: reason.trim(), ...(approving ? { plan: plan.trim() } : {}) },
        me.csrfToken,
      );
      setDecision(null);
      setReason('');
      setPlan('');
      onDecided(choice.done);
    });
  };

  return (
    <section className="signup-form" aria-labelledby="signup-decide-title">
      <h3 id="signup-decide-title">Review the signup</h3>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy} noValidate>
        <fieldset
          className="signup-decision"
          aria-describedby={errors.decision ? 'signup-decision-error' : undefined}
        >
          <legend>Decision</legend>
          {CHOICES.map((c, i) => (
            <label key={c.value} className="radio">
              <input
                id={i === 0 ? 'signup-decision' : `signup-decision-${c.value}`}
                type="radio"
                name="signup-decision"
                value={c.value}
                checked={decision === c.value}
                aria-invalid={errors.decision ? true : undefined}
                onChange={() => setDecision(c.value)}
              />
              {c.label}
            </label>
          ))}
          {errors.decision && (
            <span className="field-error" id="signup-decision-error">
              {errors.decision}
            </span>
          )}
        </fieldset>
        <div className="signup-reason">
          <Field id="signup-reason" label="Reason" hint="Recorded with the decision." error={errors.reason}>
            <textarea
              id="signup-reason"
              rows={3}
              maxLength={1000}
              required
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby={describedBy('signup-reason', true, errors.reason)}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </Field>
        </div>
        {decision === 'approve' && (
          <TextField
            id="signup-plan"
            label="Plan (optional)"
            hint={account.plan ? `Leave empty to keep ${account.plan}.` : 'The plan the estate starts on.'}
            error={errors.plan}
            value={plan}
            onValue={setPlan}
            maxLength={60}
            autoComplete="off"
          />
        )}
        <div className="actions form-actions">
          <button
            type="submit"
            className={`button ${decision === 'reject' ? 'danger' : 'primary'}`}
            disabled={action.busy}
          >
            {choice?.submit ?? 'Record decision'}
          </button>
        </div>
      </form>
    </section>
  );
}
