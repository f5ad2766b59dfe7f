/**
 * The security of /stubs/handler_api.php, action by action. Every action in ACTIONS has a row in CASES
 * (a new action without one fails here): its success answer, its answers to bad parameters, and the
 * refusals every keyed request must give — no key, a wrong or malformed key, a revoked key, a key without
 * the action's scope, a key used from outside its allowlist (answered byte for byte like a wrong key) —
 * for the key sent each way the handler reads it, GET and POST, in both error dialects. Actions that name
 * an activation tell another account only "not found", and leave the activation as it was.
 *
 * Then what crosses actions: a key revoked on one node is refused on another; a key's daily spend limit,
 * a suspended account and an abuse-guard ban each refuse buying and nothing else; malformed keys never get
 * a 500 or an HTML page; and the logs never hold a key.
 */
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { placeAbuseBan } from '../../src/abuse/place-abuse-ban.ts';
import { API_SCOPES, type ApiScope } from '../../src/accounts/api-scopes.ts';
import { createApiKey } from '../../src/accounts/create-api-key.ts';
import { updateHandlerSettings } from '../../src/accounts/handler-settings.ts';
import { revokeApiKey } from '../../src/accounts/revoke-api-key.ts';
import { suspendAccount } from '../../src/accounts/suspend-account.ts';
import { ACTIONS } from '../../src/api/compat/handler/handler-actions.ts';
import { SYSTEM_ACTOR } from '../../src/audit/audit-actor.ts';
import { createLogger } from '../../src/platform/logger.ts';
import {
  DIALECTS,
  type Dialect,
  expectError,
  expectJson,
  expectNoCrash,
  expectText,
  FORM,
  form,
  type HandlerCustomer,
  type HandlerErrorToken,
  handlerCustomer,
  type Params,
  query,
} from '../handler/handler-client.ts';
import { deliverSms, orderWorld } from '../orders/order-fixture.ts';
import { heardOn, redisBuses } from '../support/redis-nodes.ts';
import { signIn } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { contextOn } from '../support/test-database.ts';

// Every line any node logs, at debug level: checked for keys at the end.
const lines: string[] = [];
const log = createLogger('debug', 'numpool', { write: (line: string) => lines.push(line) });
const { busA, busB } = redisBuses();
// The abuse guard is on so a ban is enforced; no account here ends enough orders to trip it.
const ENV = { NUMPOOL_ABUSE_GUARD: '1' };
const world = await orderWorld(ENV, undefined, { log, bus: busA });
const nodeB = await contextOn(
  world.ctx.url,
  { ...ENV, NUMPOOL_SECRET: world.ctx.secret },
  { bus: busB, log },
);
const appB = await createTestApp(nodeB);
const heardOnB = await heardOn(busA, busB);

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

/** Every real key made here: none may ever appear in a log line. */
const keys = new Set<string>();
const WRONG_KEY = '0123456789abcdef0123456789abcdef';
const MISSING_ID = 2_147_483_000;
const INSIDE = '203.0.113.7';
const OUTSIDE = '198.51.100.7';

// ---- how a client sends a key ------------------------------------------------------------------------

interface Request {
  key?: string | undefined;
  params: Params;
  dialect?: Dialect;
  remoteAddress?: string;
  app?: FastifyInstance;
}

type Transport = (r: Request) => Promise<Response>;

const withDialect = (r: Request): Params => ({
  ...r.params,
  ...(r.dialect === 'json' ? { errors: 'json' } : {}),
});
const send = (
  r: Request,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  payload?: string,
) =>
  (r.app ?? world.app).inject({
    method,
    url,
    headers: payload === undefined ? headers : { 'content-type': FORM, ...headers },
    ...(payload === undefined ? {} : { payload }),
    remoteAddress: r.remoteAddress ?? '127.0.0.1',
  });

/** The ways the handler accepts a key (spec §1.1), over GET and POST. */
const TRANSPORTS: Record<string, Transport> = {
  'api_key in the query (GET)': (r) => send(r, 'GET', query({ api_key: r.key, ...withDialect(r) }), {}),
  'api_key in the query (POST, no body)': (r) =>
    send(r, 'POST', query({ api_key: r.key, ...withDialect(r) }), {}),
  'api_key in a form body (POST)': (r) =>
    send(r, 'POST', query({}), {}, form({ api_key: r.key, ...withDialect(r) })),
  'Authorization: ApiKey (GET)': (r) =>
    send(r, 'GET', query(withDialect(r)), r.key === undefined ? {} : { authorization: `ApiKey ${r.key}` }),
  'X-ApiKey (POST, form body)': (r) =>
    send(r, 'POST', query({}), r.key === undefined ? {} : { 'x-apikey': r.key }, form(withDialect(r))),
};
const TRANSPORT_NAMES = Object.keys(TRANSPORTS);
const viaQuery = TRANSPORTS['api_key in the query (GET)']!;

