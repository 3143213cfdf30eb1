/** Conditional GETs (RFC 9110 §13): whether the client's copy of a rendering is still current. */
import type { Rendered } from './status-cache.js';

/** Whether an If-None-Match list names this ETag (a GET compares weakly, so `W/` is ignored). */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * True when the answer may be 304 Not Modified. If-None-Match wins over If-Modified-Since (§13.1.3); dates
 * compare to the second, as HTTP dates carry no more.
 *
 * @example notModified({ ifNoneMatch: request.headers['if-none-match'] }, rendered)
 */
export function notModified(
  headers: { readonly ifNoneMatch?: string | undefined; readonly ifModifiedSince?: string | undefined },
  rendered: Pick<Rendered, 'etag' | 'lastModified'>,
): boolean {
  if (headers.ifNoneMatch !== undefined) return matchesEtag(headers.ifNoneMatch, rendered.etag);
  if (headers.ifModifiedSince === undefined) return false;
  const since = Date.parse(headers.ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(rendered.lastModified.getTime() / 1000) * 1000 <= since;
}
