import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies with Fastify's safe parser, except that an empty body is accepted as "no body": the SMSCode
 * SDKs send Content-Type: application/json on every request, including body-less POSTs.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}