/** The same request each way a key can come, in both dialects. */
async function everyWay(
  r: Omit<Request, 'dialect'>,
  check: (response: Response, dialect: Dialect, transport: string) => void | Promise<void>,
) {
  for (const dialect of DIALECTS)
    for (const name of TRANSPORT_NAMES) {
      const response = await TRANSPORTS[name]!({ ...r, dialect });
      expectNoCrash(response);
      await check(response, dialect, name);
    }
}

/** What a client can tell apart: status, type, body (with `id` masked), and which headers came. */
function seen(response: Response, id?: string) {
  const volatile = new Set(['date', 'x-request-id', 'request-id']);
  return {
    status: response.statusCode,
    type: response.headers['content-type'],
    body: id === undefined ? response.body : response.body.replaceAll(id, '<id>'),
    headers: Object.keys(response.headers)
      .filter((h) => !volatile.has(h))
      .sort(),
  };
}

// ---- the world -----------------------------------------------------------------------------------------

const actor = (accountId: number) => ({ kind: 'account' as const, accountId });

async function newKey(
  accountId: number,
  settings: { scopes?: ApiScope[]; ipAllowlist?: string[]; dailySpendLimit?: number } = {},
) {
  const created = await createApiKey({
    ctx: world.ctx,
    input: { actor: actor(accountId), accountId, settings: { name: 'security', ...settings } },
  });
  keys.add(created.key);
  return { key: created.key, id: created.view.id };
}

async function person(balance = 1_000_000): Promise<HandlerCustomer> {
  const me = await handlerCustomer(world, balance);
  keys.add(me.apiKey);
  return me;
}

async function buy(me: HandlerCustomer): Promise<number> {
  const bought = expectText(
    await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
    /^ACCESS_NUMBER:(\d+):62\d+$/,
  );
  return Number(bought[1]);
}

const orderRow = async (id: number) =>
  (await world.ctx.db.query('SELECT * FROM orders WHERE id = $1', [id])).rows[0];
const ordersOf = async (accountId: number) =>
  (await world.ctx.db.query('SELECT id, status FROM orders WHERE account_id = $1 ORDER BY id', [accountId]))
    .rows;

const SMS = { text: 'Your WhatsApp code is 482-193', code: '482193' };
const a = await person();
const b = await person();
/** A's activation with an SMS in it, and one still waiting. */
const aSms = await buy(a);
await deliverSms(world, aSms, SMS);
const aWaiting = await buy(a);
// Past the cancel window, so a cancel by the wrong account would succeed if it were let through.
world.clock.advance((world.ctx.config.orders.minCancelSeconds + 1) * 1000);

/** Keys of A that hold every scope but one. */
const lacking: Record<ApiScope, string> = Object.fromEntries(
  await Promise.all(
    API_SCOPES.map(async (scope) => [
      scope,
      (await newKey(a.account.id, { scopes: API_SCOPES.filter((s) => s !== scope) })).key,
    ]),
  ),
);
const browserOfA = await signIn(world.ctx, world.app, a.account.id);
const allowlisted = (await newKey(a.account.id, { ipAllowlist: ['203.0.113.0/24'] })).key;

// ---- the table -----------------------------------------------------------------------------------------

interface Bad {
  what: string;
  params: Params;
  token?: HandlerErrorToken;
  value?: string;
  /** A protocol answer that is not an error token (JSON with a status field, an empty map). */
  check?: (response: Response, dialect: Dialect) => void;
}

interface Case {
  /** A request A's full key gets the success answer to. */
  params: Params;
  ok: (response: Response, dialect: Dialect) => void;
  bad: Bad[];
  /** Names an activation in `id`: another account must get "not found" for A's. */
  activation?: boolean;
}

