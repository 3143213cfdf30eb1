/**
 * The account's small cards: the access answer the SaaS gets (`GET …/access`), its usage facts with when
 * each was observed, the position of each lifecycle the pack runs on it, and its custom fields.
 */
import type { ReactNode } from 'react';
import { ErrorNotice } from '../controls';
import type { Account, AccountAccess } from '../customers-api';
import type { Loaded } from '../session';
import { StateBadge, When } from './badges';
import { ACCESS_WORDS, nameWords, valueText } from './words';

function SmallCard({
  id,
  title,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly children: ReactNode;
}) {
  return (
    <section className="card account-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function AccessCard({ answer }: { readonly answer: Loaded<AccountAccess> }) {
  const a = answer.data;
  const words = a ? ACCESS_WORDS[a.access] : null;
  return (
    <SmallCard id="account-access-title" title="Access">
      <ErrorNotice error={answer.error} />
      {!a && !answer.error && <p className="muted">Asking…</p>}
      {a && words && (
        <>
          <p className="access-answer">
            <StateBadge state={a.access} tone={words.tone} label={words.label} />{' '}
            <code className="access-code">{a.access}</code>
          </p>
          <p className="muted">{words.means}</p>
          <p className="muted">{a.because ? `Because of ${a.because}.` : 'No lifecycle state limits it.'}</p>
        </>
      )}
    </SmallCard>
  );
}

export function FactsCard({ account }: { readonly account: Account }) {
  const names = Object.keys(account.facts).sort();
  return (
    <SmallCard id="account-facts-title" title="Facts">
      {names.length === 0 ? (
        <p className="muted">No usage facts yet: the SaaS sends them with POST …/facts.</p>
      ) : (
        <dl className="account-list">
          {names.map((name) => {
            const at = account.factsAt[name];
            return (
              <div key={name}>
                <dt className="fact-name">{name}</dt>
                <dd>
                  <strong>{valueText(account.facts[name])}</strong>
                  {at && (
                    <span className="fact-at">
                      {' '}
                      observed <When iso={at} full />
                    </span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </SmallCard>
  );
}

export function LifecyclesCard({ account }: { readonly account: Account }) {
  const lifecycles = Object.entries(account.lifecycles).sort(([a], [b]) => a.localeCompare(b));
  return (
    <SmallCard id="account-lifecycles-title" title="Lifecycles">
      {lifecycles.length === 0 ? (
        <p className="muted">No lifecycle of the pack runs on this account yet.</p>
      ) : (
        <dl className="account-list">
          {lifecycles.map(([lifecycle, state]) => (
            <div key={lifecycle}>
              <dt>{nameWords(lifecycle)}</dt>
              <dd>
                <StateBadge state={state} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </SmallCard>
  );
}

export function CustomFieldsCard({ account }: { readonly account: Account }) {
  const fields = Object.entries(account.custom).sort(([a], [b]) => a.localeCompare(b));
  return (
    <SmallCard id="account-custom-title" title="Custom fields">
      {fields.length === 0 ? (
        <p className="muted">No custom fields.</p>
      ) : (
        <dl className="account-list">
          {fields.map(([field, value]) => (
            <div key={field}>
              <dt>{nameWords(field)}</dt>
              <dd>{valueText(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </SmallCard>
  );
}
