/**
 * buildApp assembles the HTTP surface without listening: tests use app.inject(), server.ts listens.
 */

import { randomUUID } from 'node:crypto';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { AppContext } from '../app-context.ts';
import { handlerApiRoutes } from './compat/handler/handler-route.ts';
import { registerClosingSignal } from './plugins/closing-signal.ts';
import { COMPRESSION } from './plugins/compression.ts';
import { registerCsrf } from './plugins/csrf.ts';
import { acceptEmptyJsonBodies } from './plugins/json-body.ts';
import { registerLoadShedding } from './plugins/load-shedding.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { refuseNulCharacters } from './plugins/refuse-nul.ts';
import { registerRequestLimits } from './plugins/request-limits.ts';
import { SECURITY_HEADERS } from './plugins/security-headers.ts';
import { sharedSerializers } from './plugins/shared-serializers.ts';
import { handleSmscodeError, handleSmscodeNotFound } from './plugins/smscode-errors.ts';
import { accountRoutes } from './routes/account/index.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { paymentNotificationRoutes } from './routes/hooks/payment-notifications.ts';
import { providerPushRoutes } from './routes/hooks/provider-push.ts';
import { deliveryRoutes } from './routes/native/deliveries.ts';
import { smscodeRoutes } from './routes/smscode/index.ts';
import { systemRoutes } from './routes/system.ts';
import { numberKeywords } from './schemas/numbers.ts';
import { mountWeb, WEB_DIST } from './web/mount-web.ts';
import type { SandboxHint } from './web/web-locals.ts';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildApp(
  ctx: AppContext,
  options: {
    version?: string;
    /** The web app's build (default web/dist); false serves the API alone. */
    webDist?: string | false;
    /** Sandbox mode: the demo accounts the login page names. */
    sandbox?: SandboxHint;
  } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Ids are always ours: a client-supplied X-Request-Id is not trusted to be unique.
    requestIdHeader: false,
    // The client's address (limits, throttling, audit) comes from X-Forwarded-For only via a listed proxy.
    trustProxy: ctx.config.trustProxy.length > 0 ? ctx.config.trustProxy : false,
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    return503OnClosing: true,
    // Request bodies are closed objects: an unknown field is a 422, not silently dropped.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
      plugins: [numberKeywords],
    },
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers() } },
    // A URL Fastify cannot decode is answered like any other bad request.
    frameworkErrors: (error, request, reply) => {
      handleSmscodeError(error, request as FastifyRequest, reply as FastifyReply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode }, 'request');
  });
  registerClosingSignal(app);
  acceptEmptyJsonBodies(app);
  refuseNulCharacters(app);
  app.setErrorHandler(handleSmscodeError);
  app.setNotFoundHandler(handleSmscodeNotFound);
  await app.register(fastifyHelmet, SECURITY_HEADERS);
  // Shedding first: under load a request is refused before it costs a key lookup.
  await registerLoadShedding(app, ctx);
  const limits = await registerRequestLimits(app, ctx);

  await app.register(fastifyCookie);
  await registerCsrf(app, ctx);
  await app.register(fastifyCompress, COMPRESSION);
  await registerOpenApi(app, options.version ?? '0.0.0');
  await app.register(systemRoutes, { ctx });
  for (const version of ['v1', 'v2'] as const)
    await app.register(smscodeRoutes, { prefix: `/${version}`, ctx, limits, version });
  await app.register(adminRoutes, { prefix: '/admin/api', ctx, limits });
  await app.register(deliveryRoutes, { prefix: '/api', ctx, limits });
  await app.register(accountRoutes, { prefix: '/api', ctx, limits });
  await app.register(providerPushRoutes, { ctx });
  await app.register(paymentNotificationRoutes, { ctx });
  await app.register(handlerApiRoutes, { ctx, limits });
  if (options.webDist !== false)
    await mountWeb(app, ctx, options.webDist ?? WEB_DIST, options.sandbox ?? null);
  return app;
}
