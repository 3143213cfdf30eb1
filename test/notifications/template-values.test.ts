/**
 * The workspace's values of the pack's `from: workspace` template variables through inject() on PGlite:
 * listed with the templates that use them, set name by name (null removes), refused all or nothing for a
 * name the pack does not declare or a link that is not one, shown in the preview, and recorded in the
 * audit log. Who may set them (`notifications.manage`) is checked for every role by the isolation suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Session = Awaited<ReturnType<typeof signInAs>>;
interface Variable {
  name: string;
  templates: string[];
  value: string | null;
}

describe('template values', () => {
  let t: TestApp;
  let owner: Session;
  let ws: string;
  const call = (method: 'GET' | 'PATCH' | 'POST', path: string, payload?: object, who: Session = owner) =>
    t.app.inject({
      method,
      url: `/api/v1/workspaces/${ws}${path}`,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken },
      ...(payload ? { payload } : {}),
    });
  const variables = async () => (await call('GET', '/template-values')).json<{ items: Variable[] }>().items;

  beforeAll(async () => {
    t = await buildTestApp();
    owner = await signInAs(t.app, 'owner@pos-saas.demo', DEMO_PASSWORD);
    ws = owner.me.workspaces.find((w) => w.slug === 'pos-saas')!.id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists the variables the pack takes from the workspace, with the templates that use them', async () => {
    const items = await variables();
    const update = items.find((v) => v.name === 'update_payment_method_url');
    expect(update).toMatchObject({ value: null });
    expect(update!.templates.length).toBeGreaterThan(0);
    expect(items.find((v) => v.name === 'export_data_url')).toBeDefined();
  });

  it('refuses a name the pack does not declare and a link that is not one, all or nothing', async () => {
    const r = await call('PATCH', '/template-values', {
      values: {
        update_payment_method_url: 'https://pos.example/billing',
        upgrade_ulr: 'https://pos.example/upgrade',
        export_data_url: 'pos.example/export',
      },
    });
    expect(r.statusCode).toBe(400);
    const errors = r.json<{ errors: { pointer: string; message: string }[] }>().errors;
    expect(errors.map((e) => e.pointer).sort()).toEqual([
      '/body/values/export_data_url',
      '/body/values/upgrade_ulr',
    ]);
    expect(errors.find((e) => e.pointer.endsWith('upgrade_ulr'))!.message).toContain('upgrade_url');
    expect((await variables()).find((v) => v.name === 'update_payment_method_url')!.value).toBeNull();
  });

  it('sets, shows in the preview, audits and removes a value', async () => {
    const set = await call('PATCH', '/template-values', {
      values: { update_payment_method_url: ' https://pos.example/billing ' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const update = set
      .json<{ items: Variable[] }>()
      .items.find((v) => v.name === 'update_payment_method_url')!;
    expect(update.value).toBe('https://pos.example/billing');
    const preview = await call('POST', `/templates/${update.templates[0]}/preview`, { locale: 'en' });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.body).toContain('https://pos.example/billing');
    const audit = await call('GET', '/audit?limit=5');
    expect(audit.body).toContain('template-values.updated');
    await call('PATCH', '/template-values', { values: { update_payment_method_url: null } });
    expect((await variables()).find((v) => v.name === 'update_payment_method_url')!.value).toBeNull();
  });
});
