/**
 * The incident room in a real browser against the real server (embedded database, demo loaded), signed in
 * as ShopSmart's demo owner: declare a SEV1 from the form (which offers the pack's scale and incident
 * types), see its stage deadlines (SOP-003: assess by T+5 min, assemble by T+10, communicate by T+15) and a
 * countdown tick, tick a step of a stage's runbook checklist and find it ticked after a reload, mark a
 * stage done and see it met, post a public update (English and Hindi) that puts a status-page component
 * in an outage, and see both on the public status page in a browser with no session. Then the list and
 * the dashboard show the incident, and the room runs it to its review: acknowledged, the comms lead taken,
 * resolved, the review's draft saved and an action item added. A security incident runs its regulatory
 * clocks, with their authorities, and a report recorded meets one.
 * Every page is checked for script errors and for the accessibility basics (one h1, no skipped heading
 * level, every control and button named, no duplicate ids).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';
const TITLE = 'Checkout is down for every store';
const UPDATE_EN =
  'Checkout fails for every store; we found a broken database migration and are rolling it back.';
const BREACH = 'Customer records readable through a debug endpoint';
const BREACH_NOTICE =
  'We are investigating unauthorised access to some account data and will update you within the hour.';
const UPDATE_HI = 'सभी स्टोर के लिए चेकआउट बंद है; हम इसे ठीक कर रहे हैं।';
/** A step of SOP-003's ASSEMBLE TEAM stage, one of four. */
const STEP = 'Incident Commander (on-call rotation): overall coordination';

