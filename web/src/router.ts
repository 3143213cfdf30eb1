/** A tiny pathname router: the server answers index.html for any page path, the client picks the view. */
import { type MouseEvent, useCallback, useSyncExternalStore } from 'react';

const NAVIGATE = 'opsbook:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const currentPath = () => window.location.pathname;
const currentSearch = () => window.location.search;

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  // A path may carry a query (`/inbox?breached=true`): a change of query alone is a navigation too.
  if (path === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current pathname, re-rendering on links, back and forward. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** The current query string (`?status=open`), for pages whose filters live in the address. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, currentSearch);
}

/** Click handler for in-app links: plain clicks navigate in place, modified clicks keep browser behaviour. */
export function useLinkClick(path: string): (event: MouseEvent<HTMLAnchorElement>) => void {
  return useCallback(
    (event) => {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      event.preventDefault();
      navigate(path);
    },
    [path],
  );
}
