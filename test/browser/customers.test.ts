/**
 * The customers area in a real browser against the real server (embedded database, demo loaded), signed
 * in as the POS SaaS demo owner: create the account shop_77 and open it; a contact with a phone not in
 * E.164 is refused with the server's words beside the phone field, and what was typed stays; fixed and
 * registered, the contact is listed, suspended and reinstated. Then billing's `trial.started` for the
 * account (sent through the API with the page's session) turns its state to trialing and shows on the
 * timeline, the pack's trial-reminders journey shows on the Journeys card with its Day 7 email next, due 7
 * days after the start, and usage facts pushed through the API show on the Facts card. Every page is checked for
 * script errors and for the accessibility basics (one h1, no skipped heading level, every control and
 * button named, no duplicate ids).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@pos-saas.demo';
const ACCOUNT = 'shop_77';
const NAME = 'Asha Stores';
const CONTACT = 'Asha Rao';
const PHONE = '+919876500077';
const DAY_MS = 86_400_000;

describeInBrowser('web customers area', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  /** A call of the workspace's API with the page's own session (its cookie and CSRF token). */
  async function callApi(path: string, data: object): Promise<number> {
    const me = (await (await page.request.get(`${web!.baseUrl}/api/v1/me`)).json()) as {
      csrfToken: string;
      currentWorkspaceId: string;
    };
    const response = await page.request.post(
      `${web!.baseUrl}/api/v1/workspaces/${me.currentWorkspaceId}${path}`,
      { data, headers: { 'x-csrf-token': me.csrfToken } },
    );
    return response.status();
  }

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /POS SaaS/);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('creates an account and opens it', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Customers\b.*POS SaaS/ }).waitFor();
    await page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('table')
      .or(page.getByRole('heading', { name: /^No customer accounts in POS SaaS yet/ }))
      .first()
      .waitFor();
    expect(await audit(page)).toEqual([]);

    await page.getByRole('button', { name: 'New account' }).click();
    const form = page.getByRole('region', { name: 'New account' });
    await form.getByLabel('Account id').fill(ACCOUNT);
    await form.getByLabel('Name').fill(NAME);
    await form.getByLabel('Kind (optional)').fill('shop');
    await form.getByLabel('Plan (optional)').fill('pro');
    expect(await audit(page)).toEqual([]);
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('status').getByText(`Created ${NAME}.`).waitFor();
    await form.waitFor({ state: 'detached' });

    const accounts = page.getByRole('region', { name: 'Accounts' });
    const row = accounts.getByRole('row', { name: new RegExp(NAME) });
    await row.waitFor();
    expect(await row.textContent()).toContain(ACCOUNT);
    await row.getByText('new', { exact: true }).waitFor();
    // The search finds it by part of its name; the state filter offers the states shown.
    await accounts.getByRole('searchbox', { name: 'Search' }).fill('asha');
    await page.waitForURL(/\/customers\?q=asha$/);
    await accounts.getByRole('link', { name: NAME }).waitFor();
    expect(await accounts.getByLabel('State').locator('option').allTextContents()).toContain('new');
    await page.screenshot({ path: '/tmp/opsbook-customers-list.png', fullPage: true });
    expect(await audit(page)).toEqual([]);

    await accounts.getByRole('link', { name: NAME }).click();
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/customers/${ACCOUNT}`);
    const header = page.locator('header.account-header');
    await header.getByText('shop', { exact: true }).waitFor();
    await header.getByText('pro', { exact: true }).waitFor();
    const access = page.getByRole('region', { name: 'Access' });
    await access.getByText('read_write').waitFor();
    await page
      .getByRole('region', { name: 'Facts' })
      .getByText('No usage facts yet', { exact: false })
      .waitFor();
    await page
      .getByRole('region', { name: 'Journeys' })
      .getByText('No journey has run for this account yet.')
      .waitFor();
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('refuses a phone not in E.164 beside the field, then adds, suspends and reinstates the contact', async () => {
    const contacts = page.getByRole('region', { name: 'Contacts' });
    await contacts.getByText('No contacts yet.').waitFor();
    const form = contacts.getByRole('region', { name: 'Add a contact' });
    await form.getByLabel('Name').fill(CONTACT);
    await form.getByLabel('Phone (optional)').fill('98765');
    await form.getByLabel('Role (optional)').fill('owner');
    await form.getByRole('checkbox', { name: 'Register as a sign-up' }).check();
    await form.getByRole('button', { name: 'Add contact' }).click();

    // The server's words next to the phone field, which takes the focus; nothing typed is lost.
    const phone = form.getByLabel('Phone (optional)');
    const error = form.locator('#contact-phone-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('E.164, e.g. +919876543210');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.getAttribute('aria-describedby')).toContain('contact-phone-error');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('contact-phone');
    expect(await phone.inputValue()).toBe('98765');
    expect(await form.getByLabel('Name').inputValue()).toBe(CONTACT);
    expect(await form.getByRole('checkbox', { name: 'Register as a sign-up' }).isChecked()).toBe(true);
    expect(await audit(page)).toEqual([]);

    await phone.fill(PHONE);
    await form.getByRole('button', { name: 'Add contact' }).click();
    await form.getByRole('status').getByText(`Added ${CONTACT}, signed up.`).waitFor();
    const row = contacts.getByRole('row', { name: new RegExp(CONTACT) });
    await row.waitFor();
    expect(await row.textContent()).toContain(PHONE);
    await row.getByText('active', { exact: true }).waitFor();
    expect(await form.getByLabel('Phone (optional)').inputValue()).toBe('');
    await error.waitFor({ state: 'detached' });

    await row.getByRole('button', { name: `Suspend ${CONTACT}` }).click();
    await row.getByText('suspended', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Reinstate ${CONTACT}` }).click();
    await row.getByText('active', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Suspend ${CONTACT}` }).waitFor();
    // The registration is on the timeline, under the contact's name.
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByRole('listitem')
      .filter({ hasText: 'user.registered' })
      .filter({ hasText: CONTACT })
      .first()
      .waitFor();
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("shows billing's trial on the state badge and the timeline, and pushed facts on the Facts card", async () => {
    expect(await callApi('/events', { type: 'trial.started', account: ACCOUNT, plan: 'pro' })).toBe(202);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    await page.locator('header.account-header').getByText('trialing', { exact: true }).waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByRole('listitem').filter({ hasText: 'trial.started' }).first().waitFor();

    // The pack's trial reminders (packs/pos-saas/journeys.yaml): Day 7 Email next, 7 days after the start.
    const trial = page
      .getByRole('region', { name: 'Journeys' })
      .getByRole('article', { name: 'Trial Reminders · Account' });
    await trial.waitFor();
    await trial.getByText('running', { exact: true }).waitFor();
    const startedAt = await trial.locator('.journey-started time').getAttribute('datetime');
    const next = trial.locator('.journey-next');
    expect(await next.textContent()).toMatch(/^Next: Day 7 Email — due in 7 days · /);
    expect(await next.locator('time').getAttribute('datetime')).toBe(
      new Date(Date.parse(startedAt!) + 7 * DAY_MS).toISOString(),
    );
    const steps = trial.getByRole('list', { name: 'Steps of Trial Reminders' }).getByRole('listitem');
    expect(await steps.locator('.journey-step-label').allTextContents()).toEqual([
      'Day 7 Email',
      'Day 12 Email',
      'Day 13 Email',
    ]);
    expect(await steps.locator('.visually-hidden').allTextContents()).toEqual(Array(3).fill('pending: '));
    expect(await steps.nth(2).locator('time').getAttribute('datetime')).toBe(
      new Date(Date.parse(startedAt!) + 13 * DAY_MS).toISOString(),
    );

    const at = '2026-01-10T10:00:00Z';
    const facts = { facts: { customers_added: 6, transactions: 12 }, at, key: 'sync-77' };
    expect(await callApi(`/accounts/${ACCOUNT}/facts`, facts)).toBe(200);
    await page.reload();
    const card = page.getByRole('region', { name: 'Facts' });
    const added = card.locator('dl > div').filter({ hasText: 'customers_added' });
    await added.getByText('6', { exact: true }).waitFor();
    expect(await added.locator('time').getAttribute('datetime')).toBe('2026-01-10T10:00:00.000Z');
    await card
      .locator('dl > div')
      .filter({ hasText: 'transactions' })
      .getByText('12', { exact: true })
      .waitFor();
    await page.screenshot({ path: '/tmp/opsbook-customers-account.png', fullPage: true });
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
