/**
 * Schema-driven fuzzing: every operation in /openapi.json, the provider hook and every handler-API action
 * get valid, hostile, missing and duplicated parameters. Whatever arrives, nothing answers a 5xx, and a
 * refusal is in the surface's own format. FUZZ_RUNS sets the total number of requests (default 2,000).
 */

import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/api/compat/handler/handler-actions.ts';
import { HANDLER_TOKENS } from '../../src/api/compat/handler/handler-reply.ts';
import { SMSCODE_ERROR_CODES, SMSCODE_STATUS } from '../../src/api/plugins/smscode-errors.ts';
import { isApiPath } from '../../src/api/web/mount-web.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';
import { anyValue, hostileValue, type JsonSchema, urlText, validValue } from './hostile-values.ts';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 2000);
const HANDLER_SHARE = 0.25;
const HOOK_SHARE = 0.03;

const ctx = await createTestContext();
const app = await createTestApp(ctx);
const customer = await createCustomer(ctx, { balance: 1_000_000 });
const admin = await createCustomer(ctx, { role: 'admin' });

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }
    >
  >;
};
const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content['application/json']?.schema,
  })),
);
// Hidden from the document, reachable by anyone.
const hook: Operation = {
  method: 'POST',
  path: '/hooks/providers/{provider}',
  parameters: [
    { in: 'path', name: 'provider', required: true, schema: { type: 'string', pattern: '^[a-z0-9]{1,8}$' } },
    { in: 'query', name: 'secret', schema: { type: 'string' } },
  ],
  body: {
    type: 'object',
    properties: {
      activationId: { type: 'string' },
      text: { type: 'string' },
      code: { type: 'string' },
      receivedAt: { type: 'string' },
    },
  },
};

let sent = 0;

