/**
 * Bearer API-key authentication for the SMSCode surfaces. Runs on onRequest, before body parsing and
 * validation, so a request without a valid key is always answered 401 first — unless its address has
 * spent its rate-limit budget, then 429: the request is counted (per key, or per address without a
 * valid one) between resolving the key and refusing it, so guessing keys is throttled too.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey, type Principal } from '../../accounts/authenticate-api-key.ts';
import type { AppContext } from '../../app-context.ts';
import { isDomainError } from '../../platform/errors.ts';
import type { RequestLimits } from './request-limits.ts';
import { routeWeight } from './request-weights.ts';
import { smscodeError } from './smscode-errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function bearerKey(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

async function authenticated(ctx: AppContext, key: string): Promise<Principal | undefined> {
  try {
    return await authenticateApiKey({ ctx, input: { key } });
  } catch (error) {
    if (isDomainError(error) && error.code === 'UNAUTHORIZED') return undefined;
    throw error;
  }
}

export function requireApiKey(ctx: AppContext, limits: RequestLimits) {
  return async function apiKeyAuth(request: FastifyRequest, reply: FastifyReply) {
    const key = bearerKey(request.headers.authorization);
    request.principal = key ? await authenticated(ctx, key) : undefined;
    // A refused request does no work: it costs its address one point, whatever route it named.
    await limits.spend(request, reply, request.principal ? routeWeight(request) : 1);
    if (!key) return smscodeError(reply, 'UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    if (!request.principal) return smscodeError(reply, 'UNAUTHORIZED', 'invalid API key');
  };
}

/** The authenticated principal; only for routes behind requireApiKey. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is not behind requireApiKey');
  return request.principal;
}
