/** The HTML of customers' mail as agents see it: formatting kept, anything active removed. */
import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from '../../src/modules/support/sanitize.js';

describe('mail HTML sanitising', () => {
  it('keeps basic formatting, lists and tables', () => {
    const html =
      '<h2>Order</h2><p>Hi <b>team</b>, <i>see</i>:</p><ul><li>one</li></ul><table><tr><td colspan="2">x</td></tr></table><blockquote>quoted</blockquote>';
    expect(sanitizeMailHtml(html)).toBe(
      '<h2>Order</h2><p>Hi <b>team</b>, <i>see</i>:</p><ul><li>one</li></ul><table><tr><td colspan="2">x</td></tr></table><blockquote>quoted</blockquote>',
    );
  });

  it('removes scripts, styles, frames, forms, event handlers and style attributes', () => {
    const out = sanitizeMailHtml(
      '<p style="position:fixed" onmouseover="x()">Hi</p><script>alert(1)</script><style>p{color:red}</style><iframe src="https://evil.test"></iframe><form action="https://evil.test"><input name="pw"></form><object data="x"></object><svg onload="x()"><circle/></svg>',
    );
    expect(out).toBe('<p>Hi</p>');
  });

  it('makes links safe: no javascript:, and rel="noopener nofollow"', () => {
    expect(sanitizeMailHtml('<a href="javascript:alert(1)">x</a>')).toBe(
      '<a rel="noopener nofollow noreferrer" target="_blank">x</a>',
    );
    expect(sanitizeMailHtml('<a href="https://shop.test/a?b=1&amp;c=2" onclick="x()">x</a>')).toBe(
      '<a href="https://shop.test/a?b=1&amp;c=2" rel="noopener nofollow noreferrer" target="_blank">x</a>',
    );
    expect(sanitizeMailHtml('<a href="//evil.test">x</a>')).not.toContain('href');
  });

  it('keeps data: images, and does not load remote ones by default', () => {
    expect(sanitizeMailHtml('<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">')).toBe(
      '<img alt="logo" src="data:image/png;base64,iVBORw0KGgo=" />',
    );
    expect(sanitizeMailHtml('<img src="https://tracker.test/p.gif?u=1">')).toBe(
      '<img data-remote-src="https://tracker.test/p.gif?u=1" />',
    );
    expect(sanitizeMailHtml('<img src="cid:part1@mail">')).toBe('<img data-cid="part1@mail" />');
    for (const src of [
      'http://plain.test/p.gif',
      'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
      'data:text/html,<script>alert(1)</script>',
      'javascript:alert(1)',
    ])
      expect(sanitizeMailHtml(`<img src="${src}">`), src).toBe('<img />');
  });

  it('answers undefined for nothing to show', () => {
    expect(sanitizeMailHtml(undefined)).toBeUndefined();
    expect(sanitizeMailHtml('  ')).toBeUndefined();
    expect(sanitizeMailHtml('<script>only()</script>')).toBeUndefined();
  });
});
