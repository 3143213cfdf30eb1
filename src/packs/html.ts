/**
 * The rendered SOP as HTML for the web app. Pack text is written by workspace admins, so raw HTML in it is
 * shown as text and only http(s) and mailto links survive.
 */
import { Marked } from 'marked';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ href, text }) {
      return /^(https?:|mailto:)/i.test(href)
        ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(text)}</a>`
        : escapeHtml(text);
    },
    image({ text }) {
      return escapeHtml(text);
    },
  },
});

export function markdownToSafeHtml(markdown: string): string {
  return marked.parse(markdown, { async: false });
}
