/** The sign-in page: email and password; the server answers with the session cookie and who you are. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, describeError, type Me } from './api';
import { Logo } from './icons';

interface Props {
  readonly onSignedIn: (me: Me) => void;
  /** Shown above the form, e.g. after a session expired. */
  readonly notice?: string | null;
}

export function SignIn({ onSignedIn, notice = null }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Opsbook';
    emailRef.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(email.trim(), password));
    } catch (err) {
      setError(describeError(err));
      setPassword('');
      setBusy(false);
      passwordRef.current?.focus();
    }
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-brand">
          <Logo />
          <span className="brand-name">Opsbook</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">Your support desk, incidents, status page and checklists, run by your SOPs.</p>
        {notice && !error && <p className="notice">{notice}</p>}
        {error && (
          <div className="alert" role="alert">
            {error}
          </div>
        )}
        <form onSubmit={submit} aria-busy={busy}>
          <div className="field">
            <label htmlFor="signin-email">Email</label>
            <input
              ref={emailRef}
              id="signin-email"
              name="email"
              type="email"
              autoComplete="username"
              required
              maxLength={320}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input
              ref={passwordRef}
              id="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              maxLength={1024}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button primary wide" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