/** inject, with a guard so a request that never ends fails the test instead of hanging it. */
async function send(options: InjectOptions) {
  sent += 1;
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer: ${JSON.stringify(options).slice(0, 300)}`)),
      15_000,
    );
  });
  try {
    return await Promise.race([app.inject(options), guard]);
  } finally {
    clearTimeout(timer);
  }
}

interface Slot {
  value: unknown;
  duplicate: boolean;
  raw: boolean;
}
interface FuzzRequest {
  path: Slot[];
  query: Slot[];
  extraQuery: [string, unknown] | null;
  idempotencyKey: string | null;
  body: string | undefined;
  auth: 'own' | 'none' | 'other' | 'malformed';
}

/** How values are drawn: all valid (to reach the domain verbs) or any mix of valid, hostile and absent. */
type Draw = (schema: JsonSchema) => fc.Arbitrary<unknown>;
const valid: Draw = (schema) => fc.option(validValue(schema), { nil: undefined, freq: 3 });

const slot = (schema: JsonSchema, draw: Draw): fc.Arbitrary<Slot> =>
  fc.record({
    value: draw(schema),
    duplicate: draw === valid ? fc.constant(false) : fc.nat(9).map((n) => n === 0),
    raw: fc.boolean(),
  });
const slots = (operation: Operation, where: Parameter['in'], draw: Draw): fc.Arbitrary<Slot[]> =>
  fc.tuple(...operation.parameters.filter((p) => p.in === where).map((p) => slot(p.schema, draw)));

const bodyText = (operation: Operation, draw: Draw): fc.Arbitrary<string | undefined> => {
  const properties = Object.entries(operation.body?.properties ?? {});
  const fields = fc.tuple(
    ...properties.map(([, schema]) => draw(schema)),
    draw === valid ? fc.constant(null) : fc.option(hostileValue),
  );
  const object = fields.map((values) => {
    const entries = properties
      .map(([name], i) => [name, values[i]] as const)
      .filter(([, value]) => value !== undefined);
    const extra = values[properties.length];
    return JSON.stringify(Object.fromEntries(extra === null ? entries : [...entries, ['unexpected', extra]]));
  });
  const duplicated = fc
    .tuple(
      fc.constantFrom(...(properties.length ? properties.map(([name]) => name) : ['id'])),
      hostileValue,
      hostileValue,
    )
    .map(
      ([name, a, b]) =>
        `{${JSON.stringify(name)}:${JSON.stringify(a ?? null)},${JSON.stringify(name)}:${JSON.stringify(b ?? null)}}`,
    );
  const odd = fc.oneof(
    hostileValue.map((value) => JSON.stringify(value ?? null)),
    fc.constantFrom('', 'not json', '{', '{"a":', '[]', 'null', '"\\u0000"', '{"id":"\\ud800"}', '1e309'),
  );
  if (draw === valid) return operation.body ? object : fc.constant(undefined);
  return operation.body
    ? fc.oneof(
        { weight: 6, arbitrary: object },
        { weight: 1, arbitrary: duplicated },
        { weight: 1, arbitrary: odd },
      )
    : fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: odd });
};

const requestFor = (operation: Operation): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(
    { weight: 1, arbitrary: requestDrawn(operation, valid) },
    { weight: 2, arbitrary: requestDrawn(operation, anyValue) },
  );

const requestDrawn = (operation: Operation, draw: Draw): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    path: slots(operation, 'path', draw),
    query: slots(operation, 'query', draw),
    extraQuery: fc.option(
      fc.tuple(fc.constantFrom('x', 'api_key', '__proto__', 'constructor', 'a[b]'), hostileValue),
    ),
    idempotencyKey: fc.option(
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/),
        fc.constantFrom('', 'a b', 'x'.repeat(300), '!"#'),
      ),
    ),
    body: bodyText(operation, draw),
    auth: fc.constantFrom<FuzzRequest['auth'][]>(
      'own',
      'own',
      'own',
      'own',
      'own',
      'none',
      'other',
      'malformed',
    ),
  });

type Built = {
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  opensStream: boolean;
};

function build(operation: Operation, request: FuzzRequest): Built {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  let url = operation.path;
  pathParams.forEach((param, i) => {
    const { value, raw } = request.path[i]!;
    url = url.replace(`{${param.name}}`, value === undefined ? '' : urlText(value, raw));
  });
  const pairs: string[] = [];
  let opensStream = operation.path === '/v2/stream';
  queryParams.forEach((param, i) => {
    const { value, duplicate, raw } = request.query[i]!;
    if (value === undefined) return;
    const text = urlText(value, raw);
    pairs.push(`${param.name}=${text}`);
    if (duplicate) pairs.push(`${param.name}=${text}`);
    // The stream answers only once it is closed: send it nothing Ajv would accept.
    const plain = typeof value === 'string' ? value : JSON.stringify(value);
    const accepted =
      !duplicate && plain.trim() !== '' && Number.isSafeInteger(Number(plain)) && Number(plain) >= 0;
    if (param.name === 'last_event_id' && !accepted) opensStream = false;
  });
  if (request.extraQuery) pairs.push(`${request.extraQuery[0]}=${urlText(request.extraQuery[1], false)}`);
  if (pairs.length) url += `?${pairs.join('&')}`;
  const own = operation.path.startsWith('/admin') ? admin.apiKey : customer.apiKey;
  const headers: Record<string, string> = {};
  if (request.auth === 'own') Object.assign(headers, bearer(own));
  if (request.auth === 'other')
    Object.assign(headers, bearer(own === admin.apiKey ? customer.apiKey : admin.apiKey));
  if (request.auth === 'malformed') headers.authorization = 'Bearer \u0001';
  if (request.auth !== 'own' && request.auth !== 'other') opensStream = false;
  if (request.idempotencyKey !== null) headers['idempotency-key'] = request.idempotencyKey;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  return { url, headers, payload: request.body, opensStream };
}

/** The path the server sees: inject, like every HTTP client that is not told otherwise, resolves `..`. */
const resolvedPath = (url: string) => new URL(url, 'http://numpool.test').pathname;

function expectSmscodeAnswer(response: Awaited<ReturnType<typeof send>>, url: string, what: string) {
  expect(response.statusCode, `${what} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.statusCode < 400) return;
  // Dot segments can lead out of the API: there the web app answers in its own terms (a page, or its
  // refusal of a form post from nowhere), never with a 5xx.
  if (!isApiPath(resolvedPath(url))) return;
  expect(response.headers['content-type'], what).toMatch(/^application\/json/);
  const body = response.json();
  expect(Object.keys(body), what).toEqual(['success', 'error']);
  expect(body.success, what).toBe(false);
  expect(SMSCODE_ERROR_CODES, what).toContain(body.error.code);
  expect(typeof body.error.message, what).toBe('string');
  expect(response.statusCode, what).toBe(SMSCODE_STATUS[body.error.code as keyof typeof SMSCODE_STATUS]);
}

