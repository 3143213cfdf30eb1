/**
 * The status area in a real browser against the real server (embedded database, demo loaded), signed in
 * as ShopSmart's demo owner: add a component and find it on the public status page (a browser with no
 * session), change its description and schedule maintenance on it ("create from pack" adds nothing the
 * demo lacks); have a health check of a private address refused with the SSRF guard's own words; create
 * a heartbeat, ping the URL shown once and see the ping after a reload, pause and resume it, import the
 * pack's monitors again (nothing new); create a generic alert integration, send an alert with the token shown once,
 * see it among the open alerts and acknowledge it. Every page is checked for script errors and for the
 * accessibility basics (one h1, no skipped heading level, every control and button named, no duplicate
 * ids).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';
const COMPONENT = 'Gift cards API';
const HEARTBEAT = 'Nightly stock export';
const INTEGRATION = 'Synthetic probes';
const ALERT = 'Search answers slower than 2 s';

describeInBrowser('web status area', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /ShopSmart Pro/);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('adds a component that the public page shows, changes it and schedules maintenance on it', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Status', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Status page\b.*ShopSmart Pro/ }).waitFor();
    const components = page.getByRole('region', { name: 'Components' });
    await components.getByRole('table').or(components.getByText('No components yet')).first().waitFor();
    await page
      .getByRole('region', { name: 'Subscribers' })
      .getByText(/\d+ subscribers?, \d+ confirmed/)
      .waitFor();
    expect(await audit(page)).toEqual([]);

    const add = page.getByRole('region', { name: 'Add a component' });
    await add.getByLabel('Name').fill(COMPONENT);
    await add.getByLabel('Group (optional)').fill('Payments');
    await add.getByLabel('Uptime target (optional)').fill('99.9');
    await add.getByRole('button', { name: 'Add component' }).click();
    const row = components.getByRole('row', { name: new RegExp(COMPONENT) });
    await row.waitFor();
    expect(await row.textContent()).toContain('above 99.9 %');

    // The description, changed in the row's own form.
    await row.getByRole('button', { name: `Edit ${COMPONENT}` }).click();
    const edit = components.getByRole('form', { name: `Change ${COMPONENT}` });
    await edit.getByLabel('Description').fill('Balances and redemption of gift cards');
    expect(await audit(page)).toEqual([]);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.getByText('Balances and redemption of gift cards').waitFor();

    // The pack's services are components already (the demo added them).
    await components.getByRole('button', { name: 'Create from pack' }).click();
    await components
      .getByRole('status')
      .getByText('The page already has every component the pack names.')
      .waitFor();

    // Maintenance on it, announced now.
    const schedule = page.getByRole('region', { name: 'Schedule maintenance' });
    await schedule.getByLabel('Title').fill('Gift card ledger upgrade');
    await schedule.getByRole('checkbox', { name: COMPONENT }).check();
    await schedule.getByRole('button', { name: 'Schedule' }).click();
    const windows = page.getByRole('region', { name: 'Maintenance windows' });
    await windows
      .getByRole('row', { name: /Gift card ledger upgrade/ })
      .getByText(COMPONENT)
      .waitFor();

    // The public page, server-rendered, seen by someone with no session.
    await page.screenshot({ path: '/tmp/opsbook-status-page.png', fullPage: true });
    const link = page.getByRole('link', { name: 'Open the public status page' });
    expect(await link.getAttribute('href')).toBe('/status/shopsmart');
    const visitor = await web!.openPage();
    try {
      await visitor.page.goto(`${web!.baseUrl}/status/shopsmart`);
      await visitor.page.getByText(COMPONENT).first().waitFor();
      await visitor.page.getByText('Gift card ledger upgrade').first().waitFor();
    } finally {
      await visitor.context.close();
    }
    expect(problems).toEqual([]);
  });

  it('refuses a check of a private address, and a new heartbeat shows its ping after a ping', async () => {
    await page.getByRole('navigation', { name: 'Status' }).getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('heading', { level: 1, name: /^Monitoring\b.*ShopSmart Pro/ }).waitFor();
    const heartbeats = page.getByRole('region', { name: 'Heartbeats' });
    await heartbeats.getByRole('table').or(heartbeats.getByText('No heartbeats yet.')).first().waitFor();
    expect(await audit(page)).toEqual([]);

    // The SSRF guard (RELIABILITY S5): refused when saved, in its own words, next to the form.
    const check = page.getByRole('region', { name: 'Create a health check' });
    await check.getByLabel('Name').fill('Back office');
    await check.getByLabel('Kind').selectOption('http');
    await check.getByLabel('URL').fill('http://10.0.0.1/health');
    await check.getByRole('button', { name: 'Create check' }).click();
    const refusal = check.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      'http://10.0.0.1/ resolves to 10.0.0.1, a private (10.0.0.0/8) address; outbound requests to it are refused.',
    );
    await expect
      .poll(() => page.getByRole('region', { name: 'Health checks' }).getByText('Back office').count())
      .toBe(0);

    // A heartbeat: its ping URL is shown once; a ping turns it up.
    const create = page.getByRole('region', { name: 'Create a heartbeat' });
    await create.getByLabel('Name').fill(HEARTBEAT);
    await create.getByLabel('Period (minutes)').fill('1440');
    await create.getByLabel('Grace (minutes)').fill('30');
    await create.getByRole('button', { name: 'Create heartbeat' }).click();
    const shown = page.getByRole('region', { name: `Ping URL of ${HEARTBEAT}` });
    const pingUrl = await shown.getByRole('textbox', { name: 'Ping URL' }).inputValue();
    expect(pingUrl).toMatch(/\/ping\/hbp_[\w-]+$/);
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-status-monitoring.png', fullPage: true });
    const row = heartbeats.getByRole('row', { name: new RegExp(HEARTBEAT) });
    await row.getByText('new', { exact: true }).waitFor();
    expect(await row.textContent()).toContain('every 1 d, grace 30 min');

    const ping = await fetch(`${web!.baseUrl}${new URL(pingUrl).pathname}`, { method: 'POST' });
    expect(ping.status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /^Monitoring\b/ }).waitFor();
    await row.getByText('up', { exact: true }).waitFor();
    expect(await row.textContent()).not.toContain('never');
    await page.getByRole('region', { name: `Ping URL of ${HEARTBEAT}` }).waitFor({ state: 'detached' });

    // Paused and resumed from its row.
    await row.getByRole('button', { name: `Pause ${HEARTBEAT}` }).click();
    await row.getByText('paused', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Resume ${HEARTBEAT}` }).click();
    await row.getByRole('button', { name: `Pause ${HEARTBEAT}` }).waitFor();

    // The demo imported the pack's monitors already: importing again creates nothing.
    await page.getByRole('button', { name: 'Import from pack' }).click();
    await page
      .getByRole('region', { name: 'Imported from the pack' })
      .getByRole('status')
      .getByText(/^Nothing new/)
      .waitFor();
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('creates a generic integration whose token sends an alert, which is listed and acknowledged', async () => {
    await page.getByRole('navigation', { name: 'Status' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { level: 1, name: /^Alerts\b.*ShopSmart Pro/ }).waitFor();
    const integrations = page.getByRole('region', { name: 'Integrations' });
    await integrations
      .getByRole('table')
      .or(integrations.getByText('No integrations yet.'))
      .first()
      .waitFor();
    expect(await audit(page)).toEqual([]);

    const create = page.getByRole('region', { name: 'Create an integration' });
    await create.getByLabel('Kind').selectOption('generic');
    await create.getByLabel('Name').fill(INTEGRATION);
    await create.getByRole('button', { name: 'Create integration' }).click();
    const shown = page.getByRole('region', { name: `Token of ${INTEGRATION}` });
    const token = await shown.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
    const intake = await shown.getByRole('textbox', { name: 'Intake URL', exact: true }).inputValue();
    expect(token).toMatch(/^opsi_/);
    expect(new URL(intake).pathname).toBe('/api/v1/intake/generic');
    await integrations.getByRole('row', { name: new RegExp(INTEGRATION) }).waitFor();
    expect(await audit(page)).toEqual([]);

    const sent = await fetch(`${web!.baseUrl}/api/v1/intake/generic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        summary: ALERT,
        severity: 'critical',
        service: 'search',
        dedupKey: 'search-p95',
      }),
    });
    expect(sent.status).toBe(202);
    const { incidents } = (await sent.json()) as { incidents: number[] };

    // The list refreshes by itself; the alert arrives firing, with the incident it opened or joined.
    const alerts = page.getByRole('region', { name: 'Open alerts' });
    const row = alerts.getByRole('row', { name: new RegExp(ALERT) });
    await row.getByText('firing', { exact: true }).waitFor();
    if (incidents[0] !== undefined) {
      const incident = row.getByRole('link', { name: `INC-${incidents[0]}` });
      expect(await incident.getAttribute('href')).toBe(`/incidents/${incidents[0]}`);
    }
    await row.getByRole('button', { name: `Acknowledge ${ALERT}` }).click();
    await row.getByText('acknowledged', { exact: true }).waitFor();
    await page.screenshot({ path: '/tmp/opsbook-status-alerts.png', fullPage: true });
    await row.getByRole('button', { name: `Acknowledge ${ALERT}` }).waitFor({ state: 'detached' });
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
