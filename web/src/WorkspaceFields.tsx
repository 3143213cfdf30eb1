/** The fields of a new workspace (name, address, time zone), for signing up and for creating another. */
import { useMemo, useState } from 'react';
import { fieldError, type NewWorkspace } from './api';
import { describedBy, Field, TextField } from './AuthCard';

/** "Acme Support, Ltd." → "acme-support-ltd": the server's rule is 3-50 of a-z, 0-9 and inner dashes. */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function emptyWorkspace(): NewWorkspace {
  return { name: '', slug: '', timeZone: browserTimeZone() };
}

interface Props {
  readonly value: NewWorkspace;
  readonly onChange: (value: NewWorkspace) => void;
  /** The last error, for messages beside the fields. */
  readonly error: unknown;
  /** Where the fields sit in the request body: `workspace/` when signing up, '' when creating. */
  readonly pointer: string;
  readonly idPrefix: string;
}

export function WorkspaceFields({ value, onChange, error, pointer, idPrefix }: Props) {
  const [slugEdited, setSlugEdited] = useState(false);
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes(value.timeZone) ? all : [value.timeZone, ...all];
  }, [value.timeZone]);
  const ids = { name: `${idPrefix}-name`, slug: `${idPrefix}-slug`, zone: `${idPrefix}-zone` };
  const errors = {
    name: fieldError(error, `${pointer}name`),
    slug: fieldError(error, `${pointer}slug`),
    zone: fieldError(error, `${pointer}timeZone`),
  };
  const slugHint = 'Lowercase letters, digits and dashes; 3 to 50 characters.';
  return (
    <>
      <TextField
        id={ids.name}
        label="Workspace name"
        error={errors.name}
        required
        maxLength={200}
        autoComplete="organization"
        value={value.name}
        onValue={(name) => onChange({ ...value, name, slug: slugEdited ? value.slug : slugOf(name) })}
      />
      <TextField
        id={ids.slug}
        label="Workspace address"
        hint={slugHint}
        error={errors.slug}
        required
        minLength={3}
        maxLength={50}
        pattern="[a-z0-9][a-z0-9\-]{1,48}[a-z0-9]"
        spellCheck={false}
        value={value.slug}
        onValue={(slug) => {
          setSlugEdited(true);
          onChange({ ...value, slug });
        }}
      />
      <Field id={ids.zone} label="Time zone" error={errors.zone}>
        <select
          id={ids.zone}
          value={value.timeZone}
          aria-invalid={errors.zone ? true : undefined}
          aria-describedby={describedBy(ids.zone, null, errors.zone)}
          onChange={(e) => onChange({ ...value, timeZone: e.target.value })}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}
