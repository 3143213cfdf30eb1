/**
 * Importing contacts from a large CSV file in a real browser against the real server (embedded database,
 * the Smart Estate demo), signed in as its owner: on the estate's page the file is checked (a dry run)
 * and then imported, and meanwhile the Contacts card shows a labelled progress bar that goes through the
 * upload (bytes sent of the file's size), the server's check and the writing (contacts of the total), then
 * the report; a file with problems is refused whole and its problems are listed by line. The upload is
 * throttled through the DevTools protocol so its progress can be seen. Every page is checked for script
 * errors and the accessibility basics.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@smart-estate.demo';
const ACCOUNT = 'GA-1';
const ROWS = 30_000;

/** `rows` residents of Green Acres with distinct valid Indian mobile numbers from `first`. */
function residents(rows: number, first = 0): Buffer {
  const lines = ['name,phone,unit,estate'];
  for (let i = first; i < first + rows; i++)
    lines.push(`Resident ${i},+91985${String(i).padStart(7, '0')},T${i % 40}-${i % 1000},Green Acres`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/**
 * Records every state the progress bar shows (its text and value) into `window.importSteps`: the steps go
 * by faster than a test can look, so the page keeps them. A script string: tests compile without the DOM.
 */
const RECORD_STEPS = `(() => {
  window.importSteps = [];
  const record = () => {
    const text = document.getElementById('contact-import-progress-text')?.textContent;
    const bar = document.getElementById('contact-import-progress');
    const step = text && (text + ' | ' + (bar?.hasAttribute('value') ? bar.getAttribute('value') : 'indeterminate'));
    if (step && window.importSteps.at(-1) !== step) window.importSteps.push(step);
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
})()`;

describeInBrowser('web contact import progress', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  const steps = () => page.evaluate<string[]>('window.importSteps');

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /Smart Estate/);
    const me = (await (await page.request.get(`${web.baseUrl}/api/v1/me`)).json()) as {
      csrfToken: string;
      currentWorkspaceId: string;
    };
    const created = await page.request.post(
      `${web.baseUrl}/api/v1/workspaces/${me.currentWorkspaceId}/accounts`,
      {
        data: { id: ACCOUNT, name: 'Green Acres', kind: 'estate' },
        headers: { 'x-csrf-token': me.csrfToken },
      },
    );
    expect(created.status()).toBe(201);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('shows the upload, the check and the writing of a 30,000-row file, then the report', async () => {
    await page.goto(`${web!.baseUrl}/customers/${ACCOUNT}`);
    await page.getByRole('heading', { level: 1, name: 'Green Acres' }).waitFor();
    const form = page.getByRole('region', { name: 'Import contacts from CSV' });
    await form.getByLabel('CSV file').setInputFiles({
      name: 'residents.csv',
      mimeType: 'text/csv',
      buffer: residents(ROWS),
    });
    await form.getByLabel('Country').fill('IN');
    expect(await audit(page)).toEqual([]);
    // About 1.6 MB at 1 MB/s: long enough to see the upload move.
    const cdp = await context!.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 1_000_000,
    });

    await page.evaluate(RECORD_STEPS);
    await form.getByRole('button', { name: 'Check file' }).click();
    const bar = form.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    await form.screenshot({ path: '/tmp/opsbook-contact-import-progress.png' });
    expect(await audit(page)).toEqual([]);
    const status = form.getByRole('status');
    await status
      .getByText('Checked 30,000 rows: 30,000 to create, 0 to update, 0 unchanged, 0 to suspend.', {
        exact: false,
      })
      .waitFor();
    await bar.waitFor({ state: 'detached' });
    const checked = await steps();
    const uploads = checked.filter((s) => /^Uploading [\d.]+ (kB|MB) of 1\.\d MB \| [\d.]+$/.test(s));
    expect(uploads.length, checked.join('\n')).toBeGreaterThan(2);
    expect(checked).toContain('Checking the file… | indeterminate');
    expect(checked.some((s) => s.startsWith('Importing'))).toBe(false);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    await page.evaluate(RECORD_STEPS);
    await form.getByRole('button', { name: 'Import' }).click();
    await status
      .getByText('Imported 30,000 rows: 30,000 created', { exact: false })
      .waitFor({ timeout: 120_000 });
    const imported = await steps();
    expect(imported).toContain('Checking the file… | indeterminate');
    expect(imported).toContain('Importing 0 of 30,000 contacts… | 0');
    // The bar only moves forward; its last step may be replaced by the report in the same render (on a
    // loaded machine the final "30,000 of 30,000" is not always painted before the report).
    const counts = imported
      .filter((s) => s.startsWith('Importing'))
      .map((s) => Number(/^Importing ([\d,]+) of/.exec(s)![1]!.replace(/,/g, '')));
    expect(counts.length).toBeGreaterThan(2);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBeGreaterThan(15_000);
    // The card's list shows the imported people.
    await page
      .getByRole('region', { name: 'Contacts' })
      .getByRole('row', { name: /Resident \d+/ })
      .first()
      .waitFor();
    await form.screenshot({ path: '/tmp/opsbook-contact-import.png' });
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);

  it('refuses a file with problems whole and lists them by line', async () => {
    const form = page.getByRole('region', { name: 'Import contacts from CSV' });
    const bad = Buffer.concat([
      residents(2, 40_000),
      Buffer.from('Twin,+919850040000,T1-1,Green Acres\nNo phone,,T1-2,Green Acres\n'),
    ]);
    await form.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: bad });
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('status').getByText('Refused: nothing was imported.', { exact: false }).waitFor();
    const table = form.getByRole('table', { name: 'Problems in the file' });
    const lines = await table.locator('tbody tr td:first-child').allTextContents();
    expect(lines).toEqual(['2', '4', '5']);
    expect(await table.locator('tbody tr').nth(2).textContent()).toContain('phone');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
