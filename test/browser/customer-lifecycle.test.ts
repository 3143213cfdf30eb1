/**
 * Customers' lifecycles in a real browser against the real server (embedded database, demo loaded).
 *
 * Smart Estate (SOP 004): a signup posted through the API with the page's session waits in the review
 * queue under "Signups to review"; on its page a manual payment recorded before approval is refused with
 * the API's words (409) and what was typed stays; approved with a reason and a plan, it moves to
 * "Payments to confirm"; finance's manual payment then makes it ACTIVE — state active, estate and
 * subscription active, `estate.activated` on the timeline.
 *
 * POS (003#54): an account trialing, upgraded, then a permanent payment failure is past due; when its
 * 7 days pass it is suspended and the access answer is read_only; a new payment method and "Reactivate
 * Account" make it active with read_write again. POS's pack has no signup review, which the queue says.
 *
 * Every page is checked for script errors and for the accessibility basics (browser-audit.ts).
 */
import { and, eq } from 'drizzle-orm';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseClock, ManualClock } from '../../src/engine/clock.js';
import { Engine, ENGINE_TIMER } from '../../src/engine/engine.js';
import { Worker } from '../../src/engine/worker.js';
import { timers } from '../../src/store/schema.js';
import { audit, signInDemo } from '../support/browser-audit.js';
import { type BrowserApp, describeInBrowser, startBrowserApp } from '../support/browser.js';

/** Calls the current workspace's API with the page's own session (its cookie and CSRF token). */
async function callApi(web: BrowserApp, page: Page, path: string, data: object) {
  const me = (await (await page.request.get(`${web.baseUrl}/api/v1/me`)).json()) as {
    csrfToken: string;
    currentWorkspaceId: string;
  };
  const response = await page.request.post(
    `${web.baseUrl}/api/v1/workspaces/${me.currentWorkspaceId}${path}`,
    { data, headers: { 'x-csrf-token': me.csrfToken } },
  );
  return { status: response.status(), body: await response.text(), workspaceId: me.currentWorkspaceId };
}

/** The value beside a label in one of the account's definition lists (`estate` → `active`). */
const listed = (card: Locator, label: string) =>
  card.locator('dl > div').filter({ has: card.page().getByText(label, { exact: true }) });

function inBrowser(owner: string, workspace: RegExp) {
  const ctx = {
    web: undefined as BrowserApp | undefined,
    page: undefined as unknown as Page,
    problems: [''],
  };
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    ctx.web = await startBrowserApp({ demo: true });
    ({ context, page: ctx.page, problems: ctx.problems } = await ctx.web.openPage());
    await signInDemo(ctx.page, ctx.web.baseUrl, owner, workspace);
  }, 300_000);
  afterAll(async () => {
    await context?.close();
    await ctx.web?.close();
  });
  return ctx;
}

