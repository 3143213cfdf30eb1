/**
 * Notifications in a real browser against the real server (embedded database, demo loaded, the delivery
 * dispatcher run by hand): the bell counts an in-app notification stored while the page is open
 * (server-sent events, no reload) and marks all read, and the dashboard feed updates live; Admin →
 * Notifications refuses a webhook to the cloud metadata address with the server's reason beside the URL
 * field; a P0 incident's messages appear in Admin → Deliveries (a Slack message with no destination is
 * dead: its attempt, its parent and Retry), and the owners' "could not deliver" mail in Admin → Mailbox;
 * the active pack's templates preview per language in Admin → Templates and on the Packs page; one's own
 * notification settings are checked, saved, and shown again after a reload.
 *
 * The set-up is test/support/browser.ts's; the in-app adapter and the dispatcher use its database and keys.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createInAppAdapter } from '../../src/channels/in-app.js';
import { loadConfig } from '../../src/config/config.js';
import { databaseClock } from '../../src/engine/clock.js';
import { silentLog } from '../../src/engine/log.js';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { type RunningDelivery, startDelivery } from '../../src/modules/notifications/runtime.js';
import { newId } from '../../src/shared/ids.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

describeInBrowser('web notifications', () => {
  let web: BrowserApp | undefined;
  let delivery: RunningDelivery | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let workspaceId = '';
  let userId = '';
  /** Script errors and CSP violations; failed API calls ("Failed to load resource") are answers, not these. */
  let problems: string[] = [];

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    delivery = await startDelivery({
      config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }),
      database: web.database,
      keys: web.keys,
      clock: databaseClock,
      workerId: 'dsp_web_test',
      log: silentLog,
      autoStart: false,
    });
    ({ context, page, problems } = await web.openPage());

    await page.goto(web.baseUrl);
    await page.getByLabel('Email').fill(DEMO_ADMIN_EMAIL);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Workspace').selectOption({ label: 'SofaCover Pro' });
    await page.getByRole('heading', { level: 1, name: /^Inbox\b.*SofaCover Pro/ }).waitFor();
    workspaceId = await page.getByLabel('Workspace').inputValue();
    userId = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/me')).json()) as { user: { id: string } };
      return me.user.id;
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await delivery?.stop();
    await web?.close();
  });

  /** Stores an in-app notification the way the dispatcher's in-app lane does; `to` '' is the feed. */
  async function notify(to: string, subject: string, text: string) {
    if (!web) throw new Error('the server did not start');
    const outcome = await createInAppAdapter(web.database).send(
      {
        id: newId('msg', Date.now()),
        workspaceId,
        attempt: 1,
        kind: 'in-app',
        target: { address: to },
        subject,
        text,
        automatic: true,
        context: { subject: 'incident:P0-1', level: 'critical' },
      },
      AbortSignal.timeout(WAIT),
    );
    expect(outcome).toMatchObject({ ok: true });
  }

  const bell = (unread: number) => page.getByRole('button', { name: `Notifications (${unread} unread)` });
  const area = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  const adminTab = (name: string) =>
    page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name, exact: true }).click();

  it('counts a new notification live, shows it, and marks all read', async () => {
    await bell(0).waitFor();
    const feed = page.getByRole('region', { name: 'Dashboard feed' });
    await feed.waitFor();

    // Stored while the page is open: the stream tells the page, which fetches; no reload.
    await notify(userId, 'P0 incident P0-1 declared', 'Checkout is down.\nJoin the bridge.');
    await bell(1).waitFor();
    await notify('', 'Checkout degraded', 'Payments are slow for some customers.');
    await feed.getByText('Checkout degraded').waitFor();

    await bell(1).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('P0 incident P0-1 declared').waitFor();
    await panel.getByText('Checkout is down.').waitFor();
    await page.screenshot({ path: '/tmp/opsbook-notifications-bell.png' });
    // At phone width the open panel fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/opsbook-notifications-bell-390.png' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await bell(0).waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });

  it('refuses a webhook to a private address beside the URL field', async () => {
    await area('Admin');
    await adminTab('Notifications');
    await page.getByLabel('Pack channel id').fill('ops-webhook');
    await page.getByLabel('Kind').selectOption('webhook');
    const url = page.getByLabel('URL', { exact: true });
    await url.fill('http://169.254.169.254/hook');
    await page.getByRole('button', { name: 'Save destination' }).click();
    const urlError = page.locator('#destination-url-error');
    await urlError.waitFor();
    expect(await urlError.textContent()).toMatch(/169\.254\.169\.254.*refused/);
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: '/tmp/opsbook-notifications-destination.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  it("lists a P0 incident's messages with their attempts, retries a dead one, and reads the mailbox", async () => {
    const status = await page.evaluate(async (ws: string) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
      const response = await fetch(`/api/v1/workspaces/${ws}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({
          type: 'incident.declared',
          incident: 'P0-1',
          priority: 'p0',
          title: 'Checkout is down',
        }),
      });
      return response.status;
    }, workspaceId);
    expect(status).toBe(202);
    // Expansion, then the deliveries, then the owners' notices about what could not be delivered.
    const dispatcher = delivery?.dispatcher;
    if (!dispatcher) throw new Error('delivery did not start');
    for (let round = 0; round < 10 && (await dispatcher.runOnce()) > 0; round++);

    await adminTab('Deliveries');
    const messages = page.getByRole('table', { name: 'Messages' });
    await messages.getByRole('row').filter({ hasText: 'notify' }).first().waitFor();
    await page.getByLabel('Status').selectOption('dead');
    const dead = messages.getByRole('row').filter({ hasText: 'slack' }).first();
    await dead.waitFor();
    expect(await messages.getByRole('row').filter({ hasText: 'pending' }).count()).toBe(0);
    await dead.getByRole('button', { name: /^Details of msg_/ }).click();

    // Slack had no URL for the channel: the attempt says so, and how to fix it.
    const detail = page.getByRole('region', { name: /^Message msg_/ });
    const attempts = detail.getByRole('table', { name: 'Attempts' });
    await attempts
      .getByText(/no Slack incoming-webhook URL/)
      .first()
      .waitFor();
    await page.screenshot({ path: '/tmp/opsbook-notifications-deliveries.png', fullPage: true });
    await detail.getByRole('button', { name: 'Retry' }).click();
    await detail.getByText('pending', { exact: true }).first().waitFor();

    // Its parent: the rule's notify message, with what it expanded into.
    await detail.getByRole('button', { name: /^msg_/ }).click();
    await detail.getByRole('table', { name: 'Deliveries' }).getByText('slack').first().waitFor();

    await adminTab('Mailbox');
    const mail = page.getByRole('table', { name: 'Mailbox' });
    const notice = mail.getByRole('row').filter({ hasText: 'Could not deliver slack message' }).first();
    await notice.getByRole('button', { name: /^Read / }).click();
    const reader = page.getByRole('region', { name: /^Could not deliver slack message/ });
    await reader.locator('pre').waitFor();
    expect(await reader.locator('pre').textContent()).toMatch(/support-critical/);
    expect(problems).toEqual([]);
  });

  it("previews the active pack's templates per language, in Admin and on the Packs page", async () => {
    // Admin → Templates lists the templates GET /templates gives for SofaCover Pro's pack (English only).
    await adminTab('Templates');
    const admin = page.getByRole('region', { name: 'Preview a message template' });
    const picker = admin.getByLabel('Template');
    await picker.waitFor();
    const options = await picker.locator('option').allTextContents();
    expect(options).toContain('Incident Declaration (incident-declaration, slack)');
    await picker.selectOption('incident-declaration');
    await admin.getByRole('button', { name: 'Preview' }).click();
    const adminPreview = admin.getByRole('region', { name: 'Preview of incident-declaration' });
    await adminPreview.getByRole('article', { name: /\(en\)$/ }).waitFor();
    expect(await adminPreview.getByRole('article').count()).toBe(1);
    await page.screenshot({ path: '/tmp/opsbook-notifications-templates.png', fullPage: true });

    // The Packs page shows the same preview under the active pack: ShopSmart Pro's has Hindi too.
    await area('Packs');
    await page.getByLabel('Workspace').selectOption({ label: 'ShopSmart Pro' });
    await page.getByRole('heading', { level: 1, name: /^Packs\b.*ShopSmart Pro/ }).waitFor();
    const packs = page.getByRole('region', { name: 'Preview a message template' });
    await packs.getByLabel('Template').selectOption('welcome-email');
    await packs.getByRole('button', { name: 'Preview' }).click();
    const packPreview = packs.getByRole('region', { name: 'Preview of welcome-email' });
    await packPreview.getByRole('article', { name: /\(en\)$/ }).waitFor();
    await packPreview.getByRole('article', { name: /\(hi\)$/ }).waitFor();
    await packs.screenshot({ path: '/tmp/opsbook-notifications-pack-templates.png' });
    // Beside the list of packs, under the document: not squeezed into the list's column.
    const list = await page.getByRole('navigation', { name: 'Packs' }).boundingBox();
    const preview = await packs.boundingBox();
    if (!list || !preview) throw new Error('the pack list or the preview is not shown');
    expect(preview.x).toBeGreaterThanOrEqual(list.x + list.width);
    expect(problems).toEqual([]);
  });

  it('saves personal notification settings and shows them after a reload', async () => {
    // A time zone the server does not know is refused beside the fields; then the settings are saved.
    await area('Security');
    await page.getByLabel('Language', { exact: true }).fill('hi');
    await page.getByLabel('Quiet hours: hold messages that are not urgent').check();
    await page.getByLabel('From', { exact: true }).fill('21:30');
    await page.getByLabel('Until', { exact: true }).fill('06:45');
    await page.getByLabel('Time zone', { exact: true }).fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    const quietError = page.locator('#quiet-hours-error');
    await quietError.waitFor();
    expect(await quietError.textContent()).toMatch(/Mars\/Olympus_Mons.*time zone/);
    await page.getByLabel('Time zone', { exact: true }).fill('Asia/Kolkata');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Notification settings saved.' }).waitFor();

    // The form starts from what GET /me/notification-settings says was saved.
    await page.reload();
    await page.getByLabel('Language', { exact: true }).waitFor();
    expect(await page.getByLabel('Language', { exact: true }).inputValue()).toBe('hi');
    expect(await page.getByLabel('Quiet hours: hold messages that are not urgent').isChecked()).toBe(true);
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('21:30');
    expect(await page.getByLabel('Until', { exact: true }).inputValue()).toBe('06:45');
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('Asia/Kolkata');
    expect(problems).toEqual([]);
  });
});
