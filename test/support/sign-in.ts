/**
 * A signed-in browser, for tests of cookie-authenticated routes: opens a session for the account (as a
 * successful login would), then reads its CSRF token from GET /api/session like the web app does.
 */
import type { FastifyInstance } from 'fastify';
import { createSession } from '../../src/accounts/sessions/create-session.ts';
import { SESSION_COOKIE } from '../../src/api/plugins/session-cookie.ts';
import type { AppContext } from '../../src/app-context.ts';

export interface Browser {
  sessionId: number;
  /** Cookies alone: what a cross-site form would carry. */
  cookies: { cookie: string };
  /** Cookies and the CSRF header: what the app's own pages send. */
  headers: { cookie: string; 'x-csrf-token': string };
}

/** The cookie pairs a response sets, as one Cookie header value. */
export function cookiesSet(setCookie: string | string[] | undefined): string[] {
  return [setCookie ?? []].flat().map((line) => line.split(';')[0]!);
}

export async function browserWithSession(
  app: FastifyInstance,
  token: string,
  sessionId: number,
): Promise<Browser> {
  const response = await app.inject({
    method: 'GET',
    url: '/api/session',
    headers: { cookie: `${SESSION_COOKIE}=${token}` },
  });
  if (response.statusCode !== 200) throw new Error(`GET /api/session answered ${response.statusCode}`);
  const cookie = [`${SESSION_COOKIE}=${token}`, ...cookiesSet(response.headers['set-cookie'])].join('; ');
  return {
    sessionId,
    cookies: { cookie },
    headers: { cookie, 'x-csrf-token': response.json().data.csrf_token },
  };
}

export async function signIn(ctx: AppContext, app: FastifyInstance, accountId: number): Promise<Browser> {
  const session = await createSession({ ctx, input: { accountId } });
  return browserWithSession(app, session.token, session.id);
}
