/**
 * The widget script run end to end against the real API, in a small stand-in for the browser (elements,
 * localStorage, fetch, and an EventSource over fetch): the visitor opens the panel and writes, the bot's
 * answer shows, an agent's reply arrives live, the visitor's next message shows, and once resolved the
 * visitor rates the help. Headless Chromium is not required; what a browser adds (layout) is not tested.
 */
import { createContext, Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { supportContext } from '../../src/modules/support/context.js';
import { addMessage, resolveTicket } from '../../src/modules/support/tickets.js';
import { WIDGET_SOURCE } from '../../src/modules/support/widget/widget-source.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

type Listener = (event: object) => void;

/** Just what the widget uses of a DOM element; `textContent` is the only way text gets in. */
class FakeElement {
  readonly children: FakeElement[] = [];
  readonly style: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, Listener[]>();
  private text = '';
  value = '';
  src = '';
  constructor(readonly tagName: string) {}
  set textContent(value: string) {
    this.text = value;
    this.children.length = 0;
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(type: string, listener: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener({ preventDefault: () => undefined });
  }
  attachShadow() {
    return this.appendChild(new FakeElement('#shadow-root'));
  }
  focus() {}
  click() {
    this.dispatch('click');
  }
  requestSubmit() {
    this.dispatch('submit');
  }
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
}

/** Server-sent events read over fetch, dispatched by event name as a browser's EventSource does. */
class FakeEventSource {
  static readonly opened: FakeEventSource[] = [];
  readyState = 1;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly controller = new AbortController();
  constructor(url: string) {
    FakeEventSource.opened.push(this);
    void this.read(url).catch(() => undefined);
  }
  private async read(url: string) {
    const response = await fetch(url, { signal: this.controller.signal });
    if (response.status !== 200) {
      this.readyState = 2;
      this.onerror?.();
      return;
    }
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += new TextDecoder().decode(value);
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data) for (const listener of this.listeners.get(type) ?? []) listener({ data });
      }
    }
  }
  addEventListener(type: string, listener: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.controller.abort();
  }
}

describe('the chat widget, run against the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({});
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    for (const source of FakeEventSource.opened) source.close();
    await t?.close();
  });

  it('starts a chat, shows the bot and a live agent reply, and asks for a rating once resolved', async () => {
    const { port } = t.app.server.address() as { port: number };
    const owner = await signInAs(t.app, 'owner@shopsmart.demo', DEMO_PASSWORD);
    const ws = owner.me.workspaces[0]!.id;
    const body = new FakeElement('body');
    const script = new FakeElement('script');
    script.setAttribute('data-workspace', ws);
    script.src = `http://127.0.0.1:${port}/widget.js`;
    const stored = new Map<string, string>();
    const document = {
      currentScript: script,
      body,
      createElement: (tag: string) => new FakeElement(tag),
      querySelector: () => null,
      addEventListener: () => undefined,
    };
    const localStorage = {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => stored.set(key, value),
      removeItem: (key: string) => stored.delete(key),
    };
    const page = createContext({
      window: {},
      document,
      location: { href: 'https://shop.example/pricing' },
      navigator: { language: 'en-IN' },
      localStorage,
      fetch,
      EventSource: FakeEventSource,
      URL,
      setTimeout,
      clearTimeout,
    });
    new Script(WIDGET_SOURCE).runInContext(page);

    const elements = () => body.all();
    const texts = () =>
      elements()
        .filter((e) => e.style.whiteSpace === 'pre-wrap')
        .map((e) => e.textContent);
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(what()).toBe(true);
    };
    const form = () => elements().find((e) => e.tagName === 'form')!;
    const textarea = () => elements().find((e) => e.tagName === 'textarea')!;

    elements()
      .find((e) => e.tagName === 'button' && e.textContent === 'Chat')!
      .click();
    elements().find((e) => e.tagName === 'input')!.value = 'Ramesh';
    textarea().value = 'How do I reset my password?';
    form().dispatch('submit');
    await until(() => texts().some((x) => x.startsWith('Hi Ramesh')));
    const saved = JSON.parse(stored.get(`opsbook-chat:${ws}`)!) as { number: number; token: string };
    expect(texts()[0]).toBe('How do I reset my password?');

    const ctx = supportContext({ database: t.database, now: () => new Date(), config: loadConfig({}) });
    await addMessage(ctx, ws, saved.number, {
      kind: 'reply',
      author: { type: 'agent', name: 'Priya' },
      text: 'Try the link on the login screen.',
      actor: 'test',
    });
    await until(() => texts().includes('Try the link on the login screen.'));
    textarea().value = 'That worked, thanks!';
    form().dispatch('submit');
    await until(() => texts().includes('That worked, thanks!'));
    expect(texts().filter((x) => x === 'Try the link on the login screen.')).toHaveLength(1);

    await resolveTicket(ctx, ws, saved.number, {}, 'test');
    await until(() => elements().some((e) => e.attributes.get('aria-label') === '5 of 5'));
    elements()
      .find((e) => e.attributes.get('aria-label') === '5 of 5')!
      .click();
    await until(() => elements().some((e) => e.textContent === 'Thank you for your rating (5/5).'));
  }, 120_000);
});
