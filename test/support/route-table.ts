/**
 * Every route a surface serves, for suites that must cover all of them: the operations of /openapi.json
 * and, for routes hidden from the document, the router's own tree (app.printRoutes). Routes are written
 * as the document writes them: `PATCH /api/keys/{id}`. HEAD (answered by every GET) is left out.
 */
import type { FastifyInstance } from 'fastify';

const TREE_LINE = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/;

/** The router's routes, from its printed tree (each line a path segment below its parent's). */
export function printedRoutes(app: FastifyInstance): string[] {
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + match[2]!;
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter((m) => m && m !== 'HEAD'))
      routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}

/** The operations of the OpenAPI document. */
export async function documentedRoutes(app: FastifyInstance): Promise<string[]> {
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Every route under the prefix, documented or not, sorted. */
export async function routesUnder(app: FastifyInstance, prefix: string): Promise<string[]> {
  const all = new Set([...(await documentedRoutes(app)), ...printedRoutes(app)]);
  return [...all].filter((route) => route.split(' ')[1]!.startsWith(`${prefix}/`)).sort();
}

/** A route's path with its parameters filled in. */
export function fill(
  route: string,
  values: Record<string, string | number>,
): { method: string; url: string } {
  const [method, path] = route.split(' ') as [string, string];
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${route}`);
    return encodeURIComponent(String(value));
  });
  return { method, url };
}
