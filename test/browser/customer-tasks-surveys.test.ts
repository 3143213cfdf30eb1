/**
 * In a real browser against the real server, signed in as the ShopSmart demo owner: a shop owner's
 * day-30 NPS invitation is answered on its own survey page (no sign-in; the link's token is the key) with
 * a 7 ("7-8 (Passives)"); the page then says it was answered, and answering again is refused. The account
 * page shows the answer on the Surveys card (7 of 10, passive) and the pack's task "Understand what's
 * missing" on the Tasks card, which the owner marks done with a note that shows there. Then the Smart
 * Estate sandbox checkout page takes a payment with "Pay". Every page is checked for script errors and the
 * accessibility basics.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inviteToSurvey } from '../../src/modules/customers/surveys.js';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';
const ACCOUNT = 'shop_nps';

describeInBrowser('web account tasks and surveys', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];
  let ws = '';
  let user = '';

  async function callApi(method: 'GET' | 'POST', path: string, data?: object) {
    const me = (await (await page.request.get(`${web!.baseUrl}/api/v1/me`)).json()) as {
      csrfToken: string;
      currentWorkspaceId: string;
    };
    ws = me.currentWorkspaceId;
    const url = `${web!.baseUrl}/api/v1/workspaces/${ws}${path}`;
    const headers = { 'x-csrf-token': me.csrfToken };
    return method === 'GET' ? page.request.get(url) : page.request.post(url, { data: data ?? {}, headers });
  }

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /ShopSmart/);
    expect((await callApi('POST', '/accounts', { id: ACCOUNT, name: 'Kumar Kirana' })).status()).toBe(201);
    const contact = await callApi('POST', `/accounts/${ACCOUNT}/contacts`, {
      name: 'Vijay Kumar',
      phone: '+919812300099',
      register: true,
    });
    expect(contact.status()).toBe(201);
    user = ((await contact.json()) as { id: string }).id;
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('takes one answer on the survey page', async () => {
    // As the day-30 step's message records it when it is sent.
    const { id, token } = await web!.database.inWorkspace(ws, (tx) =>
      inviteToSurvey(tx, ws, {
        survey: 'nps-day-30',
        scale: 'nps',
        subject: `user:${user}`,
        accountId: ACCOUNT,
        messageId: 'msg_browser_nps',
        at: new Date(),
      }),
    );
    const link = `${web!.baseUrl}/survey/${ws}/${id}?t=${token}`;
    const survey = await context!.newPage();
    await survey.goto(link);
    await survey.getByRole('heading', { level: 1, name: 'A quick question' }).waitFor();
    expect(await audit(survey)).toEqual([]);
    await survey.getByRole('radio', { name: '7', exact: true }).check();
    await survey.getByLabel(/main reason/).fill('Need GST invoices');
    await survey.getByRole('button', { name: 'Send' }).click();
    await survey.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    expect(await survey.textContent('main')).toContain('7 of 10');
    await survey.goto(link);
    expect(await survey.textContent('main')).toContain('You answered this survey');
    await survey.close();
  });

  it('shows the answer and the pack task on the account page, and marks the task done', async () => {
    await page.goto(`${web!.baseUrl}/customers/${ACCOUNT}`);
    await page.getByRole('heading', { level: 1, name: 'Kumar Kirana' }).waitFor();
    const surveys = page.getByRole('region', { name: 'Surveys' });
    await surveys.getByRole('row', { name: /nps-day-30/ }).waitFor();
    const row = await surveys.getByRole('row', { name: /nps-day-30/ }).textContent();
    expect(row).toContain('7 of 10');
    expect(row).toContain('passive');
    expect(row).toContain('Need GST invoices');

    const tasks = page.getByRole('region', { name: 'Tasks' });
    const task = tasks.getByRole('listitem', { name: /Understand what's missing/ });
    await task.waitFor();
    expect(await task.textContent()).toContain('role:success');
    expect(await audit(page)).toEqual([]);
    await task.getByLabel('Notes (optional)').fill('Called: wants GST invoices by WhatsApp');
    await task.getByRole('button', { name: 'Mark done' }).click();
    await task.getByText(/Done .* Called: wants GST invoices by WhatsApp/).waitFor();
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('takes a hosted payment on the sandbox checkout page', async () => {
    const hook = await callApi('POST', '/payment-webhooks', { kind: 'generic', name: 'Sandbox' });
    const webhookId = ((await hook.json()) as { webhook: { id: string } }).webhook.id;
    const opened = await callApi('POST', `/accounts/${ACCOUNT}/checkout`, {
      webhookId,
      amount: 999,
      currency: 'INR',
      description: 'ShopSmart Pro, one month',
    });
    expect(opened.status()).toBe(201);
    const { url } = (await opened.json()) as { url: string };
    const checkout = await context!.newPage();
    await checkout.goto(`${web!.baseUrl}${new URL(url).pathname}${new URL(url).search}`);
    await checkout.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    expect(await checkout.textContent('main')).toContain('₹999.00');
    expect(await audit(checkout)).toEqual([]);
    await checkout.getByRole('button', { name: 'Pay' }).click();
    await checkout.getByRole('heading', { level: 1, name: 'Payment received' }).waitFor();
    await checkout.close();
    const list = (await (await callApi('GET', `/accounts/${ACCOUNT}/checkouts`)).json()) as {
      items: { status: string }[];
    };
    expect(list.items.map((c) => c.status)).toEqual(['paid']);
  });
});
