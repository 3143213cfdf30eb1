/**
 * In a real browser against the real server, signed in as the POS demo owner: today's Daily run of the POS
 * pack is open (opened here through the checklist observer's own path, with the `checklist` effect the
 * engine's `schedule:daily` decides at midnight, since the demo was activated after it). Its four items
 * are for `role:operations`, which nobody holds in the demo, so they are the owner's: My work shows them
 * as due today (by midnight); the owner ticks one in place and it leaves the list. The page is checked for
 * script errors and the accessibility basics.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepare } from '../../src/core/decide/prepare.js';
import { governingPolicy } from '../../src/modules/notifications/directory.js';
import { openRuns } from '../../src/modules/work/checklist-open.js';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const OWNER = 'owner@pos-saas.demo';

describeInBrowser('web my work', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /POS SaaS/);
    const me = (await (await page.request.get(`${web.baseUrl}/api/v1/me`)).json()) as {
      currentWorkspaceId: string;
    };
    const ws = me.currentWorkspaceId;
    const nowMs = Date.now();
    const midnight = nowMs - (nowMs % 86_400_000); // POS runs in UTC
    await web.database.inWorkspace(ws, async (tx) => {
      const policy = await governingPolicy(tx, ws, null);
      await openRuns(tx, ws, prepare(policy!), [
        {
          type: 'checklist',
          checklist: 'daily',
          subject: 'schedule:daily',
          key: `schedule:daily:schedule@${midnight}`,
          rule: 'schedule:daily',
          atMs: nowMs,
          dueMs: midnight,
        },
      ]);
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it("lists the owner's checklist items due today and ticks one in place", async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My work', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /My work/ }).waitFor({ timeout: WAIT });
    const overdue = page.getByRole('region', { name: /Due today/ });
    const item = overdue.getByRole('listitem', { name: /Check error rates/ });
    await item.waitFor({ timeout: WAIT });
    expect(await overdue.getByRole('listitem').count()).toBe(4);
    expect(await item.textContent()).toContain('role:operations');
    expect(await item.textContent()).toContain('Daily');
    expect(await audit(page)).toEqual([]);

    await item.getByRole('button', { name: /^Done/ }).click();
    await overdue
      .getByRole('listitem', { name: /Check error rates/ })
      .waitFor({ state: 'detached', timeout: WAIT });
    expect(await overdue.getByRole('listitem').count()).toBe(3);

    await page.getByRole('link', { name: 'All checklists' }).click();
    const open = page.getByRole('region', { name: 'Open runs' });
    await open.getByRole('heading', { name: /Daily/ }).waitFor({ timeout: WAIT });
    expect(await open.textContent()).toContain('1 of 4 steps done or skipped');
    expect(await audit(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