const routeRuns = Math.ceil((TOTAL * (1 - HANDLER_SHARE - HOOK_SHARE)) / operations.length);
const timeoutFor = (runs: number) => Math.max(30_000, runs * 100);

describe('every operation in /openapi.json', () => {
  it('is fuzzed, with at least the routes of each surface', () => {
    const prefixes = new Set(operations.map((o) => o.path.split('/')[1]));
    expect([...prefixes].sort()).toEqual(expect.arrayContaining(['admin', 'api', 'v1', 'v2']));
  });

  it('declares every request number finite, so a bound can refuse Infinity', () => {
    const unchecked: string[] = [];
    const visit = (schema: JsonSchema | undefined, where: string) => {
      if (!schema) return;
      const types = [schema.type].flat();
      if (
        (types.includes('integer') || types.includes('number')) &&
        !(schema as Record<string, unknown>)['x-finite']
      )
        unchecked.push(where);
      for (const [name, child] of Object.entries(schema.properties ?? {})) visit(child, `${where}.${name}`);
      for (const child of schema.anyOf ?? []) visit(child, where);
    };
    for (const operation of operations) {
      const name = `${operation.method} ${operation.path}`;
      for (const param of operation.parameters) visit(param.schema, `${name} ${param.in} ${param.name}`);
      visit(operation.body, `${name} body`);
    }
    expect(unchecked).toEqual([]);
  });

  it.each([...operations, hook].map((o) => [`${o.method} ${o.path}`, o] as const))(
    '%s never answers a 5xx and refuses in the SMSCode envelope',
    async (name, operation) => {
      const runs = operation === hook ? Math.ceil(TOTAL * HOOK_SHARE) : routeRuns;
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async (request) => {
          const built = build(operation, request);
          fc.pre(!built.opensStream);
          const response = await send({
            method: operation.method as 'GET',
            url: built.url,
            headers: built.headers,
            ...(built.payload === undefined ? {} : { payload: built.payload }),
          });
          expectSmscodeAnswer(
            response,
            built.url,
            `${name}: ${operation.method} ${built.url} ${built.payload ?? ''}`,
          );
        }),
        { numRuns: runs, maxSkipsPerRun: 100 },
      );
    },
    timeoutFor(routeRuns),
  );
});

const actionNames = Object.keys(ACTIONS);
const HANDLER_PARAMS: Record<string, fc.Arbitrary<unknown>> = {
  id: fc.oneof(
    fc.constantFrom('1', '0', '-1', '2147483647', '2147483648', '1e309', 'Infinity', '0x1'),
    hostileValue,
  ),
  status: fc.oneof(fc.constantFrom('1', '3', '6', '8', '-1', '1e309', ' 6'), hostileValue),
  service: fc.oneof(fc.constantFrom('wa', 'tg', 'go', 'any', 'full'), hostileValue),
  country: fc.oneof(fc.constantFrom('0', '6', '-1', '1e309', 'Infinity', '2147483648'), hostileValue),
  operator: fc.oneof(fc.constantFrom('any', 'telkomsel', 'a,b', ''), hostileValue),
  maxPrice: fc.oneof(
    fc.constantFrom('0', '0.5', '1e309', '99999999999999999999', '-1', 'Infinity', '1.'),
    hostileValue,
  ),
  max_price: hostileValue,
  phoneException: fc.oneof(fc.constantFrom('62811,+62812', '1'.repeat(20), ',', '62\u0000'), hostileValue),
  start: fc.oneof(fc.constantFrom('0', '-1', '1e309', '2147483647', '9999999999'), hostileValue),
  end: fc.oneof(fc.constantFrom('0', '1e309', '2147483647'), hostileValue),
  limit: fc.oneof(fc.constantFrom('0', '-1', '100', '1e309'), hostileValue),
  size: fc.oneof(fc.constantFrom('0', '-1', '100', '1e309', '2147483647'), hostileValue),
  offset: fc.oneof(fc.constantFrom('0', '-1', '1e309', '2147483647'), hostileValue),
  errors: fc.constantFrom('json', 'plain', 'JSON', ''),
  ref: hostileValue,
  forward: hostileValue,
};

