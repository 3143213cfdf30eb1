/**
 * The compliance report in a real browser against the real server (embedded database, demo loaded), signed
 * in as the ShopSmart demo owner. Two P1 tickets are sent through the API with the page's session, one
 * answered at once; the Compliance page (from the main navigation) shows, per pack version, each step with
 * the SOP's words and the same figures the API answers (P1 first response: met in time, one running); its
 * printable link opens the HTML page with the figures and no script. Checked for script errors and the
 * accessibility basics.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';

interface Line {
  step: string;
  level: string | null;
  label: string;
  met: number;
  breached: number;
  running: number;
}

describeInBrowser('web compliance report', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  async function me() {
    return (await (await page.request.get(`${web!.baseUrl}/api/v1/me`)).json()) as {
      csrfToken: string;
      currentWorkspaceId: string;
    };
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

  it('shows each step of the pack with the figures the API gives, and a printable version', async () => {
    const { csrfToken, currentWorkspaceId: ws } = await me();
    const suffix = Math.random().toString(36).slice(2, 8);
    for (const event of [
      { type: 'ticket.created', ticket: `CMP-A-${suffix}`, priority: 'p1', channel: 'email' },
      { type: 'ticket.created', ticket: `CMP-B-${suffix}`, priority: 'p1', channel: 'email' },
      { type: 'ticket.replied', ticket: `CMP-A-${suffix}`, by: 'agent' },
    ]) {
      const r = await page.request.post(`${web!.baseUrl}/api/v1/workspaces/${ws}/events`, {
        data: event,
        headers: { 'x-csrf-token': csrfToken },
      });
      expect(r.status()).toBe(202);
    }

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Compliance', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Compliance\b.*ShopSmart/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/compliance');
    const pack = page.getByRole('region', { name: /ShopSmart.*version/ });
    await pack.waitFor();
    const table = pack.getByRole('table', { name: 'Response, resolution and fix-by targets' });
    const row = table.getByRole('row', { name: /First response within 15 min/ }).first();
    await row.waitFor();

    // The same figures as the API for the page's period (the last 30 days up to today).
    const link = page.getByRole('link', { name: 'Printable version' });
    const href = (await link.getAttribute('href'))!;
    const query = href.slice(href.indexOf('?'));
    const report = (await (
      await page.request.get(`${web!.baseUrl}/api/v1/workspaces/${ws}/compliance${query}`)
    ).json()) as { packs: { families: { lines: Line[] }[] }[] };
    const fr = report.packs
      .flatMap((p) => p.families.flatMap((f) => f.lines))
      .find((l) => l.step === 'first-response' && l.level === 'p1')!;
    expect(fr.met).toBeGreaterThanOrEqual(1);
    expect(fr.running).toBeGreaterThanOrEqual(1);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toBe('P1 - Critical');
    expect(cells[1]).toBe('15 min');
    expect(cells[2]).toBe(`${fr.met} of ${fr.met + fr.breached}`);
    expect(cells[6]).toMatch(new RegExp(`^${fr.running}\\b`));
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);

    // The printable page: the figures, the SOP's words, the period, and no script.
    const printable = await context!.newPage();
    const response = await printable.goto(`${web!.baseUrl}${href}`);
    expect(response?.status()).toBe(200);
    await printable.getByRole('heading', { level: 1, name: /Compliance report per SOP/ }).waitFor();
    const html = await printable.content();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('First response within 15 min');
    expect(html).toContain(`${fr.met} of ${fr.met + fr.breached}`);
    expect(await printable.getByText(/^Period: /).textContent()).toMatch(/generated/);
    await printable.close();
  });
});
