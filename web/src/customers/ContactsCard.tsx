/**
 * The account's contacts: who they are, how to reach them, whether they signed up, and (with
 * `accounts.write`) suspending and reinstating one — contacts are suspended, not deleted (Smart Estate:
 * "suspend records rather than deleting active users when there is uncertainty") — adding one, and importing
 * many from a CSV file.
 */
import type { Workspace } from '../api';
import { DataTable, ErrorNotice } from '../controls';
import { type Contact, customersApi } from '../customers-api';
import { useAction, useSession } from '../session';
import { MoreButton, StateBadge, When } from './badges';
import { ContactForm } from './ContactForm';
import { ContactImportForm } from './ContactImportForm';
import type { CursorPages } from './paging';

const COLUMNS = ['Name', 'Phone', 'Email', 'Locale', 'Status', 'Signed up'];

interface Props {
  readonly workspace: Workspace;
  readonly accountId: string;
  readonly contacts: CursorPages<Contact>;
  readonly canWrite: boolean;
  readonly onChanged: () => void;
}

export function ContactsCard({ workspace, accountId, contacts, canWrite, onChanged }: Props) {
  const { me } = useSession();
  const action = useAction();
  const items = contacts.list.data?.items;

  // The button keeps the focus while busy (aria-disabled, not disabled), so the keyboard stays on it.
  const setStatus = (contact: Contact) => {
    if (action.busy) return;
    void action.run(async () => {
      const status = contact.status === 'active' ? 'suspended' : 'active';
      await customersApi.setContactStatus(workspace.id, accountId, contact.id, status, me.csrfToken);
      onChanged();
    });
  };

  return (
    <section className="card" aria-labelledby="account-contacts-title">
      <h2 id="account-contacts-title">Contacts</h2>
      <ErrorNotice error={contacts.list.error ?? action.error} />
      {!items && !contacts.list.error && <p className="muted">Loading contacts…</p>}
      {items?.length === 0 && <p className="muted">No contacts yet.</p>}
      {items && items.length > 0 && (
        <DataTable labelledBy="account-contacts-title" columns={COLUMNS}>
          {items.map((c) => (
            <tr key={c.id}>
              <td>
                {c.name}
                {(c.role || c.unit) && (
                  <div className="muted">
                    {[c.role, c.unit && `unit ${c.unit}`].filter(Boolean).join(', ')}
                  </div>
                )}
              </td>
              <td className="nowrap">{c.phone ?? '—'}</td>
              <td className="contact-email">{c.email ?? '—'}</td>
              <td>{c.locale ?? '—'}</td>
              <td>
                <StateBadge state={c.status} />
              </td>
              <td className="nowrap">{c.registeredAt ? <When iso={c.registeredAt} /> : 'no'}</td>
              <td className="actions-cell">
                {canWrite && (
                  <button
                    type="button"
                    className={`button small${c.status === 'active' ? ' danger' : ''}`}
                    aria-label={`${c.status === 'active' ? 'Suspend' : 'Reinstate'} ${c.name}`}
                    aria-disabled={action.busy}
                    onClick={() => setStatus(c)}
                  >
                    {c.status === 'active' ? 'Suspend' : 'Reinstate'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <MoreButton pages={contacts} label="More contacts" />
      {canWrite && <ContactForm workspace={workspace} accountId={accountId} onAdded={onChanged} />}
      {canWrite && <ContactImportForm workspace={workspace} accountId={accountId} onImported={onChanged} />}
    </section>
  );
}
