/**
 * One's own security settings: the authenticator app, the phone for SMS sign-in, and the password; and
 * one's notification settings (language, quiet hours).
 */
import { type FormEvent, useState } from 'react';
import { accountApi } from './account-api';
import { fieldError } from './api';
import { TextField } from './AuthCard';
import { ErrorNotice } from './controls';
import { useHeadingFocus } from './heading';
import { NotificationSettings } from './NotificationSettings';
import { useAction, useSession } from './session';
import { TotpSettings } from './TotpSettings';

export function SecurityPage() {
  const heading = useHeadingFocus('/account/security', 'Security');
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Security
        </h1>
      </header>
      <TotpSettings />
      <PhoneSettings />
      <PasswordSettings />
      <NotificationSettings />
    </>
  );
}

function PhoneSettings() {
  const { me, refresh } = useSession();
  const current = me.security.phone;
  const [phone, setPhone] = useState('');
  const [pending, setPending] = useState<{ challenge: string; phone: string } | null>(null);
  const [code, setCode] = useState('');
  const action = useAction();
  const remove = () =>
    void action.run(async () => {
      await accountApi.removePhone(me.csrfToken);
      await refresh();
    });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      if (!pending) {
        // First step: a code goes to the phone; it is not used for sign-in until the code comes back.
        setPending(await accountApi.startPhone(phone.trim(), me.csrfToken));
        return;
      }
      await accountApi.verifyPhone(pending.phone, pending.challenge, code.trim(), me.csrfToken);
      setPending(null);
      setPhone('');
      setCode('');
      await refresh();
    });
  };
  const error = fieldError(action.error, pending ? 'code' : 'phone');
  const hint = pending
    ? `Enter the 6-digit code sent by text message to ${pending.phone}.`
    : 'With its country code, e.g. +44 7700 900123. A code is sent to it to confirm it is yours.';
  return (
    <section className="card" aria-labelledby="phone-title">
      <h2 id="phone-title">Phone for text-message sign-in</h2>
      <p className="muted">
        Sign in with a code sent by text message instead of your password. With an authenticator app on, you
        still enter its code too.
      </p>
      <ErrorNotice error={action.error} />
      {current && (
        <p>
          Your phone: <strong>{current}</strong>{' '}
          <button type="button" className="button small" disabled={action.busy} onClick={remove}>
            Remove
          </button>
        </p>
      )}
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy}>
        {pending ? (
          <TextField
            id="phone-code"
            label="Code from the text message"
            hint={hint}
            error={error}
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            minLength={6}
            maxLength={12}
            value={code}
            onValue={setCode}
          />
        ) : (
          <TextField
            id="phone-number"
            label={current ? 'New phone number' : 'Phone number'}
            hint={hint}
            error={error}
            type="tel"
            autoComplete="tel"
            required
            minLength={3}
            maxLength={40}
            value={phone}
            onValue={setPhone}
          />
        )}
        <button type="submit" className="button" disabled={action.busy}>
          {pending ? 'Confirm phone' : 'Send code'}
        </button>
        {pending && (
          <button type="button" className="button" disabled={action.busy} onClick={() => setPending(null)}>
            Cancel
          </button>
        )}
      </form>
    </section>
  );
}

function PasswordSettings() {
  const { me } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    void action
      .run(async () => {
        await accountApi.changePassword(current, next, me.csrfToken);
        setNext('');
        setDone(true);
      })
      .then(() => setCurrent(''));
  };
  // The server points a refused new password at /body/password (its sign-up field) or /body/next.
  const nextError = fieldError(action.error, 'next') ?? fieldError(action.error, 'password');
  const hint = 'At least 12 characters, not a common password. Your other sessions will be signed out.';
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <ErrorNotice error={action.error} />
      {done && (
        <p className="notice" role="status">
          Password changed. Your other sessions were signed out.
        </p>
      )}
      <form className="form-narrow" onSubmit={submit} aria-busy={action.busy}>
        <TextField
          id="password-current"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={1024}
          value={current}
          onValue={setCurrent}
        />
        <TextField
          id="password-next"
          label="New password"
          hint={hint}
          error={nextError}
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={1024}
          value={next}
          onValue={setNext}
        />
        <button type="submit" className="button" disabled={action.busy}>
          Change password
        </button>
      </form>
    </section>
  );
}
