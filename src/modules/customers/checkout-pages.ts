/**
 * The sandbox provider's checkout page: what the customer would pay, and "Pay" or "Decline" as a plain
 * form (no script, under the help centre's CSP). It says plainly that it is a sandbox: no card is asked for
 * and nothing is charged.
 */
import { escapeHtml, layout } from '../support/help-pages.js';
import type { CheckoutRow } from './checkout.js';

const money = (amount: number, currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
};

export function sandboxCheckoutPage(input: {
  readonly action: string;
  readonly token: string;
  readonly workspaceName: string;
  readonly checkout: CheckoutRow;
  readonly expired: boolean;
}): string {
  const c = input.checkout;
  const what = `${escapeHtml(input.workspaceName)} · ${escapeHtml(c.description ?? `account ${c.accountId}`)}`;
  if (c.status === 'paid')
    return layout(
      null,
      'Paid',
      `<h1>Paid</h1><p>${what}: ${escapeHtml(money(c.amount, c.currency))} was paid.</p>`,
    );
  if (input.expired)
    return layout(null, 'Expired', '<h1>This checkout expired</h1><p>Ask for a new payment link.</p>');
  const button = (outcome: string, label: string) =>
    `<form method="post" action="${escapeHtml(input.action)}"><input type="hidden" name="t" value="${escapeHtml(input.token)}"><input type="hidden" name="outcome" value="${outcome}"><button type="submit">${label}</button></form>`;
  return layout(
    null,
    'Checkout (sandbox)',
    `<h1>Checkout</h1><p class="muted">Sandbox provider: no card is asked for and nothing is charged.</p><p>${what}</p><p><strong>${escapeHtml(money(c.amount, c.currency))}</strong></p>${button('pay', 'Pay')}${button('decline', 'Decline (simulate a declined card)')}`,
  );
}

export function sandboxResultPage(outcome: 'pay' | 'decline', checkout: CheckoutRow): string {
  return outcome === 'pay'
    ? layout(
        null,
        'Payment received',
        `<h1>Payment received</h1><p>${escapeHtml(money(checkout.amount, checkout.currency))} was paid. You can close this page.</p>`,
      )
    : layout(
        null,
        'Payment declined',
        '<h1>Payment declined</h1><p>The card was declined (sandbox). Go back to try again.</p>',
      );
}