const unavailable = (params: Params = {}): Case => ({
  params,
  // Rentals are not offered: NOT_AVAILABLE is this action's answer to a valid key.
  ok: (response, dialect) => expectError(response, dialect, 'NOT_AVAILABLE'),
  bad: [],
});
const balanceCase: Case = {
  params: {},
  ok: (response) => expectText(response, /^ACCESS_BALANCE:\d+\.\d{2}$/),
  bad: [],
};
const noActivation = (extra: Params = {}): Bad[] => [
  { what: 'a non-numeric id', params: { id: 'abc', ...extra }, token: 'NO_ACTIVATION' },
  { what: 'no id', params: { ...extra }, token: 'NO_ACTIVATION' },
  { what: 'an id that does not exist', params: { id: MISSING_ID, ...extra }, token: 'NO_ACTIVATION' },
];
const jsonAnswer = (expected: unknown) => (response: Response) =>
  expect(expectJson(response)).toEqual(expected);

const CASES: Record<string, Case> = {
  getBalance: balanceCase,
  getBalanceAndCashBack: balanceCase,
  getNumber: {
    params: { service: 'wa', country: 6 },
    ok: (response) => expectText(response, /^ACCESS_NUMBER:\d+:62\d+$/),
    bad: [
      {
        what: 'an unknown service',
        params: { service: 'no-such-service', country: 6 },
        token: 'BAD_SERVICE',
      },
      { what: 'no service', params: { country: 6 }, token: 'BAD_SERVICE' },
      { what: 'an unknown country', params: { service: 'wa', country: 'abc' }, token: 'BAD_COUNTRY' },
      {
        what: 'a maxPrice that is not a price',
        params: { service: 'wa', country: 6, maxPrice: 'cheap' },
        token: 'WRONG_MAX_PRICE',
        value: '0',
      },
    ],
  },
  getNumberV2: {
    params: { service: 'wa', country: 6 },
    ok: (response) =>
      expect(expectJson(response)).toMatchObject({
        activationId: expect.stringMatching(/^\d+$/),
        phoneNumber: expect.stringMatching(/^62\d+$/),
        countryCode: '6',
      }),
    bad: [
      {
        what: 'an unknown service',
        params: { service: 'no-such-service', country: 6 },
        token: 'BAD_SERVICE',
      },
    ],
  },
  getStatus: {
    params: { id: aSms },
    ok: (response) => expectText(response, `STATUS_OK:${SMS.code}`),
    bad: noActivation(),
    activation: true,
  },
  getStatusV2: {
    params: { id: aSms },
    ok: (response) =>
      expect(expectJson(response)).toMatchObject({
        verificationType: 0,
        sms: { code: SMS.code, text: SMS.text },
      }),
    bad: noActivation(),
    activation: true,
  },
  getFullSms: {
    params: { id: aSms },
    ok: (response) => expectText(response, `FULL_SMS:${SMS.text}`),
    bad: noActivation(),
    activation: true,
  },
  setStatus: {
    // Status 1 ("number ready") changes nothing, so every transport can repeat it.
    params: { id: aSms, status: 1 },
    ok: (response) => expectText(response, 'ACCESS_READY'),
    bad: [
      { what: 'an unknown status', params: { id: aSms, status: 9 }, token: 'BAD_STATUS' },
      { what: 'no status', params: { id: aSms }, token: 'BAD_STATUS' },
      { what: 'a word for a status', params: { id: aSms, status: 'cancel' }, token: 'BAD_STATUS' },
      ...noActivation({ status: 8 }),
    ],
    activation: true,
  },
  getActiveActivations: {
    params: {},
    ok: (response) => {
      const body = expectJson(response);
      expect(body.status).toBe('success');
      expect(body.activeActivations.map((x: { activationId: string }) => x.activationId)).toContain(
        String(aSms),
      );
    },
    bad: [
      {
        what: 'a start past the last activation',
        params: { start: 1_000_000 },
        check: jsonAnswer({ status: 'error', error: 'NO_ACTIVATIONS' }),
      },
    ],
  },
  getHistory: {
    params: {},
    ok: (response) =>
      expect(expectJson(response).map((x: { id: string }) => x.id)).toEqual(
        expect.arrayContaining([String(aSms), String(aWaiting)]),
      ),
    bad: [{ what: 'a start after the end', params: { start: 2_000_000_000, end: 1 }, check: jsonAnswer([]) }],
  },
  getPrices: {
    params: { service: 'wa', country: 6 },
    ok: (response) =>
      expect(expectJson(response)).toMatchObject({ '6': { wa: { cost: expect.any(Number) } } }),
    bad: [
      {
        what: 'an unknown service',
        params: { service: 'no-such-service' },
        check: jsonAnswer({ status: 'false', msg: 'service is incorrect' }),
      },
      {
        what: 'an unknown country',
        params: { country: 'abc' },
        check: jsonAnswer({ status: 'false', msg: 'country is incorrect' }),
      },
    ],
  },
  getNumbersStatus: {
    params: { country: 6 },
    ok: (response) => expect(expectJson(response)).toMatchObject({ wa_0: expect.stringMatching(/^\d+$/) }),
    // HeroSMS answers {} where it has nothing for the country.
    bad: [{ what: 'an unknown country', params: { country: 'abc' }, check: jsonAnswer({}) }],
  },
  getTopCountriesByService: {
    params: { service: 'wa' },
    ok: (response) => expect(expectJson(response)['0']).toMatchObject({ country: expect.any(Number) }),
    bad: [
      { what: 'an unknown service', params: { service: 'no-such-service' }, token: 'BAD_SERVICE' },
      { what: 'no service', params: {}, token: 'BAD_SERVICE' },
    ],
  },
  getCountries: {
    params: {},
    ok: (response) => expect(expectJson(response)['6']).toMatchObject({ id: 6 }),
    bad: [],
  },
  getServicesList: {
    params: {},
    ok: (response) =>
      expect(expectJson(response)).toMatchObject({
        status: 'success',
        services: expect.arrayContaining([expect.objectContaining({ code: 'wa' })]),
      }),
    bad: [],
  },
  getOperators: {
    params: { country: 6 },
    ok: (response) => expect(expectJson(response).status).toBe('success'),
    bad: [
      {
        what: 'a country without operators',
        params: { country: 99_999 },
        check: jsonAnswer({ status: 'error', error: 'OPERATORS_NOT_FOUND' }),
      },
    ],
  },
  getRentServicesAndCountries: unavailable(),
  getRentStatus: unavailable({ id: 1 }),
  getRentList: unavailable(),
  getRentNumber: unavailable({ service: 'wa', rent_time: 4 }),
  setRentStatus: unavailable({ id: 1, status: 1 }),
  continueRentNumber: unavailable({ id: 1, rent_time: 4 }),
};

