/**
 * Lists paged by the server's `next` cursor (accounts, contacts, the timeline): the first page loads with
 * the page, "More" appends the next. Reloading the first page drops the pages loaded after it.
 */
import { useState } from 'react';
import type { Page } from '../customers-api';
import { type Loaded, useLoad } from '../session';

export interface CursorPages<T> {
  /** The first page and every page loaded after it, as one list. */
  readonly list: Loaded<{ readonly items: readonly T[] }>;
  /** The server has a next page. */
  readonly more: boolean;
  readonly loadMore: () => Promise<void>;
}

interface Later<T, C> {
  /** The first page these follow: a reload makes a new one, and these no longer apply. */
  readonly after: unknown;
  readonly items: readonly T[];
  readonly next: C | null;
}

/**
 * @example const accounts = useCursorPages(key, (after) => customersApi.accounts(ws, { after }));
 */
export function useCursorPages<T, C>(
  key: string,
  load: (after: C | undefined) => Promise<Page<T, C>>,
): CursorPages<T> {
  const first = useLoad(key, () => load(undefined));
  const [later, setLater] = useState<Later<T, C> | null>(null);
  const page = first.data;
  const extra = later && later.after === page ? later : null;
  const items = page ? [...page.items, ...(extra?.items ?? [])] : null;
  const next = extra ? extra.next : (page?.next ?? null);

  const loadMore = async () => {
    if (next === null) return;
    const loaded = await load(next);
    setLater({ after: page, items: [...(extra?.items ?? []), ...loaded.items], next: loaded.next });
  };

  return { list: { ...first, data: items ? { items } : null }, more: next !== null, loadMore };
}
