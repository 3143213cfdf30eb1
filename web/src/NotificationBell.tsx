/**
 * The bell in the header: the person's unread count in the current workspace, kept live by the
 * notification stream, and a panel of their newest notifications. Clicking one marks it read; Escape or a
 * click elsewhere closes the panel.
 */
import { useEffect, useRef, useState } from 'react';
import type { Workspace } from './api';
import { AppLink, ErrorNotice, when } from './controls';
import { type NotificationItem, notificationsApi } from './notifications-api';
import { useNotificationEvents } from './notifications-live';
import { usePath } from './router';
import { useAction, useLoad, useSession } from './session';

const SHOWN = 20;

/** The line to show under the title: the body's first line, unless that only repeats the title. */
export function firstLine(item: NotificationItem): string {
  const lines = item.body
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines[0] === item.title.trim() ? lines[1] : lines[0]) ?? '';
}

export function NotificationBell({
  workspace,
  canOpenRecords,
}: {
  readonly workspace: Workspace;
  readonly canOpenRecords: boolean;
}) {
  const list = useLoad(workspace.id, () => notificationsApi.mine(workspace.id, { limit: SHOWN }));
  // Open on the page it was opened on: following a link closes it.
  const path = usePath();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useNotificationEvents(workspace.id, (event) => {
    if (event.kind === 'reconnected' || !event.feed) list.reload();
  });

  // Escape closes it wherever the focus is (a button disabled under the focus drops it to the page body).
  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpenOn(null);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpenOn(null);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  const unread = list.data?.unread ?? 0;
  return (
    <div className="bell" ref={wrapper}>
      <button
        ref={button}
        type="button"
        className="bell-button"
        aria-label={`Notifications (${unread} unread)`}
        aria-expanded={open}
        aria-controls={open ? 'notifications-panel' : undefined}
        aria-haspopup="dialog"
        onClick={() => setOpenOn(open ? null : path)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <NotificationPanel
          workspace={workspace}
          items={list.data?.items ?? null}
          unread={unread}
          error={list.error}
          reload={list.reload}
          canOpenRecords={canOpenRecords}
        />
      )}
    </div>
  );
}

function NotificationPanel({
  workspace,
  items,
  unread,
  error,
  reload,
  canOpenRecords,
}: {
  readonly workspace: Workspace;
  readonly items: readonly NotificationItem[] | null;
  readonly unread: number;
  readonly error: unknown;
  readonly reload: () => void;
  readonly canOpenRecords: boolean;
}) {
  const { me } = useSession();
  const action = useAction();
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), []);

  const mark = (ids: readonly string[] | 'all') =>
    void action.run(async () => {
      await notificationsApi.markRead(workspace.id, ids, me.csrfToken);
      reload();
      // "Mark all read" is disabled now: keep the focus in the panel rather than lose it to the page.
      if (ids === 'all') panel.current?.focus();
    });

  return (
    <section
      id="notifications-panel"
      ref={panel}
      className="bell-panel"
      role="dialog"
      aria-labelledby="notifications-panel-title"
      tabIndex={-1}
    >
      <div className="bell-panel-head">
        <h2 id="notifications-panel-title">Notifications</h2>
        <button
          type="button"
          className="button small"
          disabled={action.busy || unread === 0}
          onClick={() => mark('all')}
        >
          Mark all read
        </button>
      </div>
      <ErrorNotice error={error ?? action.error} />
      {items === null && !error && <p className="muted">Loading…</p>}
      {items?.length === 0 && <p className="muted">Nothing yet: notifications for you appear here.</p>}
      {items && items.length > 0 && (
        <ul className="bell-list">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? 'bell-item' : 'bell-item unread'}>
              <button
                type="button"
                className="bell-item-main"
                disabled={action.busy}
                onClick={() => n.readAt === null && mark([n.id])}
              >
                <span className="bell-item-title">
                  {n.readAt === null && <span className="visually-hidden">Unread: </span>}
                  {n.title}
                  {n.level && <span className="badge">{n.level}</span>}
                </span>
                {firstLine(n) && <span className="bell-item-body">{firstLine(n)}</span>}
                <time className="bell-item-time" dateTime={n.createdAt}>
                  {when(n.createdAt)}
                </time>
              </button>
              {n.subject && canOpenRecords && (
                <AppLink to={`/records/${encodeURIComponent(n.subject)}`} className="bell-item-link">
                  Open {n.subject}
                </AppLink>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function BellIcon() {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z" />
      <path d="M10 20.5a2 2 0 0 0 4 0" />
    </svg>
  );
}
