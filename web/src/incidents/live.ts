/**
 * Reading what changes while it is shown: a page polls (the incident pages have no stream), and a failed
 * read keeps what was shown.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { sessionEnded } from '../api';
import { type Loaded, SESSION_ENDED, useSession } from '../session';

/** Calls `reload` every `everyMs` while the page is visible (the room has no stream: it polls). */
export function usePolling(reload: () => void, everyMs: number): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
}

/**
 * Like useLoad, for what polls: a failed read keeps what was shown (and says why), so a moment without
 * the server does not empty the room and lose what is being typed in it.
 */
export function useLive<T>(key: string, load: () => Promise<T>): Loaded<T> {
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
        else setState((old) => ({ key, data: old.key === key ? old.data : null, error }));
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
