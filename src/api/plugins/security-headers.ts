/**
 * Security headers on every response, errors and the handler API's plain text included (@fastify/helmet).
 * The API's answers are data, never pages: nothing may frame them, sniff their type or send a referrer.
 * The API docs (/docs, Swagger UI) are the one page served; they load only their own scripts, styles and
 * inline images, which the policy below allows and nothing more.
 */
import type { FastifyHelmetOptions } from '@fastify/helmet';

export const SECURITY_HEADERS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  // Browsers honour HSTS only over TLS; behind a TLS proxy it keeps clients on https for a year.
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
};
