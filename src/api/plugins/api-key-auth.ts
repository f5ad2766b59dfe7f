/**
 * Bearer API-key authentication for the SMSCode surfaces. Runs on onRequest, before body parsing and
 * validation, so a request without a valid key is always answered 401 first.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey, type Principal } from '../../accounts/authenticate-api-key.ts';
import type { AppContext } from '../../app-context.ts';
import { isDomainError } from '../../platform/errors.ts';
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

export function requireApiKey(ctx: AppContext) {
  return async function apiKeyAuth(request: FastifyRequest, reply: FastifyReply) {
    const key = bearerKey(request.headers.authorization);
    if (!key) return smscodeError(reply, 'UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    try {
      request.principal = await authenticateApiKey({ ctx, input: { key } });
    } catch (error) {
      if (isDomainError(error) && error.code === 'UNAUTHORIZED') {
        return smscodeError(reply, 'UNAUTHORIZED', 'invalid API key');
      }
      throw error;
    }
  };
}

/** The authenticated principal; only for routes behind requireApiKey. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is not behind requireApiKey');
  return request.principal;
}
