/**
 * What the public pages share (the help centre, survey links, the sandbox checkout, the status page): a
 * browser posting a form asks for HTML, any other client gets JSON; a page is sent under the help
 * centre's CSP (no script at all), kept out of caches unless it is public, and out of search engines
 * when it is reached by a private link.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HELP_CSP } from '../modules/support/help-pages.js';

export const wantsHtml = (request: FastifyRequest): boolean =>
  request.headers.accept?.includes('text/html') ?? false;

/** `private`: a page reached by a link with a token (a survey, a checkout): never cached nor indexed. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: string,
  cache: 'public' | 'private' = 'private',
) {
  if (cache === 'private') void reply.header('x-robots-tag', 'noindex');
  return reply
    .code(status)
    .header('content-security-policy', HELP_CSP)
    .header('cache-control', cache === 'public' ? 'public, max-age=60' : 'no-store')
    .type('text/html; charset=utf-8')
    .send(page);
}

/**
 * Lets the routes of `scope` (a plugin of their own) take a page's form post, form-encoded, as an object
 * of its fields; every other route keeps refusing that content type.
 */
export function acceptFormPosts(scope: FastifyInstance, bodyLimit = 16 * 1024): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}
