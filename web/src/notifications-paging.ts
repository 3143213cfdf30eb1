/**
 * Newest-first lists paged by `before` (the creation instant of the oldest item shown): the dashboard
 * feed, the delivery log, the mailbox. Reloading the first page drops the older pages loaded on top of it.
 */
import { useState } from 'react';
import { type Loaded, useLoad } from './session';

export interface Paged<T> {
  /** The first page and every older page loaded since, as one list. */
  readonly list: Loaded<{ readonly items: readonly T[] }>;
  /** The last page was full, so there may be older items. */
  readonly more: boolean;
  readonly loadOlder: () => Promise<void>;
}

interface Older<T> {
  /** The first page these follow: a reload makes a new one, and these no longer apply. */
  readonly after: unknown;
  readonly items: readonly T[];
  readonly more: boolean;
}

/**
 * @example const deliveries = usePaged(key, 50, (before) => api.deliveries(ws, { limit: 50, before }), (d) => d.createdAt);
 */
export function usePaged<T>(
  key: string,
  pageSize: number,
  load: (before: string | undefined) => Promise<{ readonly items: readonly T[] }>,
  createdAt: (item: T) => string,
): Paged<T> {
  const first = useLoad(key, () => load(undefined));
  const [older, setOlder] = useState<Older<T> | null>(null);
  const page = first.data;
  const extra = older && older.after === page ? older : null;
  const items = page ? [...page.items, ...(extra?.items ?? [])] : null;
  const more = page !== null && (extra ? extra.more : page.items.length === pageSize);

  const loadOlder = async () => {
    const last = items?.at(-1);
    if (!last) return;
    const next = await load(createdAt(last));
    setOlder({
      after: page,
      items: [...(extra?.items ?? []), ...next.items],
      more: next.items.length === pageSize,
    });
  };

  return { list: { ...first, data: items ? { items } : null }, more, loadOlder };
}
