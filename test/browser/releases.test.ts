/**
 * In a real browser against the real server, signed in as the ShopSmart demo owner: a patch release is
 * started from the Releases page, walked through code review, QA (its sign-off checklist ticked), staging
 * and release notes, decided Go on the page once the release checklist's other items are done, deployed
 * (the rollback window opens: 24 hours) and rolled back. The page is checked for script errors and the
 * accessibility basics. Checklist items are ticked through the API (the account page's test covers
 * ticking in the browser).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const OWNER = 'owner@shopsmart.demo';
const EVIDENCE: Record<string, string | number> = {
  link: 'https://ci.example.com/runs/7',
  note: 'Checked',
  number: 81,
  file: 'report.pdf',
};

interface Run {
  id: string;
  checklist: string;
  items: { id: string; evidence: string; status: string }[];
}

describeInBrowser('web releases', () => {
  let web: BrowserApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: string[] = [];
  let ws = '';
  let csrf = '';

  /** Ticks every open item of the release's run of `checklist`, except those named. */
  async function tick(checklist: string, except: string[] = []): Promise<void> {
    const base = `${web!.baseUrl}/api/v1/workspaces/${ws}`;
    const runs = (await (await page.request.get(`${base}/checklist-runs?subject=release:REL-1`)).json()) as {
      items: Run[];
    };
    const run = runs.items.find((r) => r.checklist === checklist)!;
    for (const item of run.items) {
      if (except.includes(item.id) || item.status !== 'open') continue;
      const done = await page.request.post(`${base}/checklist-runs/${run.id}/items/${item.id}/complete`, {
        headers: { 'x-csrf-token': csrf },
        data:
          item.evidence === 'none'
            ? {}
            : { evidence: { kind: item.evidence, value: EVIDENCE[item.evidence] } },
      });
      expect(done.status(), await done.text()).toBe(200);
    }
  }

  async function take(button: string, state: RegExp): Promise<void> {
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.getByText(state).first().waitFor({ timeout: WAIT });
  }

  beforeAll(async () => {
    web = await startBrowserApp({ demo: true });
    ({ context, page, problems } = await web.openPage());
    await signInDemo(page, web.baseUrl, OWNER, /ShopSmart/);
    const me = (await (await page.request.get(`${web.baseUrl}/api/v1/me`)).json()) as {
      currentWorkspaceId: string;
      csrfToken: string;
    };
    ws = me.currentWorkspaceId;
    csrf = me.csrfToken;
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
  });

  it('walks a release through go/no-go to deploy and rollback', async () => {
    await page.goto(`${web!.baseUrl}/operations/releases`);
    const form = page.getByRole('region', { name: 'Start a release' });
    await form.getByLabel('Title').fill('Patch 2.14.1');
    await form.getByLabel('Release type').selectOption('patch');
    await form.getByLabel('Version').fill('2.14.1');
    await form.getByRole('button', { name: 'Start a release' }).click();
    await page.getByRole('heading', { level: 1, name: /^REL-1 · Patch 2.14.1/ }).waitFor({ timeout: WAIT });
    expect(await audit(page)).toEqual([]);

    await take('Code Review Approved', /^code review approved$/);
    // QA waits for its sign-off checklist, and says so.
    const steps = page.getByRole('region', { name: 'Next steps' });
    expect(await steps.textContent()).toContain(
      'Waits: the checklist "QA Sign-off Criteria (SOP-007)" is not complete',
    );
    await tick('qa-sign-off');
    await page.reload();
    await take('QA Testing Passed', /^qa testing passed$/);
    await take('Staging Deploy Verified', /^staging deploy verified$/);
    await take('Release Notes Prepared', /^release notes prepared$/);

    // Go before the checklist's other items: the server's reason shows.
    await page.getByLabel('Decision note').fill('Looks good');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Go/No-Go is the last item of the release checklist' })
      .waitFor({ timeout: WAIT });
    await tick('release-checklist', ['go-no-go-approval-received']);
    await page.reload();
    await page.getByLabel('Decision note').fill('Error budget fine, support briefed');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page
      .getByText(/^production deploy$/)
      .first()
      .waitFor({ timeout: WAIT });
    // The go/no-go ticked the checklist's last item with the decision as its evidence (the card reloads).
    await page
      .getByRole('region', { name: 'Checklists' })
      .getByText('Error budget fine, support briefed', { exact: false })
      .waitFor({ timeout: WAIT });

    await take('Monitor (1 hour)', /^monitor$/);
    const window = page.getByTestId('rollback-window');
    expect(await window.textContent()).toMatch(/^Rollback window open until/);
    expect(await audit(page)).toEqual([]);

    await take('Rolled back', /^rolled back$/);
    await page.getByText('The release has reached the end of its lifecycle.').waitFor({ timeout: WAIT });
    const timeline = await page.getByRole('region', { name: 'Timeline' }).textContent();
    expect(timeline).toContain('release.go');
    expect(timeline).toContain('release.rollback');
    expect(problems).toEqual([]);
  });
});
