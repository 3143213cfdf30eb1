/**
 * The root: asks the server who is signed in, then shows the sign-in (or sign-up) page or the app shell.
 * An invitation link (`/invitations/<token>`) has its own page, signed in or not.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, describeError, type Me } from './api';
import { DEFAULT_PATH } from './areas';
import { InvitationPage } from './InvitationPage';
import { navigate, usePath } from './router';
import { Shell } from './Shell';
import { SignIn } from './SignIn';
import { SignUp } from './SignUp';

const SIGN_UP_PATH = '/sign-up';
const INVITATION_PREFIX = '/invitations/';

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed-out'; readonly notice: string | null }
  | { readonly kind: 'signed-in'; readonly me: Me }
  | { readonly kind: 'failed'; readonly message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const path = usePath();

  const load = useCallback(async () => {
    setState({ kind: 'loading' });
    try {
      setState({ kind: 'signed-in', me: await api.me() });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setState({ kind: 'signed-out', notice: null });
      else setState({ kind: 'failed', message: describeError(err) });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const signedIn = state.kind === 'signed-in';
  useEffect(() => {
    if (path === '/' || path === '/index.html' || (signedIn && path === SIGN_UP_PATH))
      navigate(DEFAULT_PATH, { replace: true });
  }, [path, signedIn]);

  const signedOut = useCallback(
    (notice: string | null = null) => setState({ kind: 'signed-out', notice }),
    [],
  );
  const setMe = useCallback((me: Me) => setState({ kind: 'signed-in', me }), []);
  const invitation = path.startsWith(INVITATION_PREFIX)
    ? decodeURIComponent(path.slice(INVITATION_PREFIX.length))
    : null;

  switch (state.kind) {
    case 'loading':
      return (
        <div className="loading" role="status">
          Loading Opsbook…
        </div>
      );
    case 'failed':
      return (
        <main className="signin">
          <div className="signin-card">
            <h1>Opsbook is not reachable</h1>
            <div className="alert" role="alert">
              {state.message}
            </div>
            <button type="button" className="button primary" onClick={() => void load()}>
              Try again
            </button>
          </div>
        </main>
      );
    case 'signed-out':
      if (invitation)
        return <InvitationPage token={invitation} me={null} onMe={setMe} onSignOut={signedOut} />;
      if (path === SIGN_UP_PATH) {
        return (
          <SignUp
            onSignedIn={(me) => {
              setMe(me);
              navigate(DEFAULT_PATH, { replace: true });
            }}
          />
        );
      }
      return <SignIn notice={state.notice} onSignedIn={setMe} />;
    case 'signed-in': {
      const { me } = state;
      if (invitation) {
        const signOut = () => api.signOut(me.csrfToken).then(() => signedOut(null), load);
        return <InvitationPage token={invitation} me={me} onMe={setMe} onSignOut={() => void signOut()} />;
      }
      return <Shell me={me} path={path} onMeChange={setMe} onSignedOut={signedOut} />;
    }
  }
}
