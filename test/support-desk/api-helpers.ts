/** Shared set-up of the help-desk API tests: the demo app on one engine, signed in as a demo owner. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import type { TicketView } from '../../src/modules/support/ticket-view.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import type { EngineUnderTest, OpenedDatabase } from '../support/databases.js';

export interface Desk {
  readonly t: TestApp;
  readonly ws: string;
  readonly userId: string;
  readonly headers: Record<string, string>;
  url(path: string): string;
  call(method: InjectOptions['method'], path: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /** Opens a ticket through the API; fails the test unless it is created. */
  open(payload: Record<string, unknown>): Promise<TicketView>;
  close(): Promise<void>;
}

let addresses = 0;

/** The demo app on `engine`, signed in as `owner@<slug>.demo`. */
export async function openDesk(engine: EngineUnderTest, slug = 'shopsmart'): Promise<Desk> {
  const opened: OpenedDatabase = await engine.open();
  const t = await buildTestApp({}, { database: opened.database });
  const owner = await signInAs(
    t.app,
    `owner@${slug}.demo`,
    DEMO_PASSWORD,
    `10.9.${addresses >> 8}.${addresses++ & 255}`,
  );
  const ws = owner.me.workspaces[0]!.id;
  const headers = { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken };
  const me = await t.app.inject({ url: '/api/v1/me', headers });
  const url = (path: string) => `/api/v1/workspaces/${ws}${path}`;
  const call: Desk['call'] = (method, path, payload) =>
    t.app.inject({
      method,
      url: url(path),
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  return {
    t,
    ws,
    userId: me.json<{ user: { id: string } }>().user.id,
    headers,
    url,
    call,
    async open(payload) {
      const r = await call('POST', '/tickets', payload);
      if (r.statusCode !== 201) throw new Error(`ticket not created: ${r.statusCode} ${r.body}`);
      return r.json<TicketView>();
    },
    async close() {
      await t.app.close();
      await opened.close();
    },
  };
}

/** Another demo owner's session on the same app (another workspace). */
export async function signInOther(desk: Desk, slug: string) {
  const other = await signInAs(
    desk.t.app,
    `owner@${slug}.demo`,
    DEMO_PASSWORD,
    `10.8.0.${++addresses & 255}`,
  );
  const ws = other.me.workspaces[0]!.id;
  const headers = { cookie: other.cookie, 'x-csrf-token': other.csrfToken };
  return {
    ws,
    headers,
    call: (method: InjectOptions['method'], path: string, payload?: unknown) =>
      desk.t.app.inject({
        method,
        url: `/api/v1/workspaces/${ws}${path}`,
        headers,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      }),
  };
}
