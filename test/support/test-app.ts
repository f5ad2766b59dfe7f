import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { AppContext } from '../../src/app-context.ts';

export async function createTestApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = await buildApp(ctx);
  await app.ready();
  afterAll(() => app.close());
  return app;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** What the SMSCode SDKs send on every request, GETs included. */
export const sdkHeaders = (key: string) => ({
  ...bearer(key),
  'content-type': 'application/json',
  accept: 'application/json',
});
