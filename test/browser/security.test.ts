/**
 * Access and security in a real browser against the real server (embedded database, no demo): sign up
 * with a new workspace, turn on an authenticator app (TOTP), sign out and back in with a code; the
 * sessions page; wrong codes; then an owner's admin pages and audit log, an invitation accepted by
 * sign-up, a viewer who sees none of the admin controls, and a workspace that requires MFA.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { totpCode, totpStep } from '../../src/security/totp.js';
import { type BrowserApp, describeInBrowser, startBrowserApp, WAIT } from '../support/browser.js';

const STEP_MS = 30_000;

interface Person {
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

/** A person nobody else in this run uses, with a strong random password (the policy refuses weak ones). */
function newPerson(name: string): Person {
  const tag = randomBytes(4).toString('hex');
  return {
    name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}.${tag}@example.com`,
    password: `${randomBytes(12).toString('base64url')}-Ops`,
  };
}

/** A 6-digit code that is none of the codes the server accepts right now (it allows one step of drift). */
function wrongCode(secret: string): string {
  const now = Date.now();
  const accepted = new Set([-1, 0, 1].map((d) => totpCode(secret, now + d * STEP_MS)));
  for (let n = 123_456; ; n += 1) {
    const code = String(n % 1_000_000).padStart(6, '0');
    if (!accepted.has(code)) return code;
  }
}

/**
 * A code from a step after `usedStep`: the server accepts each step once (replay protection), so when the
 * current step was used already, wait for the next one.
 */
async function freshCode(secret: string, usedStep: number): Promise<{ code: string; step: number }> {
  while (totpStep(Date.now()) <= usedStep) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const now = Date.now();
  return { code: totpCode(secret, now), step: totpStep(now) };
}

describeInBrowser('web security', () => {
  let web: BrowserApp | undefined;
  let baseUrl = '';

  beforeAll(async () => {
    web = await startBrowserApp();
    baseUrl = web.baseUrl;
  }, 300_000);

  afterAll(async () => {
    await web?.close();
  });

  async function openBrowser() {
    if (!web) throw new Error('the browser did not start');
    return web.openPage();
  }

  const heading = (page: Page, name: RegExp) =>
    page.getByRole('heading', { level: 1, name }).waitFor({ timeout: WAIT });
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
  const goTo = async (page: Page, link: string, title: RegExp) => {
    await nav(page).getByRole('link', { name: link, exact: true }).click();
    await heading(page, title);
  };

  async function signUp(page: Page, person: Person, workspace?: string) {
    await page.getByLabel('Your name').fill(person.name);
    if (workspace) await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    if (workspace) await page.getByLabel('Workspace name').fill(workspace);
    await page.getByRole('button', { name: 'Create account' }).click();
  }

  /** Enters a wrong code in the field `label` and presses `button`: the page says the code is wrong. */
  async function refuseWrongCode(page: Page, label: string, button: string, secret: string) {
    await page.getByLabel(label).fill(wrongCode(secret));
    await page.getByRole('button', { name: button }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /code is wrong/i })
      .waitFor();
  }

  /** On the Security page: starts the app set-up, confirms a code; returns the secret and the used step. */
  async function turnOnTotp(page: Page): Promise<{ secret: string; step: number }> {
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const shown = await page.locator('#totp-secret').textContent();
    const secret = (shown ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = await page.getByRole('link', { name: /^otpauth:\/\/totp\// }).getAttribute('href');
    expect(new URL(uri!).searchParams.get('secret')).toBe(secret);

    // A wrong code is refused with a message, and the page stays signed in (a 401 that is not the session).
    await refuseWrongCode(page, 'Code from your app', 'Turn on', secret);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);

    const now = Date.now();
    await page.getByLabel('Code from your app').fill(totpCode(secret, now));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' });
    await codes.waitFor();
    expect(await codes.getByRole('listitem').count()).toBe(10);
    return { secret, step: totpStep(now) };
  }

  it('signs up, turns on an authenticator app, signs out and back in with a code', async () => {
    const { context, page, problems } = await openBrowser();
    const ana = newPerson('Ana Owner');

    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await heading(page, /^Create an account$/);
    // The password policy answers beside the field.
    await signUp(page, { ...ana, password: 'password1234' }, 'Harbour Support');
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#signup-password-error').textContent()).toBeTruthy();
    await signUp(page, ana, 'Harbour Support');
    await heading(page, /^Inbox\b.*Harbour Support/);
    expect(new URL(page.url()).pathname).toBe('/inbox');

    await goTo(page, 'Security', /^Security$/);
    const { secret, step } = await turnOnTotp(page);
    await page.screenshot({ path: '/tmp/opsbook-security-codes.png' });
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('10 recovery codes are left.', { exact: false }).waitFor();

    // The sessions page lists this browser's session, which now counts as signed in with the app.
    await goTo(page, 'Sessions', /^Sessions$/);
    const sessions = page.getByRole('table', { name: 'Sessions' });
    const current = sessions.getByRole('row').filter({ hasText: 'This browser' });
    await current.waitFor();
    expect(await current.textContent()).toContain('Password and authenticator app');
    await page.screenshot({ path: '/tmp/opsbook-sessions.png' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(ana.email);
    await page.getByLabel('Password').fill(ana.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();

    await refuseWrongCode(page, 'Code', 'Verify code', secret);
    await page.screenshot({ path: '/tmp/opsbook-signin-code.png' });

    const fresh = await freshCode(secret, step);
    await page.getByLabel('Code').fill(fresh.code);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await heading(page, /^Sessions$/);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const method = await page.evaluate(async () => {
      const me = (await (await fetch('/api/v1/me')).json()) as { security: { signInMethod: string } };
      return me.security.signInMethod;
    });
    expect(method).toBe('password+totp');

    await page.reload();
    await heading(page, /^Sessions$/);
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  it('admin pages follow the role: an invited viewer sees no admin controls, and MFA can be required', async () => {
    const owner = await openBrowser();
    const bo = newPerson('Bo Owner');
    const cy = newPerson('Cy Viewer');

    await owner.page.goto(`${baseUrl}/sign-up`);
    await signUp(owner.page, bo, 'Lighthouse Ops');
    await heading(owner.page, /^Inbox\b.*Lighthouse Ops/);
    await goTo(owner.page, 'Admin', /^Admin\b.*Lighthouse Ops/);
    const tabs = owner.page.getByRole('navigation', { name: 'Admin' });
    for (const tab of ['Workspace', 'Members', 'Invitations', 'API tokens'])
      await tabs.getByRole('link', { name: tab, exact: true }).waitFor();
    // Requiring MFA needs a session that used it: the owner has no app yet.
    const requireMfa = owner.page.getByRole('checkbox', { name: /Require multi-factor/ });
    await requireMfa.waitFor();
    expect(await requireMfa.isDisabled()).toBe(true);

    // An API token: its secret is shown once, then it is listed by name.
    await tabs.getByRole('link', { name: 'API tokens', exact: true }).click();
    await owner.page.getByLabel('Name').fill('Uptime alerts');
    await owner.page.getByLabel('Scope').selectOption('ingest');
    await owner.page.getByRole('button', { name: 'Create token' }).click();
    const secret = owner.page.getByRole('textbox', { name: 'New API token' });
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/\S{20,}/);
    await owner.page.getByRole('button', { name: 'Done' }).click();
    await owner.page.getByRole('cell', { name: 'Uptime alerts' }).waitFor();

    // An invitation: the link is shown once.
    await tabs.getByRole('link', { name: 'Invitations', exact: true }).click();
    await owner.page.getByLabel('Email').fill(cy.email);
    await owner.page.getByLabel('Role').selectOption('viewer');
    await owner.page.getByRole('button', { name: 'Send invitation' }).click();
    const link = await owner.page.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    const invitationPath = new URL(link).pathname;
    expect(invitationPath).toMatch(/^\/invitations\/[\w-]{20,}$/);
    await owner.page.getByRole('button', { name: 'Done' }).click();
    await owner.page.getByRole('cell', { name: cy.email }).waitFor();
    await owner.page.screenshot({ path: '/tmp/opsbook-invitations.png' });

    // The audit log lists what the owner just did, and its hash chain verifies.
    await tabs.getByRole('link', { name: 'Audit log', exact: true }).click();
    const audit = owner.page.getByRole('table', { name: 'Audit log' });
    await audit.getByRole('cell', { name: 'token.created', exact: true }).waitFor();
    await audit.getByRole('cell', { name: 'invitation.created', exact: true }).waitFor();
    await owner.page.getByRole('button', { name: 'Verify the chain' }).click();
    expect(await owner.page.getByRole('status').filter({ hasText: 'Intact' }).textContent()).toMatch(
      /^Intact: \d+ entries, head #\d+ [0-9a-f]{12}$/,
    );
    // Searched by the start of the action, the list keeps only those; the export link carries the filter.
    await owner.page.getByLabel('Action starts with').fill('token.');
    await owner.page.getByRole('button', { name: 'Search', exact: true }).click();
    await audit.getByRole('cell', { name: 'invitation.created', exact: true }).waitFor({ state: 'detached' });
    await audit.getByRole('cell', { name: 'token.created', exact: true }).waitFor();
    const csv = owner.page.getByRole('link', { name: 'CSV', exact: true });
    expect(await csv.getAttribute('href')).toMatch(/\/audit\/export\?action=token\.&format=csv$/);
    const exported = await owner.page.request.get(`${baseUrl}${(await csv.getAttribute('href'))!}`);
    expect((await exported.text()).split('\r\n')[0]).toBe('seq,at,actor,action,target,data,hash');

    // The invited person opens the link, signs up with it and lands in the workspace as a viewer.
    const viewer = await openBrowser();
    await viewer.page.goto(`${baseUrl}${invitationPath}`);
    await heading(viewer.page, /^Join Lighthouse Ops$/);
    expect(await viewer.page.getByLabel('Email').inputValue()).toBe(cy.email);
    await signUp(viewer.page, cy);
    await heading(viewer.page, /^Inbox\b.*Lighthouse Ops/);
    await goTo(viewer.page, 'Admin', /^Admin\b.*Lighthouse Ops/);
    const viewerTabs = viewer.page.getByRole('navigation', { name: 'Admin' });
    await viewerTabs.getByRole('link', { name: 'Members', exact: true }).click();
    await viewer.page.getByRole('cell', { name: bo.email }).waitFor();
    expect(await viewerTabs.getByRole('link').allTextContents()).toEqual(['Workspace', 'Members']);
    expect(await viewer.page.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    expect(await viewer.page.getByRole('combobox', { name: /^Role of/ }).count()).toBe(0);
    await viewer.page.getByRole('button', { name: 'Leave' }).waitFor();
    await viewerTabs.getByRole('link', { name: 'Workspace', exact: true }).click();
    await viewer.page.getByText('Multi-factor authentication is optional in this workspace.').waitFor();
    expect(await viewer.page.getByRole('checkbox').count()).toBe(0);
    await viewer.page.screenshot({ path: '/tmp/opsbook-viewer-admin.png' });

    // The owner sees the new member and can change their role; then turns on the app and requires MFA.
    await owner.page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Members' })
      .click();
    await owner.page.getByRole('combobox', { name: `Role of ${cy.name}` }).waitFor();
    await goTo(owner.page, 'Security', /^Security$/);
    await turnOnTotp(owner.page);
    await owner.page.getByRole('button', { name: 'I have saved them' }).click();
    await goTo(owner.page, 'Admin', /^Admin\b/);
    await requireMfa.click();
    await owner.page.getByRole('checkbox', { name: /Require multi-factor/, checked: true }).waitFor();

    // The viewer, signed in with a password only, is now led to set up an app.
    await viewer.page.reload();
    await heading(viewer.page, /^Multi-factor authentication required$/);
    await viewer.page.getByRole('link', { name: 'Set up an authenticator app' }).click();
    await heading(viewer.page, /^Security$/);
    await viewer.page.screenshot({ path: '/tmp/opsbook-mfa-required.png' });

    expect(owner.problems).toEqual([]);
    expect(viewer.problems).toEqual([]);
    await owner.context.close();
    await viewer.context.close();
  }, 240_000);
});
