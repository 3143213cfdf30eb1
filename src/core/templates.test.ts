import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeTemplateSource,
  chooseLocale,
  renderTemplate,
  sampleValues,
  TEMPLATE_LIMITS,
  validateTemplateSource,
  type RenderableTemplate,
} from './templates.js';

// Shaped like packs/shopsmart-pro `welcome-email`, with an optional variable added.
const welcome: RenderableTemplate = {
  id: 'welcome-email',
  variables: [
    { name: 'customer_name', example: 'Ramesh', required: true },
    { name: 'note', required: false },
  ],
  locales: {
    en: {
      subject: 'Welcome, {{ customer_name }}',
      body: 'Hello {{ customer_name }},{% if note %} {{ note }}{% endif %}',
    },
    hi: { subject: 'स्वागत है {{ customer_name }} जी', body: 'नमस्ते {{ customer_name }} जी' },
  },
};

describe('chooseLocale', () => {
  it('takes the first preferred tag that matches exactly, then by primary language', () => {
    expect(chooseLocale(['en', 'hi'], ['hi'])).toBe('hi');
    expect(chooseLocale(['en', 'hi'], ['hi-IN', 'en'])).toBe('hi');
    expect(chooseLocale(['en', 'hi'], ['fr', 'HI_in'])).toBe('hi');
    expect(chooseLocale(['en-GB', 'hi-IN'], ['hi'])).toBe('hi-IN');
    expect(chooseLocale(['en', 'pt-BR', 'pt'], ['pt-BR'])).toBe('pt-BR');
  });

  it('falls back to the fallback, then en, then the first available', () => {
    expect(chooseLocale(['en', 'hi'], [undefined, null, '', 'fr'], 'hi')).toBe('hi');
    expect(chooseLocale(['hi', 'en'], ['fr'], 'de')).toBe('en');
    expect(chooseLocale(['hi', 'ta'], [])).toBe('hi');
    expect(chooseLocale([], ['hi'], 'en')).toBe('en');
  });

  it('always returns an available tag when there is one', () => {
    const tag = fc.constantFrom('en', 'hi', 'hi-IN', 'en-GB', 'fr', 'ta', '', 'x');
    fc.assert(
      fc.property(
        fc.array(tag, { minLength: 1 }),
        fc.array(fc.option(tag)),
        tag,
        (available, preferred, fb) => {
          expect(available).toContain(chooseLocale(available, preferred, fb));
        },
      ),
    );
  });
});

describe('renderTemplate', () => {
  it('renders the locale the contact prefers, subject and body', () => {
    const r = renderTemplate(welcome, {
      preferred: ['hi-IN'],
      values: { customer_name: 'Ramesh' },
      mode: 'deliver',
    });
    expect(r).toEqual({
      ok: true,
      locale: 'hi',
      subject: 'स्वागत है Ramesh जी',
      text: 'नमस्ते Ramesh जी',
      missing: [],
    });
  });

  it('renders a missing value empty when delivering and reports it; optional ones are not missing', () => {
    const r = renderTemplate(welcome, { locale: 'en', values: {}, mode: 'deliver' });
    expect(r).toEqual({
      ok: true,
      locale: 'en',
      subject: 'Welcome,',
      text: 'Hello ,',
      missing: ['customer_name'],
    });
  });

  it('fills missing values from examples (or [name]) in a preview, still reporting them', () => {
    const r = renderTemplate(welcome, { locale: 'en', values: {}, mode: 'preview' });
    expect(r).toMatchObject({ ok: true, text: 'Hello Ramesh, [note]', missing: ['customer_name'] });
    const given = renderTemplate(welcome, {
      locale: 'en',
      values: { customer_name: 'Asha' },
      mode: 'preview',
    });
    expect(given).toMatchObject({ ok: true, text: 'Hello Asha, [note]', missing: [] });
  });

  it('refuses a locale the template does not have, naming the ones it has', () => {
    const r = renderTemplate(welcome, { locale: 'fr', values: {}, mode: 'deliver' });
    expect(r).toEqual({ ok: false, error: 'template "welcome-email" has no "fr" locale; it has: en, hi' });
  });

  it('flattens line breaks and control characters in a subject and caps it at 998 characters', () => {
    const t: RenderableTemplate = {
      id: 's',
      variables: [],
      locales: { en: { subject: '{{ s }}', body: 'b' } },
    };
    const injected = renderTemplate(t, {
      values: { s: 'Hi\r\nBcc: x@evil.example\u0000\t!' },
      mode: 'deliver',
    });
    expect(injected).toMatchObject({ ok: true, subject: 'Hi Bcc: x@evil.example !' });
    const long = renderTemplate(t, { values: { s: 'é'.repeat(5000) }, mode: 'deliver' });
    expect(long.ok && long.subject?.length).toBe(TEMPLATE_LIMITS.subjectChars);
  });

  it('never calls a function or reads a prototype through the values', () => {
    let called = false;
    const values = {
      fn: () => ((called = true), 'called'),
      obj: { nested: { deep: 'ok' }, toString: () => 'x' },
      list: ['a', 'b'],
      when: new Date(Date.UTC(2024, 0, 15, 10, 42)),
    };
    const t: RenderableTemplate = {
      id: 'v',
      variables: [],
      locales: {
        en: {
          body: '{{ fn }}|{{ obj.nested.deep }}|{{ list | join: "," }}|{{ when | date: "%Y-%m-%d %H:%M" }}|{{ obj.constructor }}{{ list.__proto__ }}{{ constructor }}',
        },
      },
    };
    expect(renderTemplate(t, { values, mode: 'deliver' })).toMatchObject({
      ok: true,
      text: '|ok|a,b|2024-01-15 10:42|',
    });
    expect(called).toBe(false);
  });

  it('reports a syntax error with its part, line and column, and never throws', () => {
    const t: RenderableTemplate = {
      id: 'broken',
      variables: [],
      locales: { hi: { body: 'ok\n{{ x | nope }}' } },
    };
    expect(renderTemplate(t, { values: {}, mode: 'deliver' })).toEqual({
      ok: false,
      error: 'template "broken" (hi) body: line 2, column 1: unknown filter "nope"',
    });
  });
});

