/** Who follows the public page: email addresses (confirmed by their link) and webhook URLs. */
import type { Workspace } from '../api';
import { ErrorNotice, DataTable, when } from '../controls';
import { useLoad } from '../session';
import { statusApi } from '../status-api';
import { StateBadge } from './badges';

export function SubscribersCard({ workspace }: { readonly workspace: Workspace }) {
  const list = useLoad(workspace.id, () => statusApi.subscribers(workspace.id));
  const items = list.data?.items;
  const confirmed = items?.filter((s) => s.state === 'confirmed').length ?? 0;
  return (
    <section className="card" aria-labelledby="subscribers-title">
      <div className="card-head">
        <h2 id="subscribers-title">Subscribers</h2>
        {items && (
          <span className="muted">
            {items.length} {items.length === 1 ? 'subscriber' : 'subscribers'}, {confirmed} confirmed
          </span>
        )}
      </div>
      <p className="muted">People subscribe on the public page; email addresses confirm by their link.</p>
      <ErrorNotice error={list.error} />
      {!items && !list.error && <p className="muted">Loading subscribers…</p>}
      {items?.length === 0 && <p className="muted">No subscribers yet.</p>}
      {items && items.length > 0 && (
        <DataTable labelledBy="subscribers-title" columns={['Address', 'Kind', 'State', 'Since']}>
          {items.map((s) => (
            <tr key={s.id}>
              <td>
                <code>{s.address}</code>
              </td>
              <td>{s.kind}</td>
              <td>
                <StateBadge state={s.state} />
              </td>
              <td>{when(s.confirmedAt ?? s.createdAt)}</td>
              <td />
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