/** Every action also answers its own name in the wrong case with BAD_ACTION: names are case-sensitive. */
const wrongCase = (name: string, c: Case): Bad => ({
  what: 'its name in lower case',
  params: { ...c.params, action: name.toLowerCase() },
  token: 'BAD_ACTION',
});

function expectBad(response: Response, dialect: Dialect, bad: Bad) {
  if (bad.check) return bad.check(response, dialect);
  if (dialect === 'plain')
    expectText(response, bad.value === undefined ? bad.token! : `${bad.token}:${bad.value}`);
  else expectError(response, dialect, bad.token!);
}

const refusedKey = (response: Response, dialect: Dialect) => expectError(response, dialect, 'BAD_KEY');

// ---- per action ----------------------------------------------------------------------------------------

describe('the table', () => {
  it('covers every action, and only actions that exist', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(ACTIONS).sort());
  });
});

for (const name of Object.keys(ACTIONS)) {
  const action = ACTIONS[name]!;
  const c = CASES[name];
  describe(`${name}${action.public ? ' (served without a key)' : ` (scope ${action.scope})`}`, () => {
    if (!c) {
      it('has cases', () => expect.fail(`add ${name} to CASES`));
      return;
    }
    const params = { action: name, ...c.params };

    it('answers the right key, sent every way, with its success answer', async () => {
      await everyWay({ key: a.apiKey, params }, (response, dialect) => c.ok(response, dialect));
      // Keys are issued lowercase; a client that upper-cases the hex still means the same key.
      c.ok(await viaQuery({ key: a.apiKey.toUpperCase(), params }), 'plain');
    });

    it('answers bad parameters with the protocol’s error', async () => {
      for (const bad of [...c.bad, wrongCase(name, c)])
        for (const dialect of DIALECTS)
          for (const transport of [viaQuery, TRANSPORTS['api_key in a form body (POST)']!])
            expectBad(
              await transport({ key: a.apiKey, params: { action: name, ...bad.params }, dialect }),
              dialect,
              bad,
            );
    });

    it(action.public ? 'is served without a key' : 'answers NO_KEY without a key', async () => {
      await everyWay({ params }, (response, dialect) =>
        action.public ? c.ok(response, dialect) : expectError(response, dialect, 'NO_KEY'),
      );
      // An empty key is no key; nor is a signed-in browser's session (a page on another site could make
      // the browser send it).
      const answers = [
        await viaQuery({ key: '', params }),
        await world.app.inject({ method: 'GET', url: query(params), headers: browserOfA.headers }),
        await world.app.inject({ method: 'POST', url: query(params), headers: browserOfA.headers }),
      ];
      for (const answer of answers) {
        if (action.public) c.ok(answer, 'plain');
        else expectText(answer, 'NO_KEY');
      }
    });

    it('answers BAD_KEY to unknown and malformed keys, public or not', async () => {
      const before = await ordersOf(a.account.id);
      for (const key of [
        WRONG_KEY,
        a.apiKey.slice(0, 31),
        `${a.apiKey}0`,
        'x',
        'ключ',
        a.apiKey.replace(/./, 'g'),
      ])
        await everyWay({ key, params }, refusedKey);
      expect(await ordersOf(a.account.id)).toEqual(before);
    });

    it('answers BAD_KEY to a key at once when it is revoked', async () => {
      const { key, id } = await newKey(a.account.id);
      // Used once, so this node holds it in its key cache.
      expectText(await viaQuery({ key, params: { action: 'getBalance' } }), /^ACCESS_BALANCE:/);
      expect(world.ctx.apiKeyCache.has(key)).toBe(true);
      await revokeApiKey({
        ctx: world.ctx,
        input: { actor: actor(a.account.id), accountId: a.account.id, keyId: id },
      });
      const before = await ordersOf(a.account.id);
      await everyWay({ key, params }, refusedKey);
      expect(await ordersOf(a.account.id)).toEqual(before);
    });

    if (action.scope) {
      const scope = action.scope;
      it(`answers BAD_KEY to a key with every scope but ${scope}`, async () => {
        const before = await ordersOf(a.account.id);
        await everyWay({ key: lacking[scope], params }, refusedKey);
        expect(await ordersOf(a.account.id)).toEqual(before);
        // Each other scope's absence does not matter here.
        for (const other of API_SCOPES.filter((s) => s !== scope))
          c.ok(await viaQuery({ key: lacking[other], params }), 'plain');
      });
    } else {
      it('is served to a key whatever its scopes', async () => {
        for (const scope of API_SCOPES) c.ok(await viaQuery({ key: lacking[scope], params }), 'plain');
      });
    }

    it('answers a key from outside its allowlist exactly as a wrong key', async () => {
      c.ok(await viaQuery({ key: allowlisted, params, remoteAddress: INSIDE }), 'plain');
      const before = await ordersOf(a.account.id);
      for (const dialect of DIALECTS)
        for (const transport of TRANSPORT_NAMES) {
          const send = TRANSPORTS[transport]!;
          const outside = await send({ key: allowlisted, params, dialect, remoteAddress: OUTSIDE });
          const wrong = await send({ key: WRONG_KEY, params, dialect, remoteAddress: OUTSIDE });
          refusedKey(outside, dialect);
          expect(seen(outside), `${transport}, ${dialect}`).toEqual(seen(wrong));
        }
      expect(await ordersOf(a.account.id)).toEqual(before);
    });

    if (c.activation) {
      it('tells another account only "not found" for A’s activation, and leaves it as it was', async () => {
        const statuses = name === 'setStatus' ? ['1', '3', '6', '8', '-1', '9', ''] : [undefined];
        for (const id of [aSms, aWaiting]) {
          const row = await orderRow(id);
          const ownAnswer = (await viaQuery({ key: a.apiKey, params: { action: 'getStatus', id } })).body;
          for (const status of statuses) {
            const asked = { ...params, id, ...(status === undefined ? {} : { status }) };
            await everyWay({ key: b.apiKey, params: asked }, async (response, dialect, transport) => {
              expectError(response, dialect, 'NO_ACTIVATION');
              // What an id that does not exist gets, byte for byte but the id it echoes: nothing tells
              // B the id is taken.
              const missing = await TRANSPORTS[transport]!({
                key: b.apiKey,
                params: { ...asked, id: MISSING_ID },
                dialect,
              });
              expect(seen(response, String(id))).toEqual(seen(missing, String(MISSING_ID)));
            });
          }
          expect(await orderRow(id)).toEqual(row);
          expect((await viaQuery({ key: a.apiKey, params: { action: 'getStatus', id } })).body).toBe(
            ownAnswer,
          );
        }
      });
    }
  });
}

