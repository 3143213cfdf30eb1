/**
 * Adding a contact: a name, a phone in E.164 (one contact per phone in the workspace), an email, a role,
 * a unit and a locale, and whether it is a sign-up (`register`: starts the pack's journeys for the person,
 * as ShopSmart's onboarding does). The server's refusals show beside their fields; what was typed stays.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { TextField } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { customersApi } from '../customers-api';
import { useAction, useSession } from '../session';
import { useFieldErrors } from './field-errors';

const FIELDS = ['name', 'phone', 'email', 'role', 'unit', 'locale', 'timeZone', 'register'] as const;
type Text = Exclude<(typeof FIELDS)[number], 'register'>;
const EMPTY: Readonly<Record<Text, string>> = {
  name: '',
  phone: '',
  email: '',
  role: '',
  unit: '',
  locale: '',
  timeZone: '',
};

interface Props {
  readonly workspace: Workspace;
  readonly accountId: string;
  readonly onAdded: () => void;
}

export function ContactForm({ workspace, accountId, onAdded }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [text, setText] = useState(EMPTY);
  const [register, setRegister] = useState(false);
  const [done, setDone] = useState('');
  const errors = useFieldErrors(action.error, 'contact', FIELDS, 'phone');
  const set = (field: Text) => (value: string) => setText((t) => ({ ...t, [field]: value }));
  const field = (name: Text) => ({
    id: `contact-${name}`,
    value: text[name],
    onValue: set(name),
    error: errors[name],
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone('');
    void action.run(async () => {
      const given = Object.fromEntries(
        Object.entries(text)
          .map(([name, value]) => [name, value.trim()] as const)
          .filter(([, value]) => value !== ''),
      );
      const added = await customersApi.addContact(
        workspace.id,
        accountId,
        { ...given, name: text.name.trim(), register },
        me.csrfToken,
      );
      setText(EMPTY);
      setRegister(false);
      setDone(`Added ${added.name}${added.registeredAt ? ', signed up' : ''}.`);
      onAdded();
    });
  };

  return (
    <section className="contact-form" aria-labelledby="contact-add-title">
      <h3 id="contact-add-title">Add a contact</h3>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy} noValidate>
        <TextField {...field('name')} label="Name" maxLength={200} autoComplete="off" />
        <TextField
          {...field('phone')}
          label="Phone (optional)"
          hint="E.164: + country code and number, e.g. +919876543210"
          type="tel"
          inputMode="tel"
          maxLength={40}
          autoComplete="off"
        />
        <TextField
          {...field('email')}
          label="Email (optional)"
          type="email"
          maxLength={254}
          autoComplete="off"
        />
        <TextField
          {...field('role')}
          label="Role (optional)"
          hint="owner, admin, guard, resident"
          maxLength={60}
        />
        <TextField {...field('unit')} label="Unit (optional)" maxLength={60} />
        <TextField {...field('locale')} label="Locale (optional)" hint="BCP 47, e.g. hi-IN" maxLength={35} />
        <TextField
          {...field('timeZone')}
          label="Time zone (optional)"
          hint="IANA, e.g. Asia/Kolkata: journey messages wait for the send window in this zone"
          maxLength={64}
        />
        <div className="field register-field">
          <label className="check">
            <input
              id="contact-register"
              type="checkbox"
              checked={register}
              aria-describedby="contact-register-hint"
              onChange={(e) => setRegister(e.target.checked)}
            />
            Register as a sign-up
          </label>
          <span className="hint" id="contact-register-hint">
            Tells the pack the person signed up, which starts their journeys (onboarding).
          </span>
          {errors.register && <span className="field-error">{errors.register}</span>}
        </div>
        <div className="actions form-actions">
          <button type="submit" className="button primary" disabled={action.busy || !text.name.trim()}>
            Add contact
          </button>
          <span role="status" className="muted">
            {done}
          </span>
        </div>
      </form>
    </section>
  );
}
