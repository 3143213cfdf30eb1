/**
 * What the web app's browser suites share: the accessibility audit run on every page, and signing in as a
 * demo person (test/support/browser.ts starts the server and Chromium).
 */
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';

/**
 * The accessibility basics of the page, as sentences (none when all hold): exactly one h1, headings that
 * do not skip a level, a name for every form control, button and link, and ids used once. A script
 * string: the tests compile without the DOM's types.
 */
const AUDIT = `(() => {
  const problems = [];
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) problems.push(h1.length + ' h1 headings');
  let last = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) problems.push('heading "' + h.textContent + '" skips from h' + last + ' to h' + level);
    if (!h.textContent.trim()) problems.push('an empty h' + level);
    last = level;
  }
  const named = (el) =>
    (el.getAttribute('aria-label') || '').trim() ||
    (el.getAttribute('aria-labelledby') || '').split(' ').map((id) => document.getElementById(id)?.textContent || '').join('').trim();
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const label = [...(el.labels || [])].map((l) => l.textContent).join('').trim();
    if (!label && !named(el)) problems.push('an unlabelled ' + el.tagName.toLowerCase() + (el.id ? ' #' + el.id : ''));
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!el.textContent.trim() && !named(el)) problems.push('a ' + el.tagName.toLowerCase() + ' without a name: ' + el.outerHTML.slice(0, 80));
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push('the id "' + el.id + '" twice');
    seen.add(el.id);
  }
  return problems;
})()`;

export const audit = (page: Page): Promise<string[]> => page.evaluate<string[]>(AUDIT);

/** Signs in from the sign-in page and waits for the Inbox of the person's first workspace. */
export async function signInDemo(
  page: Page,
  baseUrl: string,
  email: string,
  workspace: RegExp,
): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`^Inbox\\b.*${workspace.source}`) }).waitFor();
}
