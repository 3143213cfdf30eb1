/**
 * The web app in a real browser against the real server (embedded database, demo loaded): sign-in,
 * workspace switch, navigation, a reload that keeps the session, and sign-out.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const AREAS = ['Inbox', 'Incidents', 'Status', 'Customers', 'Operations', 'Packs', 'Admin'];

describeInBrowser('web shell', () => {
  let web: BrowserApp | undefined;
  let baseUrl = '';

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    baseUrl = web.baseUrl;
  }, 300_000);

  afterAll(async () => {
    await web?.close();
  });

  const heading = (page: Page, name: RegExp) =>
    page.getByRole('heading', { level: 1, name }).waitFor({ timeout: WAIT });
  const pathOf = (page: Page) => new URL(page.url()).pathname;

  it('signs in, switches workspace, navigates, keeps the session over a reload and signs out', async () => {
    if (!web) throw new Error('the browser did not start');
    // Content-Security-Policy violations and script errors show up in problems; failed API calls (401) do not.
    const { context, page, problems } = await web.openPage();

    await page.goto(baseUrl);
    await page.getByLabel('Email').waitFor();
    await page.getByLabel('Email').fill(DEMO_ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/email or password is wrong/i);
    await page.screenshot({ path: '/tmp/opsbook-signin.png' });

    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    for (const area of AREAS)
      expect(await nav.getByRole('link', { name: area, exact: true }).count()).toBe(1);
    await heading(page, /^Inbox\b/);
    expect(pathOf(page)).toBe('/inbox');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.getByLabel('Workspace').selectOption({ label: 'SofaCover Pro' });
    await heading(page, /^Inbox\b.*SofaCover Pro/);
    await page.screenshot({ path: '/tmp/opsbook-shell.png' });

    await nav.getByRole('link', { name: 'Incidents', exact: true }).click();
    await heading(page, /^Incidents\b.*SofaCover Pro/);
    expect(pathOf(page)).toBe('/incidents');

    await page.reload();
    await heading(page, /^Incidents\b.*SofaCover Pro/);
    expect(pathOf(page)).toBe('/incidents');
    expect(await page.getByLabel('Workspace').inputValue()).not.toBe('');

    await nav.getByRole('link', { name: 'Admin', exact: true }).click();
    await heading(page, /^Admin\b.*SofaCover Pro/);
    const facts = page.getByRole('region', { name: 'This workspace' });
    await facts.getByText('sofacover', { exact: true }).waitFor();
    await facts.getByText('owner', { exact: true }).waitFor();

    // The workspace's SOP pack, rendered, with its version history.
    await nav.getByRole('link', { name: 'Packs', exact: true }).click();
    await heading(page, /^Packs\b.*SofaCover Pro/);
    const sop = page.getByRole('article', { name: 'Post-Launch Support Procedures' });
    await sop
      .getByRole('heading', { level: 1, name: 'Post-Launch Support Procedures' })
      .waitFor({ timeout: WAIT });
    await sop.getByRole('cell', { name: 'sofacover-pro', exact: true }).first().waitFor();
    await sop.getByRole('heading', { name: 'Versions' }).waitFor();
    await page.screenshot({ path: '/tmp/opsbook-packs.png', fullPage: false });

    // A record the engine governs, with each clock's due time explained.
    const sent = await page.evaluate(
      async (workspaceId: string) => {
        const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
        const response = await fetch(`/api/v1/workspaces/${workspaceId}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({
            type: 'ticket.created',
            ticket: 'T1',
            priority: 'p0',
            channel: 'phone-support',
          }),
        });
        return response.status;
      },
      await page.getByLabel('Workspace').inputValue(),
    );
    expect(sent).toBe(202);
    await page.goto(`${baseUrl}/records/ticket:T1`);
    await heading(page, /^ticket:T1$/);
    const clocks = page.getByRole('table', { name: 'Clocks' });
    await clocks.getByRole('cell', { name: 'response', exact: true }).waitFor();
    await clocks
      .getByText(/^due \w{3} \d\d:\d\d .*15 min of wall-clock time/)
      .first()
      .waitFor();
    await page
      .getByRole('table', { name: 'Effects' })
      .getByRole('cell', { name: 'clock.start' })
      .first()
      .waitFor();
    await page.screenshot({ path: '/tmp/opsbook-record.png' });

    // At phone width nothing overflows sideways and the navigation is still there.
    await page.setViewportSize({ width: 390, height: 844 });
    await nav.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/opsbook-shell-390.png' });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByLabel('Password').waitFor();

    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
