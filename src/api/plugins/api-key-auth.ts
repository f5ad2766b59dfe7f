/**
 * Bearer API-key authentication for the SMSCode surfaces. Runs on onRequest, before body parsing and
 * validation, so a request without a valid key is always answered 401 first — unless its address has
 * spent its rate-limit budget, then 429: the request is counted (per key, or per address without a
 * valid one) between resolving the key and refusing it, so guessing keys is throttled too.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_CHANGES } from '../../accounts/api-key-cache.ts';
import type { ApiScope } from '../../accounts/api-scopes.ts';
import { ADDRESS_REFUSED, authenticateApiKey, type Principal } from '../../accounts/authenticate-api-key.ts';
import { resolveSession } from '../../accounts/sessions/resolve-session.ts';
import type { AppContext } from '../../app-context.ts';
import type { SpendingKey } from '../../orders/provision-order.ts';
import { isDomainError } from '../../platform/errors.ts';
import type { RequestLimits } from './request-limits.ts';
import { routeWeight } from './request-weights.ts';
import { sessionTokenOf } from './session-cookie.ts';
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

/**
 * The key's principal; undefined for a key that is not valid; 'address' for a valid key used from outside
 * its allowlist.
 */
export async function principalForKey(
  ctx: AppContext,
  key: string,
  ip: string,
): Promise<Principal | 'address' | undefined> {
  try {
    return await authenticateApiKey({ ctx, input: { key, ip } });
  } catch (error) {
    if (isDomainError(error) && error.code === 'UNAUTHORIZED') return undefined;
    if (isDomainError(error) && error.code === 'FORBIDDEN') return 'address';
    throw error;
  }
}

export function requireApiKey(ctx: AppContext, limits: RequestLimits) {
  return async function apiKeyAuth(request: FastifyRequest, reply: FastifyReply) {
    const key = bearerKey(request.headers.authorization);
    const found = key ? await principalForKey(ctx, key, request.ip) : undefined;
    request.principal = found === 'address' ? undefined : found;
    // A refused request does no work: it costs its address one point, whatever route it named. A key
    // refused for its address is counted like a wrong key, against the address and not the key.
    await limits.spend(request, reply, request.principal ? routeWeight(request) : 1);
    if (!key) return smscodeError(reply, 'UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    if (found === 'address') return smscodeError(reply, 'FORBIDDEN', ADDRESS_REFUSED);
    if (!request.principal) return smscodeError(reply, 'UNAUTHORIZED', 'invalid API key');
  };
}

/** The authenticated principal; only for routes behind requireApiKey. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is not behind requireApiKey');
  return request.principal;
}

/** The key a create is charged to, for its daily spend limit (none for a session). */
export function spendingKeyOf(principal: Principal): SpendingKey | undefined {
  return principal.apiKeyId === undefined
    ? undefined
    : { id: principal.apiKeyId, limited: principal.dailySpendLimit !== null };
}

export interface KeyWatch {
  /** Checks the key again now (a periodic check bounds the wait should a change message be lost). */
  check(): void;
  stop(): void;
}

/**
 * For a request that outlives its authentication (an event stream): calls `lost` once, when the key it
 * came with is no longer good for `scope` from its address — revoked, narrowed, allowlisted elsewhere, its
 * account disabled — whichever node made the change. Every key change is heard on the bus, and the key
 * cache, subscribed first, has evicted the changed keys by then: an unchanged key checks against the
 * cache, a changed one against the database.
 */
export function watchKey(
  ctx: AppContext,
  request: FastifyRequest,
  scope: ApiScope,
  lost: () => void,
): KeyWatch {
  const key = bearerKey(request.headers.authorization);
  // A stream opened by a signed-in page lasts as long as its session (checked on each heartbeat).
  const session = key ? undefined : sessionTokenOf(request);
  let done = false;
  const stop = () => {
    done = true;
    unsubscribe();
  };
  const check = () => {
    if (done) return;
    if (session)
      return void resolveSession({ ctx, input: { token: session } }).then(
        (found) => {
          if (done || found) return;
          stop();
          lost();
        },
        (error: unknown) => request.log.warn({ err: error }, 'could not check a session again'),
      );
    if (!key) return;
    principalForKey(ctx, key, request.ip).then(
      (found) => {
        if (done || (found !== undefined && found !== 'address' && found.scopes.includes(scope))) return;
        stop();
        lost();
      },
      (error: unknown) => request.log.warn({ err: error }, 'could not check an API key again'),
    );
  };
  const unsubscribe = ctx.bus.subscribe(API_KEY_CHANGES, check);
  return { check, stop };
}
