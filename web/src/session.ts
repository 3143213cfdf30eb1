/**
 * The signed-in session as pages see it (who is signed in, how to change that), and the two hooks every
 * page uses to talk to the server: `useLoad` for what it shows and `useAction` for what a button does.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { type Me, sessionEnded } from './api';

export interface Session {
  readonly me: Me;
  readonly setMe: (me: Me) => void;
  /** Asks the server who is signed in again, after a change to the account or its workspaces. */
  readonly refresh: () => Promise<void>;
  readonly signedOut: (notice?: string | null) => void;
}

export const SessionContext = createContext<Session | null>(null);

export const SESSION_ENDED = 'Your session has ended. Sign in again to continue.';

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() is only for pages inside the signed-in shell');
  return session;
}

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: unknown;
  /** Loads again; the current data stays on the page until the new arrives. */
  readonly reload: () => void;
}

/**
 * Loads what a page shows, again whenever `key` changes (e.g. the workspace id). A session that ended
 * sends the person to sign in; other errors are returned for the page to show.
 */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const { signedOut } = useSession();
  const [state, setState] = useState<{ key: string; data: T | null; error: unknown }>({
    key,
    data: null,
    error: null,
  });
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  useEffect(() => {
    latest.current = load;
  });

  useEffect(() => {
    let live = true;
    latest.current().then(
      (data) => live && setState({ key, data, error: null }),
      (error: unknown) => {
        if (!live) return;
        if (sessionEnded(error)) signedOut(SESSION_ENDED);
        else setState({ key, data: null, error });
      },
    );
    return () => {
      live = false;
    };
  }, [key, round, signedOut]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  const fresh = state.key === key;
  return { data: fresh ? state.data : null, error: fresh ? state.error : null, reload };
}

export interface Action {
  readonly busy: boolean;
  readonly error: unknown;
  /** Runs `action` with the button busy; true when it succeeded, false when it failed (error is set). */
  readonly run: (action: () => Promise<void>) => Promise<boolean>;
  readonly clear: () => void;
}

/** One thing a form or button does, one at a time. */
export function useAction(): Action {
  const { signedOut } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
        return true;
      } catch (err) {
        if (sessionEnded(err)) signedOut(SESSION_ENDED);
        else setError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [signedOut],
  );
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}
