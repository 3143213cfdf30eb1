/**
 * The HTML of a customer's mail, made safe to show to agents (issue 7): basic formatting, tables and
 * links stay; scripts, styles, frames, forms, event handlers and `style` attributes go. Links get
 * `rel="noopener nofollow noreferrer"`. Images are kept only as `data:` images; a remote (`https:`) image
 * is not loaded by default (it would tell the sender when and where the mail was read): its address moves
 * to `data-remote-src` for the web app to load on request, and a `cid:` image (an inline attachment)
 * keeps its Content-ID in `data-cid`.
 */
import sanitizeHtml from 'sanitize-html';

/** Largest HTML body kept (characters); longer mail keeps its text part and the attachments. */
export const MAX_HTML_CHARS = 2_000_000;

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/i;

function image(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const src = (attribs.src ?? '').trim();
  const out: sanitizeHtml.Attributes = {};
  for (const key of ['alt', 'title', 'width', 'height'])
    if (attribs[key] !== undefined) out[key] = attribs[key]!;
  if (DATA_IMAGE.test(src)) out.src = src;
  else if (/^https:\/\//i.test(src) && URL.canParse(src)) out['data-remote-src'] = src;
  else if (/^cid:/i.test(src))
    out['data-cid'] = src
      .slice(4)
      .replace(/[<>\s]/g, '')
      .slice(0, 500);
  return out;
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...['p', 'br', 'div', 'span', 'blockquote', 'pre', 'code', 'hr'],
    ...['b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup', 'small', 'mark'],
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd'],
    ...['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption'],
    ...['a', 'img'],
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height', 'data-remote-src', 'data-cid'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  // Dropped with their content, not just their tags.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object'],
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...(attribs.href ? { href: attribs.href } : {}),
        ...(attribs.title ? { title: attribs.title } : {}),
        rel: 'noopener nofollow noreferrer',
        target: '_blank',
      },
    }),
    img: (tagName, attribs) => ({ tagName, attribs: image(attribs) }),
  },
};

/**
 * Sanitised HTML, or undefined for none.
 *
 * @example sanitizeMailHtml('<p onclick="x()">Hi<script>alert(1)</script></p>') // '<p>Hi</p>'
 */
export function sanitizeMailHtml(html: string | undefined): string | undefined {
  if (html === undefined || html.trim() === '' || html.length > MAX_HTML_CHARS) return undefined;
  const clean = sanitizeHtml(html, OPTIONS).trim();
  return clean === '' ? undefined : clean;
}
