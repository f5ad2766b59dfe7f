/**
 * The one node:http server behind every persona. It routes by the first path segment: `/control/...` to the
 * control API, `/<persona>/...` to that persona's protocol surface (after counting the request and applying
 * the persona's fault), `/` to a small index. No framework: the routing is a handful of comparisons and the
 * hot bodies are cached strings.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleControl } from './control-api.ts';
import { applyFault, type HeldResponses } from './faults.ts';
import { fivesimAction, handleFivesimRequest } from './fivesim-server.ts';
import { HANDLER_PATH, handleHandlerRequest, handlerAction, handlerParams } from './handler-server.ts';
import { BodyTooLarge, json, type Reply, readBody, send, text } from './http-io.ts';
import type { Persona } from './persona.ts';
import type { SimLogger } from './types.ts';

export interface SimServerDeps {
  personas: ReadonlyMap<string, Persona>;
  held: HeldResponses;
  log: SimLogger | undefined;
}

function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export function createSimServer(deps: SimServerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        send(res, text('body too large', 413));
        return;
      }
      deps.log?.warn({ err: error, url: req.url }, 'sim request failed');
      send(res, text('internal error', 500));
    });
  });
  // Clients that stop reading must not keep a socket (and close()) waiting.
  server.keepAliveTimeout = 5000;
  return server;
}

async function handle(deps: SimServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.local');
  const segments = pathSegments(url.pathname);
  const method = req.method ?? 'GET';
  const [first, ...rest] = segments;

  if (first === undefined) {
    send(res, index(deps.personas));
    return;
  }
  if (first === 'control') {
    const body = await readBody(req);
    send(res, handleControl(deps.personas, method, rest, body));
    return;
  }
  const persona = deps.personas.get(first);
  if (!persona) {
    send(res, json({ error: `no persona ${first}` }, 404));
    return;
  }

  const body = await readBody(req);
  if (persona.config.protocol === 'handler') {
    if (`/${rest.join('/')}` !== HANDLER_PATH) {
      send(res, text('Not Found', 404));
      return;
    }
    const params = handlerParams(url.search, body, req.headers['content-type']);
    const action = handlerAction(params);
    persona.countRequest(action);
    if ((await applyFault(persona, req, res, deps.held)) === 'answered') return;
    const reply =
      method === 'GET' || method === 'POST'
        ? handleHandlerRequest(persona, params, req.headers)
        : text('Method Not Allowed', 405);
    respond(deps, persona, action, res, reply);
    return;
  }

  if (rest[0] !== 'v1') {
    send(res, text('404 page not found', 404));
    return;
  }
  const action = fivesimAction(rest.slice(1));
  persona.countRequest(action);
  if ((await applyFault(persona, req, res, deps.held)) === 'answered') return;
  respond(
    deps,
    persona,
    action,
    res,
    handleFivesimRequest(persona, method, rest.slice(1), url.searchParams, req.headers),
  );
}

function respond(
  deps: SimServerDeps,
  persona: Persona,
  action: string,
  res: ServerResponse,
  reply: Reply,
): void {
  send(res, reply);
  deps.log?.debug({ persona: persona.name, action, status: reply.status }, 'sim request');
}

function index(personas: ReadonlyMap<string, Persona>): Reply {
  return json({
    service: 'numpool provider simulator',
    control: '/control/personas',
    personas: [...personas.values()].map((p) => ({
      name: p.name,
      protocol: p.config.protocol,
      baseUrl: p.baseUrl,
    })),
  });
}
