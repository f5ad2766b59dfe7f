/**
 * Authentication for numpool's own JSON API (/api, /admin/api): an API key as Bearer, or else a signed-in
 * session's cookie. Answers 401 in the SMSCode envelope otherwise; requests are counted against the rate
 * limits exactly as on /v1 and /v2.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveSession } from '../../accounts/sessions/resolve-session.ts';
import type { AppContext } from '../../app-context.ts';
import type { AuditActor } from '../../audit/audit-actor.ts';
import { requireApiKey } from './api-key-auth.ts';
import type { RequestLimits } from './request-limits.ts';
import { routeWeight } from './request-weights.ts';
import { sessionTokenOf } from './session-cookie.ts';
import { smscodeError } from './smscode-errors.ts';

export function requireAccount(ctx: AppContext, limits: RequestLimits) {
  const byKey = requireApiKey(ctx, limits);
  return async function accountAuth(request: FastifyRequest, reply: FastifyReply) {
    const token = sessionTokenOf(request);
    if (request.headers.authorization !== undefined || token === undefined) return byKey(request, reply);
    request.principal = await resolveSession({ ctx, input: { token } });
    await limits.spend(request, reply, request.principal ? routeWeight(request) : 1);
    if (!request.principal)
      return smscodeError(reply, 'UNAUTHORIZED', 'not signed in, or the session has ended');
  };
}

/**
 * After requireAccount: a signed-in session only. Key management is refused to API keys whatever their
 * scopes, so a narrow key can never mint a broader one.
 */
export async function requireSession(request: FastifyRequest, reply: FastifyReply) {
  if (request.principal && request.principal.sessionId === undefined)
    return smscodeError(reply, 'FORBIDDEN', 'this needs a signed-in session; an API key may not do it');
}

/** The audit actor for a request: the authenticated account, the request id and the client address. */
export function actorOf(request: FastifyRequest): AuditActor {
  const base = { requestId: request.id, ip: request.ip };
  return request.principal
    ? { kind: 'account', accountId: request.principal.accountId, ...base }
    : { kind: 'system', ...base };
}
