/**
 * In a real browser against the real server, signed in as the Smart Estate demo owner: an estate signup
 * opens the 16-step onboarding run (004#8-004#23), which the account page shows on its Checklists card with
 * each step's owner. The owner ticks the first step (no evidence) and the second with its note; both show
 * as done, the note beside the second, and the third step is next. The page is checked for script errors
 * and the accessibility basics.
 *
 * The signup is recorded by the use case with an engine that lists the checklist observer (the engine's
 * default list gains it separately), on the server's own database.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseClock } from '../../src/engine/clock.js';
import { Engine, type SubjectObserver } from '../../src/engine/engine.js';
import { activationObserver } from '../../src/modules/customers/activation.js';
import { mirrorAccount } from '../../src/modules/customers/mirror.js';
import { submitSignup } from '../../src/modules/customers/signups.js';
import { openChecklistRuns } from '../../src/modules/work/checklists.js';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const OWNER = 'owner@smart-estate.demo';
const ACCOUNT = 'PG-30001';

describeInBrowser('web account checklists', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /Smart Estate/);
    const me = (await (await page.request.get(`${web.baseUrl}/api/v1/me`)).json()) as {
      currentWorkspaceId: string;
    };
    const ws = me.currentWorkspaceId;
    const bound: { engine?: Engine } = {};
    const activation: SubjectObserver = (tx, change) => activationObserver(bound.engine!)(tx, change);
    bound.engine = new Engine(web.database, databaseClock, {
      observers: [mirrorAccount, activation, openChecklistRuns],
    });
    await web.database.inWorkspace(ws, (tx) =>
      submitSignup(
        tx,
        bound.engine!,
        ws,
        {
          account: ACCOUNT,
          name: 'Palm Grove Heights',
          location: 'Whitefield, Bengaluru',
          units: 240,
          type: 'gated community',
          admin: { name: 'Farah Khan', email: 'farah@example.com' },
        },
        'user:browser-test',
        new Date(),
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('ticks the first two onboarding steps on the account page', async () => {
    await page.goto(`${web!.baseUrl}/customers/${ACCOUNT}`);
    await page.getByRole('heading', { level: 1, name: 'Palm Grove Heights' }).waitFor();
    const card = page.getByRole('region', { name: 'Checklists' });
    await card.getByRole('heading', { name: /New Estate Onboarding Checklist/ }).waitFor({ timeout: WAIT });
    expect(await card.textContent()).toContain('0 of 16 steps done or skipped');
    const first = card.getByRole('listitem', { name: /Receive estate signup/ });
    expect(await first.textContent()).toContain('role:platform-team');
    expect(await audit(page)).toEqual([]);

    await first.getByRole('button', { name: /^Done/ }).click();
    await first.getByText(/^Done .* by user:/).waitFor({ timeout: WAIT });

    const second = card.getByRole('listitem', { name: /Verify estate name/ });
    await second.getByLabel('Note').fill('Name, location, 240 units and the admin match the form');
    await second.getByRole('button', { name: /^Done/ }).click();
    await second
      .getByText(/Name, location, 240 units and the admin match the form/)
      .waitFor({ timeout: WAIT });
    expect(await card.textContent()).toContain('2 of 16 steps done or skipped');
    const third = card.getByRole('listitem', { name: /Review estate fit/ });
    await third.getByRole('button', { name: /^Done/ }).waitFor();
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