describeInBrowser('web signup review: Smart Estate', () => {
  const ctx = inBrowser('owner@smart-estate.demo', /Smart Estate/);
  const ACCOUNT = 'PG-20077';
  const NAME = 'Palm Grove Residency';
  const REASON = 'Verified the name, location, 240 units and the estate admin';

  it('queues a signup for review, refuses its payment before approval, approves it', async () => {
    const { page } = ctx;
    const web = ctx.web!;
    const signup = await callApi(web, page, '/signups', {
      account: ACCOUNT,
      name: NAME,
      location: 'Whitefield, Bengaluru',
      units: 240,
      type: 'gated community',
      admin: { name: 'Farah Khan', phone: '+919845020077', email: 'farah@palmgrove.example' },
    });
    expect(signup.status, signup.body).toBe(201);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Customers', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Customers\b/ }).waitFor();
    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('heading', { level: 1, name: /^Review queue\b.*Smart Estate/ }).waitFor();
    const toReview = page.getByRole('region', { name: 'Signups to review' });
    const row = toReview.getByRole('row', { name: new RegExp(NAME) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Whitefield, Bengaluru');
    await page
      .getByRole('region', { name: 'Payments to confirm' })
      .getByText('No approved signup waits for its payment.')
      .waitFor();
    await page.screenshot({ path: '/tmp/opsbook-customer-queue.png', fullPage: true });
    expect(await audit(page)).toEqual([]);

    await row.getByRole('link', { name: NAME }).click();
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    const card = page.getByRole('region', { name: 'Signup and payment' });
    await listed(card, 'Signup').getByText('pending', { exact: true }).waitFor();
    await listed(card, 'units').getByText('240', { exact: true }).waitFor();

    // Finance first: the pack confirms a payment only on an approved signup (004#2), in the API's words.
    const payment = card.getByRole('region', { name: 'Record manual payment' });
    expect(await payment.getByLabel('Currency').inputValue()).toBe('INR');
    await payment.getByLabel('Amount').fill('25000');
    await payment.getByLabel('Bank reference').fill('NEFT-8812');
    await payment.getByLabel('Note').fill('Matched on the HDFC statement of 12 Jan');
    await payment.getByRole('button', { name: 'Record payment' }).click();
    const refusal = payment.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('approve it first');
    expect(await payment.getByLabel('Amount').inputValue()).toBe('25000');
    expect(await payment.getByLabel('Bank reference').inputValue()).toBe('NEFT-8812');
    await page.screenshot({ path: '/tmp/opsbook-customer-review.png', fullPage: true });
    expect(await audit(page)).toEqual([]);

    // The reason is required: said beside it, with the focus there, before anything is sent.
    const review = card.getByRole('region', { name: 'Review the signup' });
    await review.getByRole('radio', { name: 'Approve' }).check();
    await review.getByRole('button', { name: 'Approve signup' }).click();
    await review.locator('#signup-reason-error').waitFor();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('signup-reason');
    await review.getByLabel('Reason').fill(REASON);
    await review.getByLabel('Plan (optional)').fill('estate-standard');
    expect(await audit(page)).toEqual([]);
    await review.getByRole('button', { name: 'Approve signup' }).click();
    await card.getByRole('status').getByText('Signup approved.').waitFor();
    await listed(card, 'Signup').getByText('approved', { exact: true }).waitFor();
    await review.waitFor({ state: 'detached' });
    await page.locator('header.account-header').getByText('estate-standard', { exact: true }).waitFor();
    // The refusal no longer holds; what finance typed is still there.
    await refusal.waitFor({ state: 'detached' });
    expect(await payment.getByLabel('Note').inputValue()).toBe('Matched on the HDFC statement of 12 Jan');
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByRole('listitem')
      .filter({ hasText: 'signup.approved' })
      .first()
      .waitFor();
    expect(ctx.problems).toEqual([]);
  });

  it('lists the approved signup under payments to confirm, and the manual payment activates it', async () => {
    const { page } = ctx;
    await page
      .getByRole('region', { name: 'Signup and payment' })
      .getByRole('link', { name: 'Review queue' })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Review queue\b/ }).waitFor();
    const payments = page.getByRole('region', { name: 'Payments to confirm' });
    await payments
      .getByRole('row', { name: new RegExp(NAME) })
      .getByRole('link', { name: NAME })
      .click();
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();

    const card = page.getByRole('region', { name: 'Signup and payment' });
    const payment = card.getByRole('region', { name: 'Record manual payment' });
    await payment.getByLabel('Amount').fill('25000');
    await payment.getByLabel('Bank reference').fill('NEFT-8812');
    await payment.getByLabel('Note').fill('Matched on the HDFC statement of 12 Jan');
    await payment.getByRole('button', { name: 'Record payment' }).click();
    await card.getByRole('status').getByText('Estate is ACTIVE', { exact: false }).waitFor();
    await payment.waitFor({ state: 'detached' });

    await page.locator('header.account-header').getByText('active', { exact: true }).waitFor();
    const lifecycles = page.getByRole('region', { name: 'Lifecycles' });
    await listed(lifecycles, 'estate').getByText('active', { exact: true }).waitFor();
    await listed(lifecycles, 'subscription').getByText('active', { exact: true }).waitFor();
    await listed(lifecycles, 'payment-record').getByText('confirmed', { exact: true }).waitFor();
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByRole('listitem')
      .filter({ hasText: 'estate.activated' })
      .first()
      .waitFor();
    await page.getByRole('region', { name: 'Access' }).getByText('read_write').waitFor();
    await page.screenshot({ path: '/tmp/opsbook-customer-signup.png', fullPage: true });
    expect(await audit(page)).toEqual([]);
    expect(ctx.problems).toEqual([]);
  });
});

