/**
 * The preview of a help-centre article as the help centre will show it. Articles are written by agents,
 * so raw HTML is shown as text and only http(s), mailto and in-site links survive (the rule of the
 * server's src/packs/html.ts); images show as their description here.
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
      return /^(https?:|mailto:|\/(?!\/))/i.test(href)
        ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${escapeHtml(text)}</a>`
        : escapeHtml(text);
    },
    image({ text }) {
      return `<span class="image-alt">[${escapeHtml(text || 'image')}]</span>`;
    },
  },
});

export function markdownToSafeHtml(markdown: string): string {
  return marked.parse(markdown, { async: false });
}
