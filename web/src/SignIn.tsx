/**
 * Signing in: email and password, or a code sent by text message; then, when the person set up an
 * authenticator app, its 6-digit code (or a recovery code). The server answers with the session cookie.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, describeError, type Me, type MfaChallenge, needsCode } from './api';
import { AuthCard, TextField } from './AuthCard';
import { AppLink } from './controls';

type Step =
  | { readonly kind: 'password' }
  | { readonly kind: 'sms-phone' }
  | { readonly kind: 'sms-code'; readonly challenge: string }
  | { readonly kind: 'code'; readonly challenge: string };

interface Props {
  readonly onSignedIn: (me: Me) => void;
  /** Shown above the form, e.g. after a session expired. */
  readonly notice?: string | null;
}

export function SignIn({ onSignedIn, notice = null }: Props) {
  useEffect(() => {
    document.title = 'Sign in · Opsbook';
  }, []);
  return (
    <AuthCard
      title="Sign in"
      lead="Your support desk, incidents, status page and checklists, run by your SOPs."
    >
      <SignInForm onSignedIn={onSignedIn} notice={notice} />
      <p className="signin-footer">
        New to Opsbook? <AppLink to="/sign-up">Create an account</AppLink>
      </p>
    </AuthCard>
  );
}

/** The sign-in steps without the page around them (the invitation page uses them too). */
export function SignInForm({
  onSignedIn,
  notice = null,
  email: givenEmail = '',
}: Props & { readonly email?: string }) {
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [email, setEmail] = useState(givenEmail);
  const [password, setPassword] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const focus = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    focus.current?.focus();
  }, [step]);

  function go(next: Step) {
    setError(null);
    setCode('');
    setStep(next);
  }

  const answer = (result: Me | MfaChallenge) =>
    needsCode(result) ? go({ kind: 'code', challenge: result.challenge }) : onSignedIn(result);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      switch (step.kind) {
        case 'password':
          return answer(await api.signIn(email.trim(), password));
        case 'sms-phone':
          return go({ kind: 'sms-code', challenge: (await api.smsStart(phone.trim())).challenge });
        case 'sms-code':
          return answer(await api.smsVerify(step.challenge, code.trim()));
        case 'code':
          return onSignedIn(await api.mfa(step.challenge, code.trim()));
      }
    } catch (err) {
      setError(describeError(err));
      if (step.kind === 'password') {
        setPassword('');
        passwordRef.current?.focus();
      } else {
        setCode('');
        focus.current?.focus();
      }
    } finally {
      setBusy(false);
    }
  }

  const switchTo = (kind: 'password' | 'sms-phone', label: string) => (
    <button type="button" className="link-button" onClick={() => go({ kind })}>
      {label}
    </button>
  );

  return (
    <>
      {notice && !error && <p className="notice">{notice}</p>}
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <form onSubmit={submit} aria-busy={busy}>
        {step.kind === 'password' && (
          <>
            <TextField
              ref={focus}
              id="signin-email"
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              required
              maxLength={320}
              value={email}
              onValue={setEmail}
            />
            <TextField
              ref={passwordRef}
              id="signin-password"
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              maxLength={1024}
              value={password}
              onValue={setPassword}
            />
          </>
        )}
        {step.kind === 'sms-phone' && (
          <TextField
            ref={focus}
            id="signin-phone"
            label="Phone number"
            hint="The number you added under Security, with its country code: +44 7700 900123."
            name="phone"
            type="tel"
            autoComplete="tel"
            required
            maxLength={40}
            value={phone}
            onValue={setPhone}
          />
        )}
        {(step.kind === 'code' || step.kind === 'sms-code') && (
          <>
            <h2 className="step-title">
              {step.kind === 'code' ? 'Two-step verification' : 'Enter the code we sent'}
            </h2>
            <p className="muted">
              {step.kind === 'code'
                ? 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.'
                : `If ${phone.trim()} belongs to an account, a text message with a code is on its way; it works for 5 minutes.`}
            </p>
            <TextField
              ref={focus}
              id="signin-code"
              label="Code"
              name="code"
              autoComplete="one-time-code"
              required
              minLength={step.kind === 'code' ? 6 : 4}
              maxLength={32}
              spellCheck={false}
              value={code}
              onValue={setCode}
            />
          </>
        )}
        <button type="submit" className="button primary wide" disabled={busy}>
          {submitLabel(step, busy)}
        </button>
      </form>
      <p className="signin-alt">
        {step.kind === 'password' && switchTo('sms-phone', 'Use a text message instead')}
        {step.kind === 'sms-phone' && switchTo('password', 'Use email and password instead')}
        {(step.kind === 'code' || step.kind === 'sms-code') && switchTo('password', 'Start again')}
      </p>
    </>
  );
}

function submitLabel(step: Step, busy: boolean): string {
  switch (step.kind) {
    case 'password':
      return busy ? 'Signing in…' : 'Sign in';
    case 'sms-phone':
      return busy ? 'Sending…' : 'Send code';
    case 'sms-code':
    case 'code':
      return busy ? 'Checking…' : 'Verify code';
  }
}
