/**
 * The inbox's list: the first page of GET /tickets for the filter, further pages by cursor ("Load
 * more"), and live changes applied row by row: a changed ticket is fetched alone and replaced, dropped
 * when it no longer matches the filter, or put in its place when it newly does. Only a reconnect (or a
 * burst larger than a page's worth of single fetches) reloads the first page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, sessionEnded } from '../api';
import { SESSION_ENDED, useSession } from '../session';
import { supportApi, type Ticket, type TicketFilter } from '../support-api';
import { compareByDue, filterKey, matchesFilter } from './filters';

export const PAGE_SIZE = 50;
/** More changes than this at once: one reload of the first page is cheaper than one fetch each. */
const MAX_SINGLE_FETCHES = 10;

interface ListState {
  readonly key: string;
  readonly items: readonly Ticket[] | null;
  readonly nextCursor: string | null;
  readonly total: number | null;
  readonly error: unknown;
}

export interface TicketList {
  readonly items: readonly Ticket[] | null;
  readonly total: number | null;
  readonly more: boolean;
  readonly error: unknown;
  readonly loadMore: () => Promise<void>;
  readonly reload: () => void;
  /** Fetches these tickets again (they changed) and places them; returns the ones newly listed. */
  readonly refresh: (numbers: ReadonlySet<number>) => Promise<readonly Ticket[]>;
}

/** A ticket as the list keeps it: the detail's conversation and knowledge are dropped. */
const listed = (ticket: Ticket): Ticket => {
  const row: Record<string, unknown> = { ...ticket };
  for (const key of ['messages', 'knowledge', 'escalations', 'timeline', 'suggestedArticles'])
    delete row[key];
  return row as unknown as Ticket;
};

export function useTicketList(workspaceId: string, filter: TicketFilter, meId: string): TicketList {
  const { signedOut } = useSession();
  const key = `${workspaceId}${filterKey(filter)}`;
  const [state, setState] = useState<ListState>({
    key: '',
    items: null,
    nextCursor: null,
    total: null,
    error: null,
  });
  const [round, setRound] = useState(0);
  const current = useRef(state);
  const latestFilter = useRef(filter);
  useEffect(() => {
    current.current = state;
    latestFilter.current = filter;
  });

  const failed = useCallback(
    (error: unknown) => {
      if (sessionEnded(error)) signedOut(SESSION_ENDED);
      return error;
    },
    [signedOut],
  );

  useEffect(() => {
    let live = true;
    supportApi.tickets(workspaceId, latestFilter.current, { limit: PAGE_SIZE }).then(
      (page) =>
        live &&
        setState({
          key,
          items: page.items,
          nextCursor: page.nextCursor,
          total: page.total ?? null,
          error: null,
        }),
      (error: unknown) =>
        live && setState({ key, items: null, nextCursor: null, total: null, error: failed(error) }),
    );
    return () => {
      live = false;
    };
  }, [key, round, workspaceId, failed]);

  const reload = useCallback(() => setRound((n) => n + 1), []);

  const loadMore = useCallback(async () => {
    const { nextCursor, key: shown } = current.current;
    if (!nextCursor) return;
    const page = await supportApi.tickets(workspaceId, latestFilter.current, {
      limit: PAGE_SIZE,
      cursor: nextCursor,
    });
    setState((s) => {
      if (s.key !== shown || !s.items) return s;
      const seen = new Set(s.items.map((t) => t.number));
      return {
        ...s,
        items: [...s.items, ...page.items.filter((t) => !seen.has(t.number))],
        nextCursor: page.nextCursor,
      };
    });
  }, [workspaceId]);

  const refresh = useCallback(
    async (numbers: ReadonlySet<number>): Promise<readonly Ticket[]> => {
      if (numbers.size === 0) return [];
      if (numbers.size > MAX_SINGLE_FETCHES) {
        reload();
        return [];
      }
      const shown = current.current.key;
      const fetched = await Promise.all(
        [...numbers].map((number) =>
          supportApi.ticket(workspaceId, number).then(
            (ticket) => ({ number, ticket: listed(ticket) }),
            (error: unknown) => {
              if (error instanceof ApiError && error.status === 404) return { number, ticket: null };
              throw failed(error);
            },
          ),
        ),
      );
      const place = (s: ListState) =>
        placeChanges(s.items ?? [], s.nextCursor !== null, fetched, latestFilter.current, meId);
      const { added } = place(current.current);
      setState((s) => (s.key !== shown || !s.items ? s : { ...s, items: place(s).items }));
      return added;
    },
    [workspaceId, meId, reload, failed],
  );

  const fresh = state.key === key;
  return {
    items: fresh ? state.items : null,
    total: fresh ? state.total : null,
    more: fresh && state.nextCursor !== null,
    error: fresh ? state.error : null,
    loadMore,
    reload,
    refresh,
  };
}

/**
 * Puts fetched tickets into the list: replaced where shown (dropped when they no longer match), added in
 * sort order when they newly match (not past the last row when more pages follow). Pure.
 */
export function placeChanges(
  shown: readonly Ticket[],
  morePages: boolean,
  fetched: readonly { readonly number: number; readonly ticket: Ticket | null }[],
  filter: TicketFilter,
  meId: string,
): { items: readonly Ticket[]; added: readonly Ticket[] } {
  let items = [...shown];
  const added: Ticket[] = [];
  const byDue = (filter.sort ?? 'due') === 'due';
  for (const { number, ticket } of fetched) {
    const at = items.findIndex((t) => t.number === number);
    const fits = ticket ? matchesFilter(ticket, filter, meId) : false;
    if (at >= 0) {
      if (fits === false) items.splice(at, 1);
      else if (ticket) items[at] = ticket;
      continue;
    }
    if (fits !== true || !ticket) continue;
    if (byDue) {
      const last = items.at(-1);
      if (morePages && last && compareByDue(ticket, last) > 0) continue;
      const before = items.findIndex((t) => compareByDue(ticket, t) < 0);
      items.splice(before < 0 ? items.length : before, 0, ticket);
    } else items = [ticket, ...items];
    added.push(ticket);
  }
  return { items, added };
}
