import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors.ts';

/** True when a string anywhere in the value (keys included) holds U+0000. Depth is bounded by the body limit. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
  return false;
}

/**
 * No request text may contain a NUL character: PostgreSQL cannot store one in text or jsonb, and no
 * protocol we speak needs it. One rule for every route (path, query and body), before validation, so each
 * surface answers it in its own error format. An SMS a provider pushes is the exception in its body: it is
 * the provider's text, not a request, and ingestion drops control characters from it (refusing it would
 * only make the provider push it again and again).
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const pushedSms = request.routeOptions.url === '/hooks/providers/:provider';
    for (const [part, value] of [
      ['path', request.params],
      ['query', request.query],
      ['body', pushedSms ? undefined : request.body],
    ] as const) {
      if (holdsNul(value))
        throw new DomainError('VALIDATION_ERROR', `${part} must not contain NUL characters`);
    }
  });
}
