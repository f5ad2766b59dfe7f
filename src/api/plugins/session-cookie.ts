/**
 * The session cookie: httpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), Secure
 * when numpool is reached over https, scoped to the whole site so the web app and /api share it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NewSession } from '../../accounts/sessions/create-session.ts';
import type { Config } from '../../config.ts';

export const SESSION_COOKIE = 'numpool_session';

const secureFor = (config: Pick<Config, 'publicUrl'>) => config.publicUrl.startsWith('https://');

export function setSessionCookie(
  reply: FastifyReply,
  config: Pick<Config, 'publicUrl'>,
  session: NewSession,
) {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureFor(config),
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Pick<Config, 'publicUrl'>) {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureFor(config),
  });
}

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[SESSION_COOKIE];
  return value ? value : undefined;
}