const handlerRequest = fc.record({
  action: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...actionNames) },
    { weight: 1, arbitrary: hostileValue },
  ),
  key: fc.constantFrom('query', 'query', 'form', 'header', 'authorization', 'none', 'bad', 'admin'),
  params: fc
    .dictionary(fc.constantFrom(...Object.keys(HANDLER_PARAMS)), fc.constant(null), { maxKeys: 6 })
    .chain((picked) =>
      fc.record(Object.fromEntries(Object.keys(picked).map((name) => [name, HANDLER_PARAMS[name]!]))),
    ),
  transport: fc.constantFrom('get', 'get', 'form', 'form-and-query', 'json'),
  duplicate: fc.boolean(),
});

type HandlerRequest = typeof handlerRequest extends fc.Arbitrary<infer T> ? T : never;

function handlerCall(request: HandlerRequest) {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
  const params: Array<[string, string]> = Object.entries(request.params).map(([k, v]) => [k, text(v)]);
  params.push(['action', text(request.action)]);
  const headers: Record<string, string> = {};
  if (request.key === 'query' || request.key === 'form') params.push(['api_key', customer.apiKey]);
  if (request.key === 'admin') params.push(['api_key', admin.apiKey]);
  if (request.key === 'bad') params.push(['api_key', '\u0000ff']);
  if (request.key === 'header') headers['x-apikey'] = customer.apiKey;
  if (request.key === 'authorization') headers.authorization = `ApiKey ${customer.apiKey}`;
  if (request.duplicate && params.length) params.push(params[0]!);
  const encoded = params.map(([k, v]) => `${encodeURIComponent(k)}=${urlText(v, false)}`).join('&');
  const jsonErrors = params.some(([k, v]) => k === 'errors' && v === 'json');
  if (request.transport === 'get')
    return { method: 'GET' as const, url: `/stubs/handler_api.php?${encoded}`, headers, jsonErrors };
  if (request.transport === 'json')
    return {
      method: 'POST' as const,
      url: `/stubs/handler_api.php?${encoded}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(Object.fromEntries(params)),
      jsonErrors,
    };
  return {
    method: 'POST' as const,
    url: request.transport === 'form' ? '/stubs/handler_api.php' : `/stubs/handler_api.php?${encoded}`,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: encoded,
    jsonErrors,
  };
}

describe('the handler API', () => {
  const runs = Math.ceil(TOTAL * HANDLER_SHARE);
  it(
    'answers every action and any parameters in its own protocol, never a 5xx or ERROR_SQL',
    async () => {
      await fc.assert(
        fc.asyncProperty(handlerRequest, async (request) => {
          const { jsonErrors, ...call } = handlerCall(request);
          const response = await send(call);
          const what = `${call.method} ${call.url} ${call.payload ?? ''} → ${response.statusCode} ${response.body.slice(0, 200)}`;
          expect(response.statusCode, what).toBeLessThan(500);
          expect(response.headers['content-type'], what).toMatch(
            /^(text\/plain|application\/json); charset=utf-8$/,
          );
          expect(response.body, what).not.toMatch(/^ERROR_SQL|SERVER_ERROR/);
          if (response.statusCode >= 400) {
            // Only the JSON-error dialect has statuses; its body is {"title","details"}.
            const body = response.json();
            expect(Object.keys(body).sort(), what).toEqual(['details', 'title']);
            expect([...HANDLER_TOKENS, 'UNPROCESSABLE_ENTITY'], what).toContain(body.title);
          } else if (!jsonErrors && response.headers['content-type']?.startsWith('text/plain')) {
            const token = response.body.split(':')[0]!;
            if (/^[A-Z_]+$/.test(token) && !/^(ACCESS|STATUS|FULL_SMS)/.test(token))
              expect(HANDLER_TOKENS, what).toContain(token);
          }
        }),
        { numRuns: runs },
      );
    },
    timeoutFor(runs),
  );
});

describe('the fuzz run', () => {
  it(`sent at least FUZZ_RUNS (${TOTAL}) requests`, () => {
    expect(sent).toBeGreaterThanOrEqual(TOTAL);
  });
});
