/**
 * The workspace's dashboard feed: messages of the pack channels that go to the dashboard only (the seeds'
 * "Dashboard only" channel), for everyone in the workspace, newest first and live.
 */
import type { Workspace } from './api';
import { ListCard, when } from './controls';
import { firstLine } from './NotificationBell';
import { notificationsApi } from './notifications-api';
import { useNotificationEvents } from './notifications-live';
import { usePaged } from './notifications-paging';
import { useAction } from './session';

const PAGE = 20;

export function NotificationFeed({ workspace }: { readonly workspace: Workspace }) {
  const feed = usePaged(
    workspace.id,
    PAGE,
    (before) => notificationsApi.feed(workspace.id, { limit: PAGE, before }),
    (n) => n.createdAt,
  );
  const page = useAction();
  const { reload } = feed.list;
  useNotificationEvents(workspace.id, (event) => {
    if (event.kind === 'reconnected' || event.feed) reload();
  });

  return (
    <>
      <ListCard
        titleId="feed-title"
        title="Dashboard feed"
        list={feed.list}
        action={page}
        loading="Loading the dashboard feed…"
        empty="Nothing on the dashboard yet: messages of the pack's dashboard channels appear here."
        columns={['Time', 'Level', 'Message', 'About']}
        rows={(items) =>
          items.map((n) => (
            <tr key={n.id}>
              <td>
                <time dateTime={n.createdAt}>{when(n.createdAt)}</time>
              </td>
              <td>{n.level ?? '—'}</td>
              <td>
                <strong>{n.title}</strong>
                {firstLine(n) && <div className="muted">{firstLine(n)}</div>}
              </td>
              <td>{n.subject ? <code>{n.subject}</code> : '—'}</td>
              <td />
            </tr>
          ))
        }
      />
      {feed.more && (
        <p>
          <button
            type="button"
            className="button"
            disabled={page.busy}
            onClick={() => void page.run(feed.loadOlder)}
          >
            Older messages
          </button>
        </p>
      )}
    </>
  );
}
