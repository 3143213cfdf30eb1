/** The root: asks the server who is signed in, then shows the sign-in page or the app shell. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, describeError, type Me } from './api';
import { DEFAULT_PATH } from './areas';
import { navigate, usePath } from './router';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

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

  useEffect(() => {
    if (path === '/' || path === '/index.html') navigate(DEFAULT_PATH, { replace: true });
  }, [path]);

  const signedOut = useCallback(
    (notice: string | null = null) => setState({ kind: 'signed-out', notice }),
    [],
  );

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
      return <SignIn notice={state.notice} onSignedIn={(me) => setState({ kind: 'signed-in', me })} />;
    case 'signed-in':
      return (
        <Shell
          me={state.me}
          path={path}
          onMeChange={(me) => setState({ kind: 'signed-in', me })}
          onSignedOut={signedOut}
        />
      );
  }
}