describeInBrowser('web subscription dunning: POS', () => {
  const ctx = inBrowser('owner@pos-saas.demo', /POS SaaS/);
  const ACCOUNT = 'shop_dun';
  const NAME = 'Dunning Stores';

  const open = async () => {
    await ctx.page.goto(`${ctx.web!.baseUrl}/customers/${ACCOUNT}`);
    await ctx.page.getByRole('heading', { level: 1, name: NAME }).waitFor();
  };
  const state = (text: string) =>
    ctx.page.locator('header.account-header').getByText(text, { exact: true }).waitFor();
  const access = (answer: string) =>
    ctx.page.getByRole('region', { name: 'Access' }).getByText(answer, { exact: true }).waitFor();
  const send = async (event: Record<string, string | boolean>) => {
    const sent = await callApi(ctx.web!, ctx.page, '/events', { account: ACCOUNT, ...event });
    expect(sent.status, sent.body).toBe(202);
    return sent.workspaceId;
  };

  it('has no signup review in its queue', async () => {
    const { page } = ctx;
    await page.goto(`${ctx.web!.baseUrl}/customers/review`);
    await page.getByRole('heading', { level: 2, name: 'The active pack has no signup review' }).waitFor();
    expect(await audit(page)).toEqual([]);
  });

  it('past due on a permanent failure, suspended read-only after 7 days, reactivated', async () => {
    const { page } = ctx;
    const web = ctx.web!;
    const created = await callApi(web, page, '/accounts', {
      id: ACCOUNT,
      name: NAME,
      kind: 'shop',
      plan: 'pro',
    });
    expect(created.status, created.body).toBe(201);
    await send({ type: 'trial.started', plan: 'pro' });
    await send({ type: 'subscription.upgraded' });
    const ws = await send({ type: 'payment.failed', permanent: true });
    await open();
    await state('past due');
    await access('read_write');

    // The 7 days pass. The app's routes decide on the database's clock, which a test cannot move, and a
    // timer's handler decides at the later of now and the timer's due instant — so making the timer due
    // now would only re-arm it. The honest way is what production does 7 days later: a Worker, on a clock
    // at the instant the account's own timer is due, claims what is due by then and fires it with the
    // engine's timer handler (on the database clock, as `serve` runs it), which decides at that instant.
    // Other demo timers due within the week fire too, as they would; nothing here depends on them.
    const key = `account:${ACCOUNT}:lifecycle:subscription`;
    const [timer] = await web.database.inWorkspace(ws, (tx) =>
      tx
        .select({ runAt: timers.runAt })
        .from(timers)
        .where(and(eq(timers.workspaceId, ws), eq(timers.key, key))),
    );
    expect(timer, 'the 7-day timer of the past-due subscription').toBeDefined();
    const worker = new Worker({
      database: web.database,
      workerId: 'wrk_customer_lifecycle',
      clock: new ManualClock(timer!.runAt),
      leaseSeconds: 30,
      pollIntervalMs: 50,
      batchSize: 100,
      timerHandlers: { [ENGINE_TIMER]: new Engine(web.database, databaseClock).timerHandler },
    });
    for (let i = 0; i < 10 && (await worker.runOnce()).timers > 0; i++);

    await open();
    await state('suspended');
    await access('read_only');
    await page
      .getByRole('region', { name: 'Access' })
      .getByText('Because of subscription: suspended.')
      .waitFor();
    await page
      .getByRole('region', { name: 'Timeline' })
      .getByRole('listitem')
      .filter({ hasText: 'engine.timer' })
      .first()
      .waitFor();
    expect(await audit(page)).toEqual([]);

    // "To reactivate: 1. Update your payment method 2. Click Reactivate Account" (003#53).
    await send({ type: 'payment-method.updated' });
    await send({ type: 'subscription.reactivated' });
    await open();
    await state('active');
    await access('read_write');
    await page.screenshot({ path: '/tmp/opsbook-customer-dunning.png', fullPage: true });
    expect(await audit(page)).toEqual([]);
    expect(ctx.problems).toEqual([]);
  });
});