describeInBrowser('web incident room', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];
  let number = 0;

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /ShopSmart Pro/);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('declares a SEV1, sees its deadlines tick, meets a stage, and its public update reaches the status page', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Incidents\b.*ShopSmart Pro/ }).waitFor();
    await page
      .getByRole('region', { name: /incidents$/ })
      .getByRole('table')
      .or(page.getByText('No incidents match.'))
      .first()
      .waitFor();
    expect(await audit(page)).toEqual([]);

    // The form: the severity is a level of the pack's scale (a picker once an incident tells the scale).
    // The form opens on its title; Escape closes it and gives the focus back to its button.
    await page.getByRole('button', { name: 'Declare incident' }).click();
    const form = page.getByRole('region', { name: 'Declare an incident' });
    await form.waitFor();
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('declare-title-input');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe('Declare incident');
    await page.keyboard.press('Enter');
    await form.getByLabel('Title').fill(TITLE);
    // The pack's scale (SOP-003: SEV1-SEV4), most severe first, and its incident types (SOP-008's too).
    const severity = form.getByLabel('Severity', { exact: true });
    await expect
      .poll(() => severity.locator('option').allTextContents(), { timeout: WAIT })
      .toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(await severity.inputValue()).toBe('sev1');
    const types = await form.getByLabel('Type (optional)').locator('option').allTextContents();
    expect(types[0]).toBe('None');
    expect(types).toEqual(expect.arrayContaining(['Service incident (SOP-003)', 'Data Breach', 'Phishing']));
    await severity.selectOption('sev1');
    await form.getByLabel('Service (optional)').fill('checkout');
    expect(await audit(page)).toEqual([]);
    await form.getByRole('button', { name: 'Declare', exact: true }).click();
    await page.waitForURL(/\/incidents\/\d+$/);
    number = Number(new URL(page.url()).pathname.split('/').at(-1));
    await page.getByRole('heading', { level: 1, name: `INC-${number} ${TITLE}` }).waitFor();
    const header = page.locator('.room-header');
    expect(await header.locator('.badge.severity').textContent()).toBe('SEV1');

    // The stage deadlines of SOP-003, counted from detection.
    const stages = page.getByRole('region', { name: 'Stage deadlines' });
    const assess = stages.getByRole('listitem', { name: 'ASSESS SEVERITY: running' });
    await assess.waitFor();
    expect(await assess.textContent()).toContain('T+5 min');
    expect(await stages.getByRole('listitem', { name: 'ASSEMBLE TEAM: running' }).textContent()).toContain(
      'T+10 min',
    );
    expect(await stages.getByRole('listitem', { name: 'COMMUNICATE: running' }).textContent()).toContain(
      'T+15 min',
    );
    await stages.getByRole('listitem', { name: 'DETECT: met' }).waitFor();

    // The countdown ticks: what it says changes between two reads, without a reload.
    const remaining = assess.locator('time.countdown > span[aria-hidden="true"]');
    const first = await remaining.textContent();
    expect(first).toMatch(/^in [1-5]m \d\ds$/);
    await expect.poll(() => remaining.textContent(), { timeout: WAIT }).not.toBe(first);
    await page.screenshot({ path: '/tmp/opsbook-incident-room.png', fullPage: true });

    // A step of ASSEMBLE TEAM's runbook checklist: ticked, it is recorded and stays ticked after a reload;
    // the stage runs on while its other steps are not.
    const assemble = stages.getByRole('listitem', { name: 'ASSEMBLE TEAM: running' });
    const commander = () =>
      page
        .getByRole('region', { name: 'Stage deadlines' })
        .getByRole('list', { name: 'Steps of ASSEMBLE TEAM' })
        .getByRole('checkbox', { name: STEP, exact: true });
    expect(await commander().isChecked()).toBe(false);
    expect(await commander().isEnabled()).toBe(true);
    expect(await assemble.getByRole('checkbox').count()).toBe(4);
    await commander().click();
    await stages.getByRole('status').getByText(`Step ticked: ${STEP}`).waitFor();
    expect(await commander().isChecked()).toBe(true);
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByText(`Step ticked (ASSEMBLE TEAM): ${STEP}`)
      .waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `INC-${number} ${TITLE}` }).waitFor();
    await commander().waitFor();
    expect(await commander().isChecked()).toBe(true);
    await assemble.getByText(/ticked by ShopSmart Pro Owner/).waitFor();
    expect(await assemble.getByRole('checkbox', { checked: true }).count()).toBe(1);

    // Marking the stage done meets its deadline.
    await assess.getByRole('button', { name: /^Mark stage done/ }).click();
    await stages.getByRole('listitem', { name: 'ASSESS SEVERITY: met' }).waitFor();
    await stages.getByRole('status').getByText('ASSESS SEVERITY done.').waitFor();

    // A public update in English and Hindi, beside the pack's communication rules (SOP-008).
    const updates = page.getByRole('region', { name: 'Updates' });
    await updates
      .getByRole('complementary', { name: 'Communication rules' })
      .getByText('DO NOT speculate about cause')
      .waitFor();
    await updates.getByRole('radio', { name: /^Public/ }).check();
    await updates.getByLabel('Status', { exact: true }).selectOption('identified');
    await updates.getByLabel('Update in English').fill(UPDATE_EN);
    await updates.getByLabel('Update in Hindi (optional)').fill(UPDATE_HI);
    // The update puts the status page's first component in an outage it is not in yet.
    const affected = updates.getByRole('group', { name: 'Affected components' });
    const picker = affected.getByRole('combobox').first();
    await picker.waitFor();
    const component = ((await affected.locator('label').first().textContent()) ?? '').trim();
    expect(component).not.toBe('');
    const unchanged = (await picker.locator('option').first().textContent()) ?? '';
    const [outage, outageWords] = unchanged.includes('Major outage')
      ? ['partial-outage', 'Partial outage']
      : ['major-outage', 'Major outage'];
    expect(await picker.locator('option').allTextContents()).toEqual([
      unchanged,
      'Operational',
      'Degraded performance',
      'Partial outage',
      'Major outage',
      'Under maintenance',
    ]);
    await picker.selectOption(outage);
    await updates.getByRole('button', { name: 'Post update' }).click();
    await updates.getByRole('status').getByText('Update published.').waitFor();
    expect(await updates.getByLabel('Update in English').inputValue()).toBe('');
    // The picker starts again from no change, which now names the component's new status.
    await expect
      .poll(() => picker.locator('option:checked').textContent(), { timeout: WAIT })
      .toBe(`No change (${outageWords})`);

    // The timeline has the declaration, the stage, and the update with both texts.
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText(/^Declared SEV1: /).waitFor();
    await timeline.getByText('Stage done: ASSESS SEVERITY').waitFor();
    await timeline.getByText('Public update: identified').waitFor();
    await timeline.getByText(UPDATE_EN).waitFor();
    await timeline.getByText(UPDATE_HI).waitFor();
    await expect.poll(() => header.locator('.incident-status').textContent()).toBe('identified');
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-incident-updated.png', fullPage: true });

    // The public status page, in a browser with no session, shows the incident and the update.
    const visitor = await web!.openPage();
    try {
      const statusPage = `${web!.baseUrl}/status/shopsmart`;
      await visitor.page.goto(statusPage);
      const componentStatus = visitor.page
        .locator('ul.components > li')
        .filter({ has: visitor.page.getByRole('heading', { name: component, exact: true }) })
        .locator('.st');
      await expect
        .poll(
          async () => {
            const text = (await visitor.page.locator('body').textContent()) ?? '';
            const shown = (await componentStatus.count()) === 1 ? await componentStatus.textContent() : null;
            const seen = text.includes(TITLE) && text.includes(UPDATE_EN) && shown === outageWords;
            if (!seen) await visitor.page.goto(statusPage);
            return seen;
          },
          { timeout: WAIT },
        )
        .toBe(true);
      await visitor.page.screenshot({ path: '/tmp/opsbook-status-page.png', fullPage: true });
      expect(visitor.problems).toEqual([]);
    } finally {
      await visitor.context.close();
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('lists the incident with its next deadline and shows it in the dashboard', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Incidents', exact: true }).click();
    const table = page.getByRole('table', { name: 'Open incidents' });
    const row = table.getByRole('row').filter({ hasText: `INC-${number} ${TITLE}` });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/SEV1/);
    expect(await row.textContent()).toMatch(/identified/);
    await row.locator('time.countdown').waitFor();
    await page.screenshot({ path: '/tmp/opsbook-incidents.png' });

    // The severity filter lives in the address.
    await page.getByLabel('Severity').selectOption('sev1');
    await page.waitForURL(/\/incidents\?severity=sev1$/);
    await row.waitFor();
    expect(await table.getByRole('row').count()).toBeGreaterThanOrEqual(2);
    for (const text of await table.getByRole('row').allTextContents()) {
      if (!text.startsWith('Next deadline')) expect(text).toMatch(/SEV1/);
    }
    expect(await audit(page)).toEqual([]);

    await page
      .getByRole('navigation', { name: 'Incidents' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Incident dashboard\b.*ShopSmart Pro/ }).waitFor();
    const bar = page.getByRole('link', { name: /^SEV1: \d+ incidents?$/ });
    await bar.waitFor();
    const figures = page.getByRole('table', { name: 'By severity' });
    await figures.getByRole('rowheader', { name: 'SEV1' }).waitFor();
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-incident-dashboard.png', fullPage: true });

    // A bar leads to the incidents behind it.
    await bar.click();
    await page.waitForURL(/\/incidents\?state=all&severity=sev1$/);
    await page
      .getByRole('table', { name: 'All incidents' })
      .getByRole('row')
      .filter({ hasText: TITLE })
      .waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('acknowledges, takes the comms lead, resolves, and writes the review with an action item', async () => {
    await page.getByRole('link', { name: `INC-${number} ${TITLE}` }).click();
    await page.getByRole('heading', { level: 1, name: `INC-${number} ${TITLE}` }).waitFor();
    const header = page.locator('.room-header');
    await header.getByRole('button', { name: 'Acknowledge' }).click();
    await header.getByText(/acknowledged /).waitFor();
    await expect.poll(() => header.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    const roles = page.getByRole('region', { name: 'Roles' });
    await roles.getByRole('button', { name: 'Take Comms lead' }).click();
    await roles.getByRole('status').getByText('Comms lead: ShopSmart Pro Owner.').waitFor();
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByText('Comms lead: ShopSmart Pro Owner')
      .waitFor();

    await header.getByRole('button', { name: 'Resolve', exact: true }).click();
    await header.getByRole('button', { name: 'Yes, resolve' }).click();
    await expect.poll(() => header.locator('.incident-status').textContent()).toBe('resolved');

    // The review opens with the timeline written from the record; the rest is the team's to write.
    const review = page.getByRole('region', { name: 'Post-incident review' });
    const timeline = review.getByLabel('Timeline');
    await expect
      .poll(async () => (await timeline.count()) > 0 && (await timeline.inputValue()).length > 0)
      .toBe(true);
    expect(await timeline.inputValue()).toMatch(/incident\.declared/);
    await review.getByLabel('Root Cause').fill('A migration locked the orders table.');
    await review.getByText('Unsaved changes').waitFor();
    await review.getByRole('button', { name: 'Save draft' }).click();
    await review.getByRole('status').getByText('Draft saved.').waitFor();
    expect(await review.getByLabel('Root Cause').inputValue()).toBe('A migration locked the orders table.');

    // Publishing with empty sections is refused, naming them.
    await review.getByRole('button', { name: 'Publish' }).click();
    await review.getByRole('alert').waitFor();
    expect(await review.getByLabel('What Went Well').getAttribute('aria-invalid')).toBe('true');

    const items = page.getByRole('region', { name: 'Action items' });
    await items.getByLabel('New action item').fill('Run migrations behind a lock timeout');
    await items.getByRole('button', { name: 'Add' }).click();
    const item = items.getByRole('row').filter({ hasText: 'Run migrations behind a lock timeout' });
    await item.waitFor();
    expect(await item.textContent()).toMatch(/ShopSmart Pro Owner/);
    await item.getByRole('button', { name: /^Mark done/ }).click();
    await item.getByText(/^done /).waitFor();
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-incident-review.png', fullPage: true });

    // At phone width the room is one column and nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Stage deadlines' }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/opsbook-incident-390.png' });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(problems).toEqual([]);
  }, 120_000);

  it('runs a security incident: restricted, regulatory clocks, a report, and a public update the comms lead approves', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByRole('button', { name: 'Declare incident' }).click();
    const form = page.getByRole('region', { name: 'Declare an incident' });
    await form.getByLabel('Title').fill(BREACH);
    await form.getByLabel('Type (optional)').selectOption({ label: 'Data Breach' });
    await form.getByLabel(/EU personal data is involved/).check();
    await form.getByRole('button', { name: 'Declare', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(`^INC-\\d+ ${BREACH}$`) }).waitFor();
    const header = page.locator('.room-header');
    await header.getByText('restricted', { exact: true }).waitFor();

    // SOP-008: the first 15 minutes, and the regulators' clocks from detection.
    const stages = page.getByRole('region', { name: 'Stage deadlines' });
    const immediate = stages.getByRole('listitem', { name: 'Immediate Actions (First 15 minutes): running' });
    expect(await immediate.textContent()).toContain('T+15 min');
    // Each regulator's clock by the pack's name, with the authority told and no report yet.
    const regulatory = page.getByRole('region', { name: 'Regulatory clocks' });
    const certIn = regulatory.getByRole('listitem', { name: 'CERT-In: running' });
    const itAct = regulatory.getByRole('listitem', { name: 'IT Act: running' });
    const gdpr = regulatory.getByRole('listitem', { name: 'GDPR (if applicable): running' });
    for (const [clock, authority] of [
      [certIn, 'CERT-In'],
      [itAct, 'Cyber Cell'],
      [gdpr, 'DPA'],
    ] as const) {
      await clock.waitFor();
      expect(await clock.locator('.clock-authority').textContent()).toBe(`Authority: ${authority}`);
      await clock.getByText('No report recorded.').waitFor();
    }
    expect(await certIn.textContent()).toMatch(/in [5-6]h \d\dm/);

    // A public update waits for the comms lead (SOP-008: coordinate all comms through the Comms Lead).
    const updates = page.getByRole('region', { name: 'Updates' });
    await updates
      .getByRole('note')
      .getByText(/once the comms lead approves it/)
      .waitFor();
    await updates.getByLabel('Update in English').fill(BREACH_NOTICE);
    await updates.getByRole('button', { name: 'Post update' }).click();
    await updates
      .getByRole('status')
      .getByText("Update saved: it waits for the comms lead's approval.")
      .waitFor();
    const pending = updates.getByRole('group', { name: 'Waiting for the comms lead' });
    await pending.getByText(BREACH_NOTICE).waitFor();
    await pending.getByText(/Waits for a comms lead/).waitFor();
    expect(await pending.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // Once the owner is the comms lead, they approve it and it is published.
    await page
      .getByRole('region', { name: 'Roles' })
      .getByRole('button', { name: 'Take Comms lead' })
      .click();
    await pending.getByRole('button', { name: 'Approve' }).click();
    await updates.getByRole('status').getByText('Update approved and published.').waitFor();
    await pending.getByText('No update is waiting.').waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Public update: investigating', { exact: true }).waitFor();

    // A report to CERT-In, with its reference, meets its clock and is listed under it; the others run on.
    await certIn.getByText('Reference and note').click();
    await certIn.getByLabel('Report reference (optional)').fill('CERT-In/2026/0042');
    await certIn.getByRole('button', { name: /^Record report\s*: CERT-In$/ }).click();
    await regulatory.getByRole('status').getByText('Report to CERT-In recorded.').waitFor();
    const met = regulatory.getByRole('listitem', { name: 'CERT-In: met' });
    const report = met.getByRole('list', { name: 'Reports to CERT-In' }).getByRole('listitem');
    await report.waitFor();
    expect(await report.textContent()).toMatch(
      /^Report recorded .+ by ShopSmart Pro Owner · reference CERT-In\/2026\/0042$/,
    );
    await gdpr.getByText('No report recorded.').waitFor();
    await itAct.waitFor();
    await timeline.getByText('Reported to CERT-In').waitFor();
    expect(await audit(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/opsbook-incident-security.png', fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);
});
