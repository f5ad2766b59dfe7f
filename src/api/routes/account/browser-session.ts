import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../../../audit/audit-actor.ts';
import { DomainError } from '../../../platform/errors.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';

/**
 * The signed-in session behind a request. Sign-in itself (logging out, the password, two-factor) is
 * managed from a session only: an API key that leaked must not be able to lock its owner out.
 */
export function browserSessionOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.sessionId === undefined)
    throw new DomainError('FORBIDDEN', 'sign-in is managed from a signed-in session, not with an API key');
  const actor: AuditActor & { ip: string } = { ...actorOf(request), ip: request.ip };
  return { accountId: principal.accountId, sessionId: principal.sessionId, actor };
}

export const userAgentOf = (request: FastifyRequest) => request.headers['user-agent'];