// ---- across actions ------------------------------------------------------------------------------------

describe('another account', () => {
  it('sees none of A’s activations in its lists', async () => {
    const lists = await Promise.all([
      viaQuery({ key: b.apiKey, params: { action: 'getActiveActivations' } }),
      viaQuery({ key: b.apiKey, params: { action: 'getHistory' } }),
    ]);
    expect(expectJson(lists[0]!)).toEqual({ status: 'error', error: 'NO_ACTIVATIONS' });
    expect(expectJson(lists[1]!)).toEqual([]);
  });
});

describe('setStatus over an activation’s life', () => {
  it('refuses an early cancel, cancels past the window with a refund, finishes one with a code', async () => {
    const me = await person();
    const start = await me.balance();
    const id = await buy(me);
    expectText(await me.h({ action: 'setStatus', id, status: 8 }), 'EARLY_CANCEL_DENIED');
    world.clock.advance((world.ctx.config.orders.minCancelSeconds + 1) * 1000);
    expectText(await me.h({ action: 'setStatus', id, status: 8 }), 'ACCESS_CANCEL');
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_CANCEL');
    expect(await me.balance()).toBe(start);
    // A closed activation refuses another change with BAD_STATUS.
    expectText(await me.h({ action: 'setStatus', id, status: 8 }), 'BAD_STATUS');

    const finished = await buy(me);
    await deliverSms(world, finished, { text: 'code 7351', code: '7351' });
    expectText(await me.h({ action: 'setStatus', id: finished, status: 6 }), 'ACCESS_ACTIVATION');
    expectText(await me.h({ action: 'getStatus', id: finished }), 'STATUS_OK:7351');
  });
});

