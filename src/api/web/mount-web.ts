/**
 * Mounts the Astro web app (web/, built by `astro build --root web` into web/dist) in the Fastify app:
 * its client assets through @fastify/static, and every other GET outside the API's prefixes through
 * Astro's SSR handler (@astrojs/node, middleware mode), with the request's verbs as locals.
 *
 * Without a build (web/dist/server/entry.mjs missing) the API boots alone and pages are not served.
 * Routes registered by the API always win: the page route is a wildcard, the router's last resort.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fastifyFormbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import compression from 'compression';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { BROTLI_OPTIONS, COMPRESSION_THRESHOLD_BYTES } from '../plugins/compression.ts';
import { isSameOriginPost } from './form-origin.ts';
import { type SandboxHint, type WebLocals, webLocals } from './web-locals.ts';

/** The build `npm start` and the tests make (scripts/build-web.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths that belong to the API surfaces: an unknown one there is the API's 404, never a page. */
const API_PREFIXES = [
  '/v1',
  '/v2',
  '/api',
  '/admin/api',
  '/hooks',
  '/stubs',
  '/docs',
  '/metrics',
  '/openapi',
];

/** Whether a request path belongs to an API surface (its 404 is the API's, never a page). */
export const isApiPath = (url: string) => {
  const path = url.split('?', 1)[0]!;
  return API_PREFIXES.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`),
  );
};

type AstroHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
  locals?: { numpool: WebLocals },
) => Promise<void>;

export async function mountWeb(
  app: FastifyInstance,
  ctx: AppContext,
  distDir = WEB_DIST,
  sandbox: SandboxHint | null = null,
): Promise<boolean> {
  const entry = join(distDir, 'server', 'entry.mjs');
  if (!existsSync(entry)) {
    ctx.log.info({ distDir }, 'web app not built; serving the API only');
    return false;
  }
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
  // Astro writes pages to the raw response, past @fastify/compress: they are compressed at that level,
  // with the API's threshold and brotli quality (br or gzip as the browser asks).
  // Typed for Express, it patches a plain Node response.
  const compress = compression({
    threshold: COMPRESSION_THRESHOLD_BYTES,
    brotli: BROTLI_OPTIONS,
  }) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

  // Only the files of the build become routes (no wildcard), so nothing else is shadowed.
  await app.register(fastifyStatic, {
    root: join(distDir, 'client'),
    prefix: '/',
    wildcard: false,
    decorateReply: false,
    index: false,
    setHeaders: (reply, path) => {
      // Astro names bundled assets by content hash: they never change under the same name.
      if (path.includes(join('client', '_astro')))
        reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });

  await app.register(async function pages(scope) {
    // Forms post urlencoded bodies (no JavaScript needed); parsed here, handed to the page as locals.
    await scope.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
    scope.route({
      method: ['GET', 'HEAD', 'POST'],
      url: '/*',
      schema: { hide: true },
      handler: async (request, reply) => {
        if (isApiPath(request.url)) return reply.callNotFound();
        if (request.method === 'POST' && !isSameOriginPost(request, ctx.config.publicUrl))
          return reply.code(403).type('text/plain; charset=utf-8').send('Cross-site form posts are refused');
        const locals = webLocals(ctx, app, request, sandbox);
        // Astro writes the response itself; the headers set so far (request id, security) go with it,
        // and so do the cookies the page's API calls set.
        for (const [name, value] of Object.entries(reply.getHeaders()))
          if (value !== undefined) reply.raw.setHeader(name, value);
        // Under the API's no-referrer a browser sends `Origin: null` even with a same-site form post, which
        // Astro's origin check refuses; same-origin keeps the Origin (and the Referer) on our own site only.
        reply.raw.setHeader('referrer-policy', 'same-origin');
        keepCookies(reply.raw, locals.cookies);
        reply.hijack();
        await new Promise<void>((next) => {
          compress(request.raw, reply.raw, next);
        });
        // No `next`: a path without a page renders Astro's own 404 page.
        await handler(request.raw, reply.raw, undefined, { numpool: locals });
      },
    });
  });
  return true;
}

/**
 * Adds the cookies the API calls set to whatever Set-Cookie the page writes (its language cookie):
 * Node lets writeHead's headers replace setHeader's, so both are merged there.
 */
function keepCookies(res: ServerResponse, setCookies: readonly string[]) {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((arg) => typeof arg === 'object' && arg !== null) as
      | Record<string, unknown>
      | unknown[]
      | undefined;
    const own = [res.getHeader('set-cookie') ?? []].flat().map(String);
    let page: string[] = [];
    if (Array.isArray(headers)) {
      // Raw [name, value, name, value…] form.
      for (let i = headers.length - 2; i >= 0; i -= 2)
        if (String(headers[i]).toLowerCase() === 'set-cookie') page.push(String(headers.splice(i, 2)[1]));
      page = page.reverse();
    } else if (headers) {
      for (const name of Object.keys(headers))
        if (name.toLowerCase() === 'set-cookie') {
          page = [headers[name] ?? []].flat().map(String);
          delete headers[name];
        }
    }
    const all = [...setCookies, ...own.filter((c) => !setCookies.includes(c)), ...page];
    if (all.length) res.setHeader('set-cookie', all);
    return writeHead(status, ...rest);
  }) as typeof res.writeHead;
}
