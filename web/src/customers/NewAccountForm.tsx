/**
 * A new account (`accounts.write`): the SaaS's own id, a name, what kind of customer it is and its plan.
 * The server's refusals (an id that is not the SaaS's form, an id already taken) show beside the field.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { TextField } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { type Account, customersApi } from '../customers-api';
import { useAction, useSession } from '../session';
import { useFieldErrors } from './field-errors';

const FIELDS = ['id', 'name', 'kind', 'plan'] as const;

interface Props {
  readonly workspace: Workspace;
  readonly onCreated: (account: Account) => void;
  readonly onCancel: () => void;
}

export function NewAccountForm({ workspace, onCreated, onCancel }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState('');
  const [plan, setPlan] = useState('');
  const errors = useFieldErrors(action.error, 'account', FIELDS, 'id');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const created = await customersApi.createAccount(
        workspace.id,
        {
          id: id.trim(),
          name: name.trim(),
          ...(kind.trim() ? { kind: kind.trim() } : {}),
          ...(plan.trim() ? { plan: plan.trim() } : {}),
        },
        me.csrfToken,
      );
      setId('');
      setName('');
      setKind('');
      setPlan('');
      onCreated(created);
    });
  };

  return (
    <section className="card" aria-labelledby="account-new-title">
      <h2 id="account-new-title">New account</h2>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy} noValidate>
        <TextField
          id="account-id"
          label="Account id"
          hint="The SaaS's own id, e.g. shop_42"
          error={errors.id}
          value={id}
          onValue={setId}
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          autoFocus
        />
        <TextField
          id="account-name"
          label="Name"
          error={errors.name}
          value={name}
          onValue={setName}
          maxLength={200}
        />
        <TextField
          id="account-kind"
          label="Kind (optional)"
          hint="shop, estate, organisation"
          error={errors.kind}
          value={kind}
          onValue={setKind}
          maxLength={40}
        />
        <TextField
          id="account-plan"
          label="Plan (optional)"
          error={errors.plan}
          value={plan}
          onValue={setPlan}
          maxLength={60}
        />
        <div className="actions form-actions">
          <button
            type="submit"
            className="button primary"
            disabled={action.busy || !id.trim() || !name.trim()}
          >
            Create account
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