describe('a key revoked on node A', () => {
  it('is refused on A at once and on B as soon as B hears it, for every action', async () => {
    const me = await person();
    const browser = await signIn(world.ctx, world.app, me.account.id);
    const onB = (key: string, params: Params, dialect: Dialect = 'plain') =>
      viaQuery({ app: appB, key, params, dialect });
    expectText(await onB(me.apiKey, { action: 'getBalance' }), /^ACCESS_BALANCE:/);
    expect(nodeB.apiKeyCache.has(me.apiKey)).toBe(true);

    const revoked = await world.app.inject({
      method: 'DELETE',
      url: `/api/keys/${me.apiKeyId}`,
      headers: browser.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expectText(await me.h({ action: 'getBalance' }), 'BAD_KEY');

    await heardOnB({ keyId: me.apiKeyId });
    expect(nodeB.apiKeyCache.has(me.apiKey)).toBe(false);
    for (const name of Object.keys(ACTIONS))
      for (const dialect of DIALECTS) {
        const params = { action: name, ...CASES[name]!.params };
        const response = await onB(me.apiKey, params, dialect);
        refusedKey(response, dialect);
        expect(seen(response)).toEqual(seen(await onB(WRONG_KEY, params, dialect)));
      }
  });
});

describe('an account that chose JSON errors', () => {
  it('gets them without asking, yet its refused keys are answered like any wrong key', async () => {
    const me = await person();
    await updateHandlerSettings({ ctx: world.ctx, input: { accountId: me.account.id, jsonErrors: true } });
    const missing = { action: 'getStatus', id: MISSING_ID };
    expectError(await viaQuery({ key: me.apiKey, params: missing }), 'json', 'NO_ACTIVATION');
    expectText(await viaQuery({ key: me.apiKey, params: { ...missing, errors: 'plain' } }), 'NO_ACTIVATION');
    // A valid key without the scope: the account's dialect applies.
    const readless = await newKey(me.account.id, { scopes: ['orders'] });
    expectError(await viaQuery({ key: readless.key, params: { action: 'getBalance' } }), 'json', 'BAD_KEY');

    // From outside its allowlist, or once revoked, nothing (not even the dialect) tells the key is real.
    const fenced = await newKey(me.account.id, { ipAllowlist: ['192.0.2.0/24'] });
    const revoked = await newKey(me.account.id);
    expectError(await viaQuery({ key: revoked.key, params: missing }), 'json', 'NO_ACTIVATION');
    await revokeApiKey({
      ctx: world.ctx,
      input: { actor: actor(me.account.id), accountId: me.account.id, keyId: revoked.id },
    });
    for (const name of TRANSPORT_NAMES) {
      const send = TRANSPORTS[name]!;
      const wrong = seen(await send({ key: WRONG_KEY, params: missing, remoteAddress: OUTSIDE }));
      expect(wrong.body).toBe('BAD_KEY');
      for (const key of [fenced.key, revoked.key])
        expect(seen(await send({ key, params: missing, remoteAddress: OUTSIDE })), name).toEqual(wrong);
    }
  });
});

describe('a key’s daily spend limit', () => {
  it('refuses buying past it with NO_BALANCE, and nothing else', async () => {
    const me = await person();
    const { key } = await newKey(me.account.id, { dailySpendLimit: 1 });
    const start = await me.balance();
    for (const action of ['getNumber', 'getNumberV2'])
      await everyWay({ key, params: { action, service: 'wa', country: 6 } }, (response, dialect) =>
        expectError(response, dialect, 'NO_BALANCE'),
      );
    expect(await ordersOf(me.account.id)).toEqual([]);
    expect(await me.balance()).toBe(start);
    expectText(await viaQuery({ key, params: { action: 'getBalance' } }), /^ACCESS_BALANCE:/);
  });
});

describe('a suspended account', () => {
  it('gets ACCOUNT_INACTIVE on getNumber and getNumberV2, while getBalance and getStatus still work', async () => {
    const me = await person();
    const id = await buy(me);
    await suspendAccount({
      ctx: world.ctx,
      input: { accountId: me.account.id, reason: 'chargeback', actor: SYSTEM_ACTOR },
    });
    const before = await ordersOf(me.account.id);
    const start = await me.balance();
    for (const action of ['getNumber', 'getNumberV2'])
      await everyWay({ key: me.apiKey, params: { action, service: 'wa', country: 6 } }, (response, dialect) =>
        expectError(response, dialect, 'ACCOUNT_INACTIVE'),
      );
    expect(await ordersOf(me.account.id)).toEqual(before);
    expect(await me.balance()).toBe(start);
    expectText(await me.h({ action: 'getBalance' }), /^ACCESS_BALANCE:\d+\.\d{2}$/);
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
  });
});

describe('an abuse-guard ban', () => {
  it("answers getNumber and getNumberV2 with BANNED:'Y-m-d H-i-s' until it ends, and reads still work", async () => {
    const me = await person();
    const id = await buy(me);
    const ban = await placeAbuseBan({
      ctx: world.ctx,
      input: {
        accountId: me.account.id,
        reason: {
          orders: 12,
          failed: 11,
          failureRate: 11 / 12,
          thresholds: { windowOrders: 20, minOrders: 10, failureRate: 0.8 },
        },
      },
    });
    const iso = ban!.until.toISOString();
    const until = `'${iso.slice(0, 10)} ${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}'`;
    for (const action of ['getNumber', 'getNumberV2'])
      await everyWay(
        { key: me.apiKey, params: { action, service: 'wa', country: 6 } },
        (response, dialect) => {
          if (dialect === 'plain') expectText(response, `BANNED:${until}`);
          else {
            expectError(response, dialect, 'BANNED');
            expect(response.json().details).toContain(until);
          }
        },
      );
    expect((await ordersOf(me.account.id)).map((o) => o.id)).toEqual([id]);
    expectText(await me.h({ action: 'getBalance' }), /^ACCESS_BALANCE:/);
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
  });
});

describe('malformed keys and parameters', () => {
  const raw = (url: string, headers: Record<string, string | string[]> = {}, payload?: string) =>
    world.app.inject({
      method: payload === undefined ? 'GET' : 'POST',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
  const H = query({});

  it('never get a 500 or an HTML page, whatever the key looks like', async () => {
    const key = a.apiKey;
    const cases: Array<[string, Response, string | RegExp]> = [
      ['a 100 kB key', await raw(`${H}?action=getBalance&api_key=${'a'.repeat(100_000)}`), 'BAD_KEY'],
      ['a NUL key', await raw(`${H}?action=getBalance&api_key=%00`), /^(BAD_KEY|NO_KEY|BAD_ACTION)$/],
      ['the key and a NUL', await raw(`${H}?action=getBalance&api_key=${key}%00`), /^(BAD_KEY|BAD_ACTION)$/],
      [
        'unicode',
        await raw(`${H}?action=getBalance&api_key=${encodeURIComponent('🔑\u202eключ')}`),
        'BAD_KEY',
      ],
      [
        'broken percent-encoding',
        await raw(`${H}?action=getBalance&api_key=%E0%A4%A`),
        /^(BAD_KEY|BAD_ACTION)$/,
      ],
      ['api_key[]', await raw(`${H}?action=getBalance&api_key[]=${key}`), 'NO_KEY'],
      [
        'api_key[0] and api_key[a][b]',
        await raw(`${H}?action=getBalance&api_key[0]=${key}&api_key[a][b]=x`),
        'NO_KEY',
      ],
      [
        'a form body with a charset',
        await raw(`${H}?action=getBalance`, { 'content-type': `${FORM}; charset=utf-8` }, `api_key=${key}`),
        /^ACCESS_BALANCE:/,
      ],
      [
        'the key twice',
        await raw(`${H}?action=getBalance&api_key=${key}&api_key=${key}`),
        /^ACCESS_BALANCE:/,
      ],
      // The first value counts: a wrong one first is a wrong key, whatever follows.
      [
        'a wrong key, then the key',
        await raw(`${H}?action=getBalance&api_key=${WRONG_KEY}&api_key=${key}`),
        'BAD_KEY',
      ],
      [
        'the key, then a wrong one',
        await raw(`${H}?action=getBalance&api_key=${key}&api_key=${WRONG_KEY}`),
        /^ACCESS_BALANCE:/,
      ],
      [
        'the action twice',
        await raw(`${H}?action=getBalance&action=getNumber&api_key=${key}`),
        /^ACCESS_BALANCE:/,
      ],
      ['action[]', await raw(`${H}?action[]=getBalance&api_key=${key}`), 'BAD_ACTION'],
      // The query wins over the body: a wrong key there is a wrong key.
      [
        'a wrong key in the query, the key in the body',
        await raw(`${H}?action=getBalance&api_key=${WRONG_KEY}`, { 'content-type': FORM }, `api_key=${key}`),
        'BAD_KEY',
      ],
      [
        'api_key[] in a form body',
        await raw(`${H}?action=getBalance`, { 'content-type': FORM }, `api_key[]=${key}`),
        'NO_KEY',
      ],
      [
        'a 1 MB form body',
        await raw(`${H}?action=getBalance`, { 'content-type': FORM }, `api_key=${'b'.repeat(1_000_000)}`),
        /^(BAD_KEY|NO_KEY)$/,
      ],
      [
        'a JSON body',
        await raw(`${H}?action=getBalance`, { 'content-type': 'application/json' }, `{"api_key":"${key}"`),
        'NO_KEY',
      ],
      [
        'a NUL in a form body',
        await raw(`${H}?action=getBalance`, { 'content-type': FORM }, `api_key=${key}%00`),
        // Request text with a NUL is refused as a whole (refuse-nul.ts), before any key is looked at.
        'BAD_ACTION',
      ],
      [
        'a huge Authorization',
        await raw(`${H}?action=getBalance`, { authorization: `ApiKey ${'c'.repeat(16_000)}` }),
        'BAD_KEY',
      ],
      [
        'Authorization without a key',
        await raw(`${H}?action=getBalance`, { authorization: 'ApiKey' }),
        'NO_KEY',
      ],
      [
        'Authorization: Bearer',
        await raw(`${H}?action=getBalance`, { authorization: `Bearer ${key}` }),
        'NO_KEY',
      ],
      [
        'two X-ApiKey headers',
        await raw(`${H}?action=getBalance`, { 'x-apikey': [WRONG_KEY, key] }),
        /^(BAD_KEY|NO_KEY)$/,
      ],
      [
        'X-ApiKey in UTF-8 bytes',
        await raw(`${H}?action=getBalance`, { 'x-apikey': Buffer.from('ключ').toString('latin1') }),
        'BAD_KEY',
      ],
    ];
    for (const [what, response, expected] of cases) {
      expectNoCrash(response);
      expect({ what, status: response.statusCode, body: response.body }).toEqual({
        what,
        status: 200,
        body: typeof expected === 'string' ? expected : expect.stringMatching(expected),
      });
    }
  });
});

describe('logs', () => {
  it('hold no key, and no handler failure, after everything above', () => {
    expect(lines.some((line) => line.includes('handler_api.php'))).toBe(true);
    // Lower-cased: an upper-cased key sent by a client is the same key.
    const leaks = lines.filter((line) => [...keys].some((key) => line.toLowerCase().includes(key)));
    expect(leaks).toEqual([]);
    expect(lines.filter((line) => line.includes('handler API failure'))).toEqual([]);
  });
});
