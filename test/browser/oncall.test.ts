/**
 * On-call in a real browser against the real server (embedded database, demo loaded), signed in as
 * ShopSmart's demo owner: who is on call now for the Incident Commander rotation, the next shifts, an
 * override that puts another member on call now (and "on call now" follows), an override that ends
 * before it starts refused with the server's words beside the form, the schedule edited to a daily
 * hand-off, the default escalation policy given a third step that is still there after a reload, and the
 * refusal to delete that policy while it pages for an open incident. Every page is checked for script errors and for
 * the accessibility basics (one h1, no skipped heading level, every control and button named, no
 * duplicate ids).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';
const OWNER_NAME = 'ShopSmart Pro Owner';
const ROTATION = 'Incident Commander on-call rotation';

describeInBrowser('web on-call', () => {
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

  it('shows who is on call now and the next shifts, and an override puts another member on call', async () => {
    await page.goto(`${web!.baseUrl}/oncall`);
    await page.getByRole('heading', { level: 1, name: /^On call\b.*ShopSmart Pro/ }).waitFor();
    const now = page.getByRole('region', { name: 'On call now' });
    const row = now.getByRole('row').filter({ hasText: ROTATION });
    const person = row.locator('.oncall-person strong').first();
    await person.waitFor();
    const before = (await person.textContent()) ?? '';
    expect(before).not.toBe('');
    expect(await row.textContent()).toMatch(/\(schedule\)/);
    // Until the next hand-off, in the schedule's zone (ShopSmart: Asia/Kolkata, GMT+5:30).
    expect(await row.locator('td').last().textContent()).toMatch(/GMT\+5:30/);

    const schedule = page.getByRole('region', { name: ROTATION, exact: true });
    const shifts = schedule.getByRole('table', { name: 'Next 14 days' });
    await shifts.getByRole('row').filter({ hasText: before }).first().waitFor();
    expect(
      await schedule
        .getByRole('listitem')
        .filter({ hasText: /^Weekly, Monday 09:00/ })
        .count(),
    ).toBe(1);
    expect(await audit(page)).toEqual([]);

    // Another member covers from now for a day: they are on call now, by override.
    const form = schedule.getByRole('region', { name: 'Add an override' });
    const who = form.getByLabel('Who covers');
    const names = (await who.locator('option').allTextContents()).filter(
      (n) => n !== 'Choose a member' && n !== before,
    );
    const other = names.includes(OWNER_NAME) ? OWNER_NAME : names[0]!;
    await who.selectOption({ label: other });
    await form.getByRole('button', { name: 'Add override' }).click();
    await form.getByRole('status').getByText(`Override added: ${other}.`).waitFor();
    await row.getByText(other, { exact: true }).waitFor();
    expect(await row.textContent()).toMatch(/\(override\)/);
    expect(await row.textContent()).not.toContain(before);
    const overrides = schedule.getByRole('table', { name: 'Overrides' });
    await overrides.getByRole('row').filter({ hasText: other }).waitFor();
    await shifts.getByRole('row').filter({ hasText: 'Override' }).first().waitFor();
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-oncall.png', fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('refuses an override that ends before it starts, with the reason beside the form', async () => {
    const schedule = page.getByRole('region', { name: ROTATION, exact: true });
    const form = schedule.getByRole('region', { name: 'Add an override' });
    await form.getByLabel('Who covers').selectOption({ label: OWNER_NAME });
    await form.getByLabel(/^From/).fill('2030-01-02T10:00');
    await form.getByLabel(/^To/).fill('2030-01-02T09:00');
    await form.getByRole('button', { name: 'Add override' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('1 field(s) of the override are not valid.');
    expect(await alert.textContent()).toContain('must be after startsAt');
    expect(await form.locator('.field-error').textContent()).toBe('must be after startsAt');
    expect(await form.getByLabel(/^To/).getAttribute('aria-invalid')).toBe('true');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('edits the schedule: a daily hand-off at 10:00', async () => {
    const schedule = page.getByRole('region', { name: ROTATION, exact: true });
    await schedule.getByRole('button', { name: 'Edit schedule' }).click();
    const editor = schedule.getByRole('region', { name: `Edit ${ROTATION}` });
    expect(await editor.getByLabel('Time zone').inputValue()).toBe('Asia/Kolkata');
    await editor.getByLabel('Hand-off', { exact: true }).selectOption('daily');
    await editor.getByLabel(/^Hand-off time/).fill('10:00');
    expect(await audit(page)).toEqual([]);
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    await editor.waitFor({ state: 'detached' });
    await schedule
      .getByRole('listitem')
      .filter({ hasText: /^Daily 10:00/ })
      .waitFor();
    // The override still wins over the layer.
    const now = page.getByRole('region', { name: 'On call now' });
    expect(await now.getByRole('row').filter({ hasText: ROTATION }).textContent()).toMatch(/\(override\)/);
    expect(problems).toEqual([]);
  }, 60_000);

  it('adds a step to the default escalation policy, kept after a reload', async () => {
    await page
      .getByRole('navigation', { name: 'On-call' })
      .getByRole('link', { name: 'Escalation policies' })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Escalation policies\b.*ShopSmart Pro/ }).waitFor();
    const table = page.getByRole('table', { name: 'Policies' });
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Default' }) });
    await row.getByText(`On call: ${ROTATION}; wait 5 min`).waitFor();
    expect(await row.getByRole('listitem').count()).toBe(2);
    expect(await audit(page)).toEqual([]);

    await row.getByRole('button', { name: 'Edit policy Default' }).click();
    const editor = page.getByRole('region', { name: 'Edit policy Default' });
    await editor.getByRole('button', { name: 'Add a step' }).click();
    await editor.getByLabel('Step 3, target 1: kind').selectOption('user');
    await editor.getByLabel('Step 3, target 1', { exact: true }).selectOption({ label: OWNER_NAME });
    await editor.getByLabel('Step 3: minutes to acknowledge').fill('20');
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-oncall-policy-editor.png', fullPage: true });
    await editor.getByRole('button', { name: 'Save policy' }).click();
    await editor.waitFor({ state: 'detached' });
    await row.getByText(`${OWNER_NAME}; wait 20 min`).waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: /^Escalation policies\b/ }).waitFor();
    await row.getByText(`${OWNER_NAME}; wait 20 min`).waitFor();
    expect(await row.getByRole('listitem').count()).toBe(3);
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-oncall-policies.png', fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('shows the refusal to delete a policy that pages for an open incident', async () => {
    // A SEV1 declared now is paged by the default policy (it applies to every severity).
    await page.goto(`${web!.baseUrl}/incidents`);
    await page.getByRole('button', { name: 'Declare incident' }).click();
    const form = page.getByRole('region', { name: 'Declare an incident' });
    await form.getByLabel('Title').fill('Payments time out for every store');
    const severity = form.getByLabel('Severity', { exact: true });
    if ((await severity.evaluate((el: { tagName: string }) => el.tagName)) === 'SELECT')
      await severity.selectOption('sev1');
    else await severity.fill('sev1');
    await form.getByRole('button', { name: 'Declare', exact: true }).click();
    await page.waitForURL(/\/incidents\/\d+$/);

    await page.goto(`${web!.baseUrl}/oncall/policies`);
    await page.getByRole('heading', { level: 1, name: /^Escalation policies\b/ }).waitFor();
    const card = page.getByRole('region', { name: 'Policies' });
    await card.getByRole('button', { name: 'Delete policy Default' }).click();
    await card
      .getByRole('group', { name: 'Delete Default?' })
      .getByRole('button', { name: 'Yes, delete' })
      .click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /The policy is paging for incident .+: acknowledge or resolve it first\./,
    );
    await card.getByRole('rowheader', { name: 'Default' }).waitFor();
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
