/**
 * In a real browser against the real server, signed in as the ShopSmart demo owner: the vendor register
 * lists the pack's vendors; AWS is scored on its page, the weighted total showing as the scores are chosen
 * (000#136-000#141) and landing in the scorecard history; a full restore drill over its RTO is recorded on
 * the backups page and shown as missed against the targets. The pages are checked for script errors and
 * the accessibility basics.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

describeInBrowser('web vendors and backups', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, 'owner@shopsmart.demo', /ShopSmart/);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('scores a vendor with the weighted total shown live', async () => {
    await page.goto(`${web!.baseUrl}/operations/vendors`);
    const table = page.getByRole('table', { name: 'Vendors' });
    await table.waitFor({ timeout: WAIT });
    expect(await table.textContent()).toContain('Critical · high');
    expect(await audit(page)).toEqual([]);
    await table.getByRole('link', { name: 'AWS' }).click();
    await page.getByRole('heading', { level: 1, name: 'AWS' }).waitFor({ timeout: WAIT });
    const form = page.getByRole('region', { name: 'Score this vendor' });
    const total = page.getByTestId('weighted-total');
    const scores: [RegExp, string][] = [
      [/^Reliability\/Uptime/, '4'],
      [/^Cost/, '3'],
      [/^Security/, '5'],
      [/^Support/, '4'],
      [/^Scalability/, '3'],
    ];
    for (const [label, value] of scores) await form.getByLabel(label).selectOption(value);
    expect(await total.textContent()).toBe('—');
    await form.getByLabel(/^Integration/).selectOption('5');
    // 4×25 + 3×20 + 5×20 + 4×15 + 3×10 + 5×10 = 400 → 4.00
    expect(await total.textContent()).toBe('4.00');
    await form.getByLabel('Note').fill('Quarterly review');
    await form.getByRole('button', { name: 'Record scorecard' }).click();
    const history = page.getByRole('region', { name: 'Scorecards' });
    await history.getByText('Quarterly review').waitFor({ timeout: WAIT });
    expect(await history.textContent()).toContain('4.00');
    expect(await audit(page)).toEqual([]);
  });

  it('records a drill over the RTO and shows it missed', async () => {
    await page.goto(`${web!.baseUrl}/operations/backups`);
    const form = page.getByRole('region', { name: 'Record a drill' });
    await form.waitFor({ timeout: WAIT });
    await form.getByLabel('Check').selectOption('full-restore-drill');
    await form.getByLabel('Measured against').selectOption('database-corruption');
    // Nothing measured: the server names the field.
    await form.getByRole('button', { name: 'Record drill' }).click();
    await form.getByText('the restore time is required').first().waitFor({ timeout: WAIT });
    await form.getByLabel('Restore time (minutes)').fill('135');
    await form.getByLabel('Data lost (minutes)').fill('20');
    await form.getByRole('button', { name: 'Record drill' }).click();
    const checks = page.getByRole('region', { name: 'Verification checks' });
    await checks.getByText('RTO missed').waitFor({ timeout: WAIT });
    expect(await checks.textContent()).toContain('2 h 15 min (RTO 2 h)');
    expect(await page.getByRole('region', { name: 'Backup schedule' }).textContent()).toContain('AWS S3');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
