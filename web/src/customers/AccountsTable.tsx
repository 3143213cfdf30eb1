/** The accounts, one a row: name (a link to the account) and id, kind, plan, state, contacts, last change. */
import { AppLink } from '../controls';
import type { Account } from '../customers-api';
import { StateBadge, When } from './badges';
import { accountPath } from './words';

export function AccountsTable({ accounts }: { readonly accounts: readonly Account[] }) {
  return (
    <div className="table-wrap">
      <table className="data accounts-table" aria-labelledby="accounts-title">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Kind</th>
            <th scope="col">Plan</th>
            <th scope="col">State</th>
            <th scope="col" className="number">
              Contacts
            </th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id}>
              <td>
                <AppLink to={accountPath(a.id)} className="account-link">
                  {a.name}
                </AppLink>
                {a.name !== a.id && <div className="muted account-id">{a.id}</div>}
              </td>
              <td>{a.kind}</td>
              <td>{a.plan ?? '—'}</td>
              <td>
                <StateBadge state={a.state} />
              </td>
              <td className="number">{a.contacts}</td>
              <td className="nowrap">
                <When iso={a.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
