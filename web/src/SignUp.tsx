/**
 * Creating an account: a person, and either a new workspace they own or the workspace of an invitation.
 * The password rule is the server's (at least 12 characters, not a common or breached password).
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, describeError, fieldError, type Me, type NewWorkspace } from './api';
import { AuthCard, TextField } from './AuthCard';
import { AppLink } from './controls';
import { DEFAULT_PATH } from './areas';
import { emptyWorkspace, WorkspaceFields } from './WorkspaceFields';

const PASSWORD_HINT = 'At least 12 characters. A few unrelated words make a good one.';

export function SignUp({ onSignedIn }: { readonly onSignedIn: (me: Me) => void }) {
  useEffect(() => {
    document.title = 'Create an account · Opsbook';
  }, []);
  return (
    <AuthCard title="Create an account" lead="You will own a new workspace and can invite your team to it.">
      <SignUpForm onSignedIn={onSignedIn} />
      <p className="signin-footer">
        Have an account? <AppLink to={DEFAULT_PATH}>Sign in</AppLink>
      </p>
    </AuthCard>
  );
}

interface FormProps {
  readonly onSignedIn: (me: Me) => void;
  /** Join the workspace of this invitation instead of creating one; the email is the invitation's. */
  readonly invitation?: { readonly token: string; readonly email: string };
}

export function SignUpForm({ onSignedIn, invitation }: FormProps) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState(invitation?.email ?? '');
  const [password, setPassword] = useState('');
  const [workspace, setWorkspace] = useState<NewWorkspace>(emptyWorkspace);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    nameRef.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const person = { name: name.trim(), email: email.trim(), password };
      onSignedIn(
        await api.signUp(
          invitation
            ? { ...person, invitation: invitation.token }
            : { ...person, workspace: { ...workspace, name: workspace.name.trim() } },
        ),
      );
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const errors = {
    name: fieldError(error, 'name'),
    email: fieldError(error, 'email'),
    password: fieldError(error, 'password'),
  };
  return (
    <>
      {error !== null && (
        <div className="alert" role="alert">
          {describeError(error)}
        </div>
      )}
      <form onSubmit={submit} aria-busy={busy}>
        <TextField
          ref={nameRef}
          id="signup-name"
          label="Your name"
          error={errors.name}
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          onValue={setName}
        />
        <TextField
          id="signup-email"
          label="Email"
          error={errors.email}
          type="email"
          autoComplete="username"
          required
          maxLength={320}
          readOnly={invitation !== undefined}
          value={email}
          onValue={setEmail}
        />
        <TextField
          id="signup-password"
          label="Password"
          hint={PASSWORD_HINT}
          error={errors.password}
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          maxLength={1024}
          value={password}
          onValue={setPassword}
        />
        {!invitation && (
          <WorkspaceFields
            value={workspace}
            onChange={setWorkspace}
            error={error}
            pointer="workspace/"
            idPrefix="signup-workspace"
          />
        )}
        <button type="submit" className="button primary wide" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
    </>
  );
}
