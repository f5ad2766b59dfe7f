import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3.1 generated from the route schemas; served at /openapi.json, interactive docs at /docs. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'numpool API',
        version,
        description:
          'SMS verification: rent a temporary number, receive the one-time code, pay only when an SMS arrives. ' +
          '/v1 speaks integer IDR, /v2 the same in USD with an FX receipt.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: '32-hex API key' } },
      },
      tags: [
        { name: 'catalog', description: 'Countries, services, products' },
        { name: 'account', description: 'Balance' },
        { name: 'orders', description: 'Rent numbers, receive codes, finish, cancel, resend' },
        { name: 'webhooks', description: 'Webhook configuration, delivery log, event stream' },
        { name: 'handler', description: 'Settings of the SMS-Activate-compatible /stubs/handler_api.php' },
        { name: 'system', description: 'Health and documentation' },
        { name: 'admin', description: 'Operators: providers, markup, exchange rates (admin API key)' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
