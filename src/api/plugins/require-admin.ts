import type { FastifyReply, FastifyRequest } from 'fastify';
import { smscodeError } from './smscode-errors.ts';

/** After requireApiKey: only admin accounts pass. */
export async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
  if (request.principal?.role !== 'admin') return smscodeError(reply, 'FORBIDDEN', 'admin role required');
}
