/**
 * Finance records a manual payment (`payments.confirm`; Smart Estate 004#28): a bank transfer matched on
 * the statement — its amount and currency, the transfer reference and a note. Finance's confirmation is
 * recorded with it; on an approved signup the estate and its subscription become ACTIVE at once. Before
 * approval, or a second time, the server answers 409 with its words, shown above the form. Nothing typed
 * is lost on an error; the form empties only after the payment is recorded.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { describedBy, Field, TextField } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { customersApi, type ManualPaymentAnswer } from '../customers-api';
import { useAction, useSession } from '../session';
import { focusField, useFieldErrors } from './field-errors';

const FIELDS = ['amount', 'currency', 'reference', 'note'] as const;
type FieldName = (typeof FIELDS)[number];
const DEFAULT_CURRENCY = 'INR';

/** `25,000.50` → 25000.5; null unless a positive number. */
function amountOf(text: string): number | null {
  const value = Number(text.replace(/[,\s]/g, ''));
  return text.trim() !== '' && Number.isFinite(value) && value > 0 ? value : null;
}

/** What the form says is missing or malformed before anything is sent. */
function problemsOf(fields: Readonly<Record<FieldName, string>>): Partial<Record<FieldName, string>> {
  const found: Partial<Record<FieldName, string>> = {};
  if (amountOf(fields.amount) === null) found.amount = 'Enter the amount received, e.g. 25000.';
  if (!/^[A-Za-z]{3}$/.test(fields.currency.trim())) found.currency = 'A three-letter code, e.g. INR.';
  if (!fields.reference.trim()) found.reference = 'Enter the transfer reference on the bank statement.';
  if (!fields.note.trim()) found.note = 'Write how the payment was confirmed: it is recorded with it.';
  return found;
}

interface Props {
  readonly workspace: Workspace;
  readonly accountId: string;
  /** Where the signup is: a refusal said before it moved (approve it first) no longer holds after. */
  readonly signup: string | undefined;
  /** The payment was recorded: what the server answered. */
  readonly onRecorded: (answer: ManualPaymentAnswer) => void;
}

const EMPTY: Readonly<Record<FieldName, string>> = {
  amount: '',
  currency: DEFAULT_CURRENCY,
  reference: '',
  note: '',
};

export function ManualPaymentForm({ workspace, accountId, signup, onRecorded }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [text, setText] = useState(EMPTY);
  const [refusedAt, setRefusedAt] = useState(signup);
  if (refusedAt !== signup) {
    setRefusedAt(signup);
    action.clear();
  }
  const [missing, setMissing] = useState<Partial<Record<FieldName, string>>>({});
  const errors = { ...useFieldErrors(action.error, 'payment', FIELDS), ...missing };
  const set = (field: FieldName) => (value: string) => setText((t) => ({ ...t, [field]: value }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = problemsOf(text);
    setMissing(found);
    const first = FIELDS.find((f) => found[f]);
    const amount = amountOf(text.amount);
    if (first || amount === null) {
      action.clear();
      if (first) focusField('payment', first);
      return;
    }
    void action.run(async () => {
      const answer = await customersApi.recordManualPayment(
        workspace.id,
        accountId,
        {
          amount,
          currency: text.currency.trim().toUpperCase(),
          reference: text.reference.trim(),
          note: text.note.trim(),
        },
        me.csrfToken,
      );
      setText(EMPTY);
      onRecorded(answer);
    });
  };

  return (
    <section className="signup-form" aria-labelledby="payment-record-title">
      <h3 id="payment-record-title">Record manual payment</h3>
      <p className="muted">
        A bank transfer matched on the statement. The pack confirms a payment only on an approved signup.
      </p>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy} noValidate>
        <TextField
          id="payment-amount"
          label="Amount"
          error={errors.amount}
          value={text.amount}
          onValue={set('amount')}
          inputMode="decimal"
          maxLength={20}
          autoComplete="off"
        />
        <TextField
          id="payment-currency"
          label="Currency"
          hint="ISO 4217, e.g. INR"
          error={errors.currency}
          value={text.currency}
          onValue={set('currency')}
          maxLength={3}
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id="payment-reference"
          label="Bank reference"
          hint="The transfer reference on the statement"
          error={errors.reference}
          value={text.reference}
          onValue={set('reference')}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
        />
        <div className="signup-reason">
          <Field
            id="payment-note"
            label="Note"
            hint="e.g. matched on the HDFC statement of 12 Jan"
            error={errors.note}
          >
            <textarea
              id="payment-note"
              rows={2}
              maxLength={2000}
              required
              aria-invalid={errors.note ? true : undefined}
              aria-describedby={describedBy('payment-note', true, errors.note)}
              value={text.note}
              onChange={(e) => set('note')(e.target.value)}
            />
          </Field>
        </div>
        <div className="actions form-actions">
          <button type="submit" className="button primary" disabled={action.busy}>
            Record payment
          </button>
        </div>
      </form>
    </section>
  );
}
