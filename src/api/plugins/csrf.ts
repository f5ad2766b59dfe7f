/**
 * CSRF protection for cookie-authenticated requests (@fastify/csrf-protection): a secret in its own
 * httpOnly cookie, and a token bound to the session id that the page sends back as X-CSRF-Token on every
 * state-changing request. Requests with an API key carry no ambient credential and need no token.
 */
import { createHmac } from 'node:crypto';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AppContext } from '../../app-context.ts';

export const CSRF_COOKIE = 'numpool_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function registerCsrf(app: FastifyInstance, ctx: AppContext) {
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.publicUrl.startsWith('https://'),
    },
    getToken: (request) => {
      const token = request.headers[CSRF_HEADER];
      return typeof token === 'string' ? token : undefined;
    },
    getUserInfo: (request) => String(request.principal?.sessionId ?? ''),
    csrfOpts: { hmacKey: createHmac('sha256', ctx.secret).update('numpool csrf').digest('hex') },
  });
}

/** A token for this session's pages; sets the secret cookie on first use. */
export function csrfTokenFor(reply: FastifyReply, sessionId: number): string {
  return reply.generateCsrf({ userInfo: String(sessionId) });
}

/** onRequest, after requireAccount: state changes made with a session cookie need the token. */
export function requireCsrfForSessions(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) {
  if (request.principal?.sessionId === undefined || SAFE_METHODS.has(request.method)) return done();
  request.server.csrfProtection(request, reply, done);
}
