/**
 * The customer dashboard in a real browser against the real server (embedded database, demo loaded),
 * signed in as the ShopSmart demo owner. A shop, its registered owner, an NPS answer of 10 and two
 * payments (one failed) are sent through the API with the page's session; the Customers list's header
 * leads to /customers/metrics, whose tiles show SOP-001's targets beside each figure (D1 activation ≥ 60 %
 * with nothing to measure yet, NPS 100 ≥ 40 met), the failure rate without a target, MRR and ARPU in
 * rupees, the customers by plan, and the weekly charts, named and described, with their table. A shorter
 * period reloads the figures. Every state is checked for script errors and the accessibility basics.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';
const ACCOUNT = 'shop_m1';

describeInBrowser('web customer metrics', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  /** A POST to the workspace's API with the page's own session; its status and body. */
  async function post(path: string, data: object): Promise<{ status: number; body: unknown }> {
    const me = (await (await page.request.get(`${web!.baseUrl}/api/v1/me`)).json()) as {
      csrfToken: string;
      currentWorkspaceId: string;
    };
    const response = await page.request.post(
      `${web!.baseUrl}/api/v1/workspaces/${me.currentWorkspaceId}${path}`,
      { data, headers: { 'x-csrf-token': me.csrfToken } },
    );
    return { status: response.status(), body: await response.json() };
  }

  /** Opens the `<details>` whose summary says `summary`, unless it is open. */
  async function openTable(within: Locator, summary: string): Promise<void> {
    const details = within.locator('details', { has: page.getByText(summary, { exact: true }) });
    if ((await details.getAttribute('open')) === null)
      await details.getByText(summary, { exact: true }).click();
  }

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /ShopSmart/);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('shows the period figures beside the pack targets, with charts and their table', async () => {
    expect(
      (await post('/accounts', { id: ACCOUNT, name: 'Meena Kirana', kind: 'shop', plan: 'pro' })).status,
    ).toBe(201);
    const contact = await post(`/accounts/${ACCOUNT}/contacts`, {
      name: 'Meena Iyer',
      phone: '+919876500091',
      register: true,
    });
    expect(contact.status).toBe(201);
    const user = (contact.body as { id: string }).id;
    for (const event of [
      { type: 'survey.answered', user, survey: 'nps-day-30', score: 10 },
      { type: 'payment.failed', account: ACCOUNT, amount: 499, currency: 'INR', attempt: 1 },
      { type: 'payment.succeeded', account: ACCOUNT, amount: 499, currency: 'INR' },
    ])
      expect((await post('/events', event)).status).toBe(202);

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Customers\b.*ShopSmart/ }).waitFor();
    await page.locator('header.page-header').getByRole('link', { name: 'Metrics', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Customer metrics\b.*ShopSmart/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/customers/metrics');

    const figures = page.getByRole('region', { name: 'Key figures' });
    const tile = (name: string) => figures.getByRole('listitem', { name, exact: true });
    await tile('NPS Score').waitFor();
    // ShopSmart's SOP-001 success metrics, each beside its target (registers.yaml, 000#31-000#35).
    for (const [name, target] of [
      ['D1 Activation Rate', 'Target ≥ 60 %'],
      ['D7 Active Rate', 'Target ≥ 40 %'],
      ['D30 Retention', 'Target ≥ 25 %'],
      ['Day 3 Call Completion', 'Target ≥ 80 %'],
    ] as const) {
      await tile(name).getByText(target).waitFor();
      // Registered just now: nobody's day 1 has come yet.
      await tile(name).getByText('Nothing to measure yet').waitFor();
    }
    expect(await tile('NPS Score').locator('.cm-tile-value').textContent()).toBe('100');
    await tile('NPS Score').getByText('Target ≥ 40').waitFor();
    await tile('NPS Score').getByText('Target met').waitFor();
    await tile('NPS Score').getByText('1 answer: 1 promoter, 0 passives, 0 detractors').waitFor();
    expect(await tile('Payment failure rate').locator('.cm-tile-value').textContent()).toBe('50 %');
    await tile('Payment failure rate').getByText('No target in the pack').waitFor();

    const revenue = page.getByRole('region', { name: 'MRR and ARPU' });
    const inr = revenue.getByRole('listitem', { name: 'MRR (INR)' });
    expect(await inr.locator('.cm-tile-value').textContent()).toContain('499');
    await inr.getByText('from 1 paying account').waitFor();

    const customers = page.getByRole('region', { name: 'Customers now' });
    await customers.getByRole('img', { name: 'Customers by plan' }).waitFor();
    await openTable(customers, 'By plan as a table');
    const byPlan = customers.getByRole('table', { name: 'By plan' });
    expect(await byPlan.getByRole('row', { name: /pro/ }).getByRole('cell').textContent()).toBe('1');

    const weekly = page.getByRole('region', { name: 'Week by week' });
    for (const name of [
      'New accounts per week',
      'NPS per week, target 40',
      'Accounts cancelled per week',
      'Payments failed per week',
    ])
      await weekly.getByRole('img', { name }).waitFor();
    // The description says each week's figure, so a screen reader hears the chart.
    const described = await weekly
      .getByRole('img', { name: 'New accounts per week' })
      .locator('desc')
      .textContent();
    expect(described).toMatch(/: 1 new account$/);
    await openTable(weekly, 'Week by week as a table');
    const rows = weekly.getByRole('table', { name: 'Week by week' }).locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(4);
    // This week: the new account, the answer, no cancellation, one payment failed of two.
    const last = await rows.last().locator('td').allTextContents();
    expect([last[0], last[1], last[2], last[3], last[5], last[6], last[7]]).toEqual([
      '1',
      '1',
      '100',
      '0',
      '1',
      '1',
      '50 %',
    ]);
    await page.screenshot({ path: '/tmp/opsbook-customer-metrics.png', fullPage: true });
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('reloads the figures for a shorter period', async () => {
    const to = page.getByLabel('To', { exact: true });
    await page.getByLabel('From', { exact: true }).fill(await to.inputValue());
    const weekly = page.getByRole('region', { name: 'Week by week' });
    const rows = weekly.getByRole('table', { name: 'Week by week' }).locator('tbody tr');
    // The figures reload (the table may be drawn anew, closed): one week, today's.
    await expect
      .poll(
        async () => {
          await openTable(weekly, 'Week by week as a table');
          return rows.count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await rows.first().locator('td').first().textContent()).toBe('1');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
