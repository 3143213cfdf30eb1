/**
 * A review queue's accounts, one a row: the estate (a link to its account page, where it is decided),
 * where it is, its units and type as the signup form collected them, its plan, and how long it has waited.
 */
import { AppLink } from '../controls';
import { type Account, SIGNUP_LIFECYCLE } from '../customers-api';
import { StateBadge, When } from './badges';
import { accountPath, valueText } from './words';

interface Props {
  readonly accounts: readonly Account[];
  /** The id of the heading that names the table. */
  readonly labelledBy: string;
  /** `signup`: waiting since it was submitted; `payment`: the signup's position, since its last change. */
  readonly queue: 'signup' | 'payment';
}

export function ReviewTable({ accounts, labelledBy, queue }: Props) {
  return (
    <div className="table-wrap">
      <table className="data review-table" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Location</th>
            <th scope="col" className="number">
              Units
            </th>
            <th scope="col">Type</th>
            <th scope="col">Plan</th>
            {queue === 'payment' && <th scope="col">Signup</th>}
            <th scope="col">{queue === 'signup' ? 'Submitted' : 'Updated'}</th>
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
              <td>{valueText(a.custom.location)}</td>
              <td className="number">{valueText(a.custom.units)}</td>
              <td>{valueText(a.custom.type)}</td>
              <td>{a.plan ?? '—'}</td>
              {queue === 'payment' && (
                <td>
                  <StateBadge state={a.lifecycles[SIGNUP_LIFECYCLE] ?? 'new'} />
                </td>
              )}
              <td className="nowrap">
                <When iso={queue === 'signup' ? a.createdAt : a.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
