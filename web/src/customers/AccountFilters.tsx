/**
 * The accounts list's search (part of an id or name, sent after a pause in typing) and its state filter,
 * whose choices are the states the list has shown, plus all. Both live in the address
 * (`/customers?state=trialing&q=asha`), which the list follows.
 */
import { useEffect, useState } from 'react';
import { Field } from '../AuthCard';

const SEARCH_PAUSE_MS = 300;

export interface AccountsFilter {
  readonly q?: string | undefined;
  readonly state?: string | undefined;
}

export function filterOf(search: string): AccountsFilter {
  const params = new URLSearchParams(search);
  return { q: params.get('q') || undefined, state: params.get('state') || undefined };
}

export function searchOf(filter: AccountsFilter): string {
  const params = new URLSearchParams();
  if (filter.q) params.set('q', filter.q);
  if (filter.state) params.set('state', filter.state);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function AccountFilters({
  filter,
  states,
  onFilter,
}: {
  readonly filter: AccountsFilter;
  /** The states seen so far, for the select. */
  readonly states: readonly string[];
  readonly onFilter: (change: AccountsFilter) => void;
}) {
  const choices = [...new Set([...states, ...(filter.state ? [filter.state] : [])])].sort();
  return (
    <div className="inline-form filters account-filters" role="search" aria-label="Find accounts">
      <SearchBox value={filter.q ?? ''} onSearch={(q) => onFilter({ ...filter, q: q || undefined })} />
      <Field id="accounts-state" label="State">
        <select
          id="accounts-state"
          value={filter.state ?? ''}
          onChange={(e) => onFilter({ ...filter, state: e.target.value || undefined })}
        >
          <option value="">All states</option>
          {choices.map((state) => (
            <option key={state} value={state}>
              {state.replace(/-/g, ' ')}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

function SearchBox({ value, onSearch }: { readonly value: string; readonly onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  // The address changed (Back, a link): the box shows its query.
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <Field id="accounts-search" label="Search" hint="Part of the name or id">
      <input
        id="accounts-search"
        type="search"
        value={text}
        aria-describedby="accounts-search-hint"
        autoComplete="off"
        onChange={(e) => setText(e.target.value)}
      />
    </Field>
  );
}
