/**
 * Which form posts the pages act on: only those a page of this site sent.
 *
 * Browsers say where a post comes from in Sec-Fetch-Site, and only `same-origin` is taken. Browsers
 * without it are judged by Origin, which must be the public URL's origin (what visitors see, also behind
 * a proxy that terminates TLS) or the origin the request was addressed to (a loopback server, a test).
 * Origin alone cannot do: under the site's `Referrer-Policy: no-referrer` a browser sends `Origin: null`
 * even with a post to the same page. A post with neither header is not from a browser page and is refused
 * like a cross-site one.
 *
 * Astro's own check (security.checkOrigin) is off: it compares Origin alone, and with an origin it knows
 * only from a build-time list of hosts (otherwise taking every request for http://localhost).
 */
import type { FastifyRequest } from 'fastify';

const originOf = (url: string) => (URL.canParse(url) ? new URL(url).origin : undefined);

export function isSameOriginPost(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  return origin === originOf(publicUrl) || origin === originOf(`${request.protocol}://${request.host}`);
}