describe('validateTemplateSource', () => {
  it('returns null for valid Liquid and the error with line and column otherwise', () => {
    expect(validateTemplateSource('Hello {{ name | upcase }}')).toBeNull();
    expect(validateTemplateSource('Hello\n{{ }}')).toBe('line 2, column 4: invalid value expression: ""');
    expect(validateTemplateSource('{% if a %}')).toMatch(/^line 1, column 1: tag \{% if a %\} not closed/);
    expect(validateTemplateSource("{% include 'x' %}")).toMatch(
      /^line 1, column 1: \{% include %\} is not allowed/,
    );
    expect(validateTemplateSource('x'.repeat(TEMPLATE_LIMITS.parseChars + 1))).toBe(
      `is longer than ${TEMPLATE_LIMITS.parseChars} characters`,
    );
  });

  it('lists the variables a template reads, not the ones it assigns', () => {
    expect(
      analyzeTemplateSource('{% assign y = 1 %}{{ y }}{{ a.b }}{% for i in list %}{{ i }}{% endfor %}'),
    ).toEqual({
      ok: true,
      variables: ['a', 'list'],
    });
  });
});

describe('analyzeTemplateSource limits', () => {
  it('refuses a text with too many tags for static analysis instead of taking seconds', () => {
    const r = analyzeTemplateSource('{{x}}'.repeat(13_000));
    expect(r).toEqual({
      ok: false,
      error: `has 13000 tags and outputs, more than ${TEMPLATE_LIMITS.analysisTags}`,
    });
  });
});

describe('renderTemplate scope', () => {
  it('reuses a parsed text without mixing values between renders', () => {
    const t: RenderableTemplate = { id: 'c', variables: [], locales: { en: { body: '{{ a }}-{{ b }}' } } };
    expect(renderTemplate(t, { values: { a: 1 }, mode: 'deliver' })).toMatchObject({
      text: '1-',
      missing: ['b'],
    });
    expect(renderTemplate(t, { values: { b: 2 }, mode: 'deliver' })).toMatchObject({
      text: '-2',
      missing: ['a'],
    });
  });

  it("reports variables the render needed, not the template's own assigns and loop variables", () => {
    const body =
      '{% assign x = 1 %}{{ x }}{% for i in items %}{{ i }}{% endfor %}{% if flag %}{{ hidden }}{% endif %}';
    const t: RenderableTemplate = { id: 'm', variables: [], locales: { en: { body } } };
    expect(renderTemplate(t, { values: { items: [7, 8] }, mode: 'deliver' })).toMatchObject({
      text: '178',
      missing: ['flag'],
    });
  });
});

describe('sampleValues', () => {
  it("gives each variable's example, or [name]", () => {
    expect(sampleValues(welcome)).toEqual({ customer_name: 'Ramesh', note: '[note]' });
  });
});
