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
 * surface answers it in its own error format.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    for (const [part, value] of [
      ['path', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      if (holdsNul(value))
        throw new DomainError('VALIDATION_ERROR', `${part} must not contain NUL characters`);
    }
  });
}
