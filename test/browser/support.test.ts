/**
 * The help desk in a real browser against the real server (embedded database, demo loaded) and the
 * support SMTP listener: a customer's email becomes a ticket that appears in the open inbox without a
 * reload; the agent opens it from the keyboard, replies from a template (Ctrl+Enter), sees the
 * first-response clock met, and resolves it; the customer opens the CSAT link of the survey mail and
 * answers 5; the agent's open ticket shows CSAT 5. Then the dashboard drills down to the inbox, an article
 * is written and published, and an agent goes off shift.
 *
 * The SMTP listener is started here (test/support/browser.ts does not start one) on the server's database.
 */
import { and, eq, like } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLog } from '../../src/engine/log.js';
import { type RunningSupportSmtp, startSupportSmtp } from '../../src/intake/support-smtp.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { supportContext } from '../../src/modules/support/context.js';
import { outbox } from '../../src/store/schema.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const SUBJECT = 'How do I export my invoices to Excel?';

describeInBrowser('web help desk', () => {
  let web: BrowserApp | undefined;
  let smtp: RunningSupportSmtp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];
  let workspaceId = '';
  let ticketNumber = 0;

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
    smtp = await startSupportSmtp({
      support: supportContext({ database: web.database, now: () => new Date(), config }),
      log: silentLog,
      host: '127.0.0.1',
      port: 0,
      domain: config.supportDomain,
      maxBytes: config.supportMaxBytes,
    });
    ({ context, page, problems } = await web.openPage());
    await page.goto(web.baseUrl);
    await page.getByLabel('Email').fill(DEMO_ADMIN_EMAIL);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Workspace').selectOption({ label: 'ShopSmart Pro' });
    await page.getByRole('heading', { level: 1, name: /^Inbox\b.*ShopSmart Pro/ }).waitFor();
    workspaceId = await page.getByLabel('Workspace').inputValue();
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await smtp?.stop();
    await web?.close();
  });

  /** A customer writes to the workspace's demo support address. */
  async function sendMail() {
    if (!smtp) throw new Error('the SMTP listener did not start');
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'Ravi Kumar <ravi@customer.example>',
      to: 'help@shopsmart.demo',
      subject: SUBJECT,
      text: 'Hello,\n\nI need my invoices of last quarter in Excel. Where do I find the export?\n\nRavi',
    });
    transport.close();
  }

  /** The survey link of the CSAT mail recorded for the ticket, on this test's server. */
  async function surveyUrl(): Promise<string> {
    if (!web) throw new Error('the server did not start');
    const rows = await web.database.inWorkspace(workspaceId, (tx) =>
      tx
        .select({ payload: outbox.payload })
        .from(outbox)
        .where(and(eq(outbox.workspaceId, workspaceId), like(outbox.idempotencyKey, '%:csat:%'))),
    );
    const texts = rows.map((r) => {
      const text = (r.payload as { text?: unknown }).text;
      return typeof text === 'string' ? text : '';
    });
    const found = texts
      .map((text) => /https?:\/\/\S+?\/help\/[^\s/]+\/csat\/(\d+)\?t=[\w-]+/.exec(text))
      .find((m) => m && Number(m[1]) === ticketNumber);
    if (!found) throw new Error(`no CSAT survey mail for #${ticketNumber}: ${texts.join(' | ')}`);
    const url = new URL(found[0]);
    return `${web.baseUrl}${url.pathname}${url.search}`;
  }

  it('shows a new email ticket live, replies from a template, resolves it and shows the CSAT answer', async () => {
    // ShopSmart's demo desk starts with no tickets.
    await page.getByRole('region', { name: 'Tickets' }).getByText('No tickets match.').waitFor();
    const tickets = page.getByRole('table', { name: 'Tickets' });

    // The mail arrives while the inbox is open: the row appears and is announced, with no reload.
    await sendMail();
    const row = tickets.getByRole('row').filter({ hasText: SUBJECT });
    await row.waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /New ticket #\d+: How do I export/ })
      .waitFor({ state: 'attached' });
    expect(await row.textContent()).toMatch(/P3/);
    expect(await row.textContent()).toMatch(/email/);
    expect(await row.textContent()).toMatch(/Ravi Kumar/);
    await page.screenshot({ path: '/tmp/opsbook-support-inbox.png' });

    // Keyboard: / searches, Escape leaves the box, j moves to the first row, o opens it.
    await page.getByRole('heading', { level: 2, name: 'Tickets' }).click();
    await page.keyboard.press('/');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('inbox-search');
    await page.keyboard.type('export invoices');
    await page.waitForURL(/\/inbox\?q=export/);
    await tickets.getByRole('row').filter({ hasText: SUBJECT }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.waitForURL(/\/inbox\/\d+$/);
    ticketNumber = Number(new URL(page.url()).pathname.split('/').at(-1));
    await page
      .getByRole('heading', { level: 1, name: new RegExp(`^#${ticketNumber} How do I export`) })
      .waitFor();

    // The triage rule that set the priority, the clocks with their reasons, the customer's words.
    await page.locator('#ticket-priority-hint').getByText('set by rule how-to-question').waitFor();
    const clocks = page.getByRole('region', { name: 'SLA clocks' });
    await clocks.getByRole('listitem', { name: /^First response: running$/ }).waitFor();
    await page
      .getByRole('region', { name: 'Conversation' })
      .getByText('Where do I find the export?')
      .waitFor();

    // A reply from a template, sent with Ctrl+Enter.
    const template = page.getByLabel('Template');
    await template.locator('option').nth(1).waitFor({ state: 'attached' });
    const chosen = await template.locator('option').nth(1).getAttribute('value');
    await template.selectOption(chosen ?? '');
    const text = page.getByLabel('Reply to the customer');
    expect((await text.inputValue()).length).toBeGreaterThan(10);
    await text.press('Control+Enter');
    await page.getByRole('status').filter({ hasText: 'Reply sent.' }).waitFor();
    await clocks.getByRole('listitem', { name: /^First response: met$/ }).waitFor();
    await page.screenshot({ path: '/tmp/opsbook-support-ticket.png', fullPage: true });

    // Resolved on first contact; the CSAT survey is recorded to go to the customer.
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByLabel('Resolved on first contact').check();
    await actions.getByRole('button', { name: 'Resolve' }).click();
    await actions.getByRole('button', { name: 'Reopen' }).waitFor();
    const summary = page.locator('.ticket-summary');
    await summary.getByText('resolved', { exact: true }).waitFor();

    // The customer answers the survey in their own browser (no session): 5.
    const customer = await web!.openPage();
    try {
      await customer.page.goto(await surveyUrl());
      await customer.page.getByRole('heading', { name: 'How did we do?' }).waitFor();
      // The survey page is the public help centre's (help-pages.ts): five radio buttons, 1 to 5.
      await customer.page.locator('input[name="score"][value="5"]').check();
      await customer.page.getByRole('button', { name: 'Send' }).click();
      await customer.page.getByRole('heading', { name: 'Thank you' }).waitFor();
      expect(customer.problems).toEqual([]);
    } finally {
      await customer.context.close();
    }

    // The agent's open ticket learns of the answer over the stream.
    await summary.getByText('CSAT 5/5').waitFor({ timeout: WAIT });
    expect(problems).toEqual([]);
  }, 240_000);

  it('drills from the dashboard into the inbox, publishes an article and changes a shift', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Support', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Support\b.*ShopSmart Pro/ }).waitFor();
    await page.getByRole('img', { name: /^Average CSAT: 5\.00 of 5/ }).waitFor();
    await page.screenshot({ path: '/tmp/opsbook-support-dashboard.png', fullPage: true });

    // The email bar of "Volume by channel" lists the tickets behind it, resolved ones included.
    await page.getByRole('link', { name: /^email: \d+ tickets?$/ }).click();
    await page.waitForURL(/\/inbox\?.*channel=email/);
    await page
      .getByRole('table', { name: 'Tickets' })
      .getByRole('row')
      .filter({ hasText: SUBJECT })
      .waitFor();
    await page.getByText(/From the dashboard: created/).waitFor();

    // Knowledge: a new article, previewed, then published.
    await nav.getByRole('link', { name: 'Support', exact: true }).click();
    await page.getByRole('navigation', { name: 'Support' }).getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('button', { name: 'New article' }).click();
    const editor = page.getByRole('region', { name: 'New article' });
    await editor.getByLabel('Title').fill('Exporting invoices to Excel');
    await editor.getByLabel('Help-centre category').fill('Billing');
    await editor.getByLabel('Text (Markdown)').fill('## Export\n\nOpen **Invoices**, then choose *Export*.');
    await editor.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Export' }).waitFor();
    await editor.getByRole('button', { name: 'Publish' }).click();
    const articles = page.getByRole('table', { name: 'Articles' });
    const article = articles.getByRole('row').filter({ hasText: 'Exporting invoices to Excel' });
    await article.getByText('published').waitFor();

    // Settings: the demo owner goes off shift.
    await page.getByRole('navigation', { name: 'Support' }).getByRole('link', { name: 'Settings' }).click();
    const onShift = page.getByRole('switch', { name: /Owner.* on shift$/ }).first();
    await onShift.waitFor();
    const was = await onShift.isChecked();
    await onShift.click();
    await expect.poll(() => onShift.isChecked(), { timeout: WAIT }).toBe(!was);
    expect(problems).toEqual([]);
  }, 240_000);
});
