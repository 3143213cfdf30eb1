/** The short pages of subscribing: the answer to the form, confirming, unsubscribing (plain forms, no script). */
import { escapeHtml } from './format.js';
import { messagePage, type Site } from './page-layout.js';

export function subscribeAnswerPage(site: Site, kind: 'email' | 'webhook', address: string): string {
  const what =
    kind === 'email'
      ? `If <strong>${escapeHtml(address)}</strong> is not subscribed yet, a confirmation link is on its way to it. Nothing else is sent until the link is used.`
      : `If this endpoint is not subscribed yet, it is sent a signed <code>status.subscription.confirm</code> request holding a confirmation link. Nothing else is sent until the link is used; confirming shows the signing secret.`;
  return messagePage(
    site,
    'Check your inbox',
    `<p>${what}</p><p><a href="${escapeHtml(site.basePath)}">Back to the status page</a></p>`,
  );
}

export function invalidInputPage(site: Site, message: string): string {
  return messagePage(
    site,
    'Not subscribed',
    `<p>${escapeHtml(message)}</p><p><a href="${escapeHtml(site.basePath)}#subscribe">Try again</a></p>`,
  );
}

export function invalidLinkPage(site: Site | null, what: 'confirmation' | 'unsubscribe'): string {
  return messagePage(
    site,
    'Link not valid',
    `<p>This ${what} link is not valid (it may have been replaced by a newer one). Nothing was changed.</p>`,
  );
}

/** The confirmation link opens a form; posting it confirms (a link scanner opening the link changes nothing). */
export function confirmFormPage(site: Site, token: string): string {
  return messagePage(
    site,
    'Confirm your subscription',
    `<p>Receive ${escapeHtml(site.name)} status updates?</p><form method="post" action="${escapeHtml(site.basePath)}/confirm"><input type="hidden" name="t" value="${escapeHtml(token)}"><p><button type="submit">Confirm</button></p></form>`,
  );
}

export function confirmedPage(site: Site, secret: string | null, already: boolean): string {
  const secretHtml = secret
    ? `<p>Verify each delivery with this signing secret (Standard Webhooks). It is shown only now:</p><p><code>${escapeHtml(secret)}</code></p>`
    : '';
  return messagePage(
    site,
    already ? 'Already subscribed' : 'Subscribed',
    `<p>${already ? 'This subscription was confirmed before.' : `You will receive ${escapeHtml(site.name)} status updates. Every message has a link to unsubscribe.`}</p>${secretHtml}<p><a href="${escapeHtml(site.basePath)}">Back to the status page</a></p>`,
  );
}

export function unsubscribeFormPage(site: Site, action: string): string {
  return messagePage(
    site,
    'Unsubscribe',
    `<p>Stop receiving ${escapeHtml(site.name)} status updates?</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><p><button type="submit">Unsubscribe</button></p></form>`,
  );
}

export function unsubscribedPage(site: Site): string {
  return messagePage(
    site,
    'Unsubscribed',
    `<p>You will not receive ${escapeHtml(site.name)} status updates any more.</p><p><a href="${escapeHtml(site.basePath)}#subscribe">Subscribe again</a></p>`,
  );
}
