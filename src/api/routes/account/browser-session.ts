import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../../../audit/audit-actor.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';

/** The signed-in session behind a request; only for routes behind requireSession. */
export function browserSessionOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.sessionId === undefined) throw new Error('route is not behind requireSession');
  const actor: AuditActor & { ip: string } = { ...actorOf(request), ip: request.ip };
  return { accountId: principal.accountId, sessionId: principal.sessionId, actor };
}

export const userAgentOf = (request: FastifyRequest) => request.headers['user-agent'];
