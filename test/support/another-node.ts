/**
 * Another node of the same deployment, for tests of what must hold on every node: its own context, pool
 * and caches on the same database, with the deployment's one secret and one bus (what Redis pub/sub is
 * between real nodes).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/app-context.ts';
import type { ContextParts } from '../../src/runtime/create-context.ts';
import { createTestApp } from './test-app.ts';
import { contextOn } from './test-database.ts';

export async function anotherNode(
  ctx: AppContext & { url: string },
  env: NodeJS.ProcessEnv = {},
  parts: Partial<ContextParts> = {},
): Promise<{ ctx: AppContext & { url: string }; app: FastifyInstance }> {
  const other = await contextOn(ctx.url, { ...env, NUMPOOL_SECRET: ctx.secret }, { bus: ctx.bus, ...parts });
  return { ctx: other, app: await createTestApp(other) };
}
