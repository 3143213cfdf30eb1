/**
 * One's own notification settings, on the Security page: the language messages are written in (when a
 * template has it) and quiet hours, during which messages that are not urgent wait until they end.
 */
import { type FormEvent, useState } from 'react';
import { fieldError } from './api';
import { Field, TextField } from './AuthCard';
import { ErrorNotice } from './controls';
import { type NotificationSettings as Settings, notificationsApi } from './notifications-api';
import { languageName } from './NotificationTemplatePreview';
import { useAction, useLoad, useSession } from './session';

/** The languages the packs' templates are written in today; any BCP 47 tag may be typed. */
const LANGUAGES = ['en', 'hi', 'en-IN', 'hi-IN'] as const;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let zones: readonly string[] | undefined;

/** The IANA zones this browser knows, to pick from (about 400: listed once). */
function timeZones(): readonly string[] {
  try {
    return (zones ??= Intl.supportedValuesOf('timeZone'));
  } catch {
    return [];
  }
}

/** The form starts from the saved settings, and shows only once they are in: nothing typed is overwritten. */
export function NotificationSettings() {
  const { me } = useSession();
  const saved = useLoad(me.user.id, () => notificationsApi.settings());
  if (!saved.data) {
    return (
      <section className="card" aria-labelledby="notification-settings-title">
        <h2 id="notification-settings-title">Notifications</h2>
        <ErrorNotice error={saved.error} />
        {!saved.error && <p className="muted">Loading your notification settings…</p>}
      </section>
    );
  }
  return <SettingsForm initial={saved.data} />;
}

function SettingsForm({ initial }: { readonly initial: Settings }) {
  const { me } = useSession();
  const [locale, setLocale] = useState(initial.locale ?? '');
  const [quiet, setQuiet] = useState(initial.quietHours !== null);
  const [from, setFrom] = useState(initial.quietHours?.from ?? '22:00');
  const [to, setTo] = useState(initial.quietHours?.to ?? '07:00');
  const [timeZone, setTimeZone] = useState(() => initial.quietHours?.timeZone ?? browserTimeZone());
  const [saved, setSaved] = useState(false);
  const action = useAction();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      const language = locale.trim();
      await notificationsApi.saveSettings(
        {
          locale: language || null,
          quietHours: quiet ? { from, to, timeZone: timeZone.trim() } : null,
        },
        me.csrfToken,
      );
      setSaved(true);
    });
  };

  const quietError = ['quietHours', 'quietHours/from', 'quietHours/to', 'quietHours/timeZone']
    .map((field) => fieldError(action.error, field))
    .find(Boolean);
  return (
    <section className="card" aria-labelledby="notification-settings-title">
      <h2 id="notification-settings-title">Notifications</h2>
      <p className="muted">
        These apply in every workspace: messages come in your language, and non-urgent ones wait until your
        quiet hours end (the most urgent level of a scale never waits).
      </p>
      <ErrorNotice error={action.error} />
      {saved && (
        <p className="notice" role="status">
          Notification settings saved.
        </p>
      )}
      <form className="form-narrow" onSubmit={submit} aria-busy={action.busy}>
        <TextField
          id="notification-locale"
          label="Language"
          hint="A language tag such as en or hi. Blank: each message's own first language."
          error={fieldError(action.error, 'locale')}
          list="notification-locales"
          maxLength={20}
          autoComplete="off"
          value={locale}
          onValue={setLocale}
        />
        <datalist id="notification-locales">
          {LANGUAGES.map((tag) => (
            <option key={tag} value={tag}>
              {languageName(tag)}
            </option>
          ))}
        </datalist>
        <label className="check quiet-toggle">
          <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />
          <span>Quiet hours: hold messages that are not urgent</span>
        </label>
        {quiet && (
          <fieldset className="quiet-hours" aria-describedby={quietError ? 'quiet-hours-error' : undefined}>
            <legend className="visually-hidden">Quiet hours</legend>
            <div className="inline-form">
              <TextField id="quiet-from" label="From" type="time" required value={from} onValue={setFrom} />
              <TextField id="quiet-to" label="Until" type="time" required value={to} onValue={setTo} />
            </div>
            <Field id="quiet-zone" label="Time zone" hint="Where you are, e.g. Asia/Kolkata.">
              <input
                id="quiet-zone"
                list="quiet-zones"
                required
                maxLength={64}
                autoComplete="off"
                aria-describedby="quiet-zone-hint"
                value={timeZone}
                onChange={(e) => setTimeZone(e.target.value)}
              />
            </Field>
            <datalist id="quiet-zones">
              {timeZones().map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            {quietError && (
              <p className="field-error" id="quiet-hours-error">
                {quietError}
              </p>
            )}
          </fieldset>
        )}
        <button type="submit" className="button" disabled={action.busy}>
          Save notification settings
        </button>
      </form>
    </section>
  );
}
