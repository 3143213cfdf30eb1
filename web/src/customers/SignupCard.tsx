/**
 * "Signup and payment", on the page of an account the pack reviews (Smart Estate: "Do not activate an
 * estate until signup approval and payment confirmation are complete", 004#2): where its signup, payment,
 * estate and subscription are, what the signup form collected (location, units, type), and the two steps
 * people take — the review (`accounts.write`) while the signup waits, and finance's manual payment
 * (`payments.confirm`) until one is confirmed. The pack decides every move; the page reloads the account
 * after each step and announces the outcome ("Estate is ACTIVE").
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { AppLink } from '../controls';
import {
  type Account,
  type ManualPaymentAnswer,
  PAYMENT_LIFECYCLE,
  SIGNUP_LIFECYCLE,
} from '../customers-api';
import { StateBadge } from './badges';
import { ManualPaymentForm } from './ManualPaymentForm';
import { SignupDecisionForm } from './SignupDecisionForm';
import { nameWords, REVIEW_PATH, valueText } from './words';

/** The lifecycles of the signup's way to ACTIVE, in the order it goes through them. */
const STEPS: readonly (readonly [lifecycle: string, label: string])[] = [
  [SIGNUP_LIFECYCLE, 'Signup'],
  [PAYMENT_LIFECYCLE, 'Payment'],
  ['estate', 'Estate'],
  ['subscription', 'Subscription'],
];
const DETAILS = ['location', 'units', 'type'] as const;

/** Where the signup still waits for a decision: the review queue and its holds. */
const UNDECIDED: ReadonlySet<string> = new Set(['pending', 'suspended']);

/** Whether the account is one the pack reviews: it has a signup or a payment record. */
export const reviewsSignup = (account: Account): boolean =>
  SIGNUP_LIFECYCLE in account.lifecycles || PAYMENT_LIFECYCLE in account.lifecycles;

interface Props {
  readonly workspace: Workspace;
  readonly account: Account;
  readonly canDecide: boolean;
  readonly canConfirm: boolean;
  /** A step was recorded: the account, its access and its timeline are out of date. */
  readonly onChanged: () => void;
}

export function SignupCard({ workspace, account, canDecide, canConfirm, onChanged }: Props) {
  const [notice, setNotice] = useState('');
  const signup = account.lifecycles[SIGNUP_LIFECYCLE];
  const payment = account.lifecycles[PAYMENT_LIFECYCLE];
  const steps = STEPS.filter(([lifecycle]) => account.lifecycles[lifecycle] !== undefined);
  const done = (sentence: string) => {
    setNotice(sentence);
    onChanged();
  };
  const paid = (answer: ManualPaymentAnswer) =>
    done(answer.activated ? 'Payment confirmed. Estate is ACTIVE.' : 'Payment confirmed.');

  return (
    <section className="card signup-card" aria-labelledby="account-signup-title">
      <div className="inbox-header">
        <h2 id="account-signup-title">Signup and payment</h2>
        <AppLink to={REVIEW_PATH} className="button small">
          Review queue
        </AppLink>
      </div>
      <div className="signup-facts">
        <dl className="account-list signup-steps">
          {steps.map(([lifecycle, label]) => (
            <div key={lifecycle}>
              <dt>{label}</dt>
              <dd>
                <StateBadge state={account.lifecycles[lifecycle]!} />
              </dd>
            </div>
          ))}
        </dl>
        <dl className="account-list signup-details">
          {DETAILS.map((field) => (
            <div key={field}>
              <dt>{nameWords(field)}</dt>
              <dd>{valueText(account.custom[field])}</dd>
            </div>
          ))}
        </dl>
      </div>
      <p className="signup-notice" role="status">
        {notice}
      </p>
      {signup !== undefined && !UNDECIDED.has(signup) && (
        <p className="muted">The signup is {signup.replace(/-/g, ' ')}: no decision is left to make.</p>
      )}
      {payment === 'confirmed' && <p className="muted">The payment is confirmed.</p>}
      {canDecide && signup !== undefined && UNDECIDED.has(signup) && (
        <SignupDecisionForm workspace={workspace} account={account} onDecided={done} />
      )}
      {canConfirm && payment !== 'confirmed' && (
        <ManualPaymentForm workspace={workspace} accountId={account.id} signup={signup} onRecorded={paid} />
      )}
    </section>
  );
}
