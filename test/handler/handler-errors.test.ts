/**
 * Malformed and refused requests on /stubs/handler_api.php: always the protocol's own error — plain text with
 * HTTP 200 by default, {"title","details"} with its status in the JSON-error dialect — never a 5xx, never HTML,
 * and never a side effect on money or on someone else's activation.
 */
import { describe, expect, it } from 'vitest';
import { deliverSms, ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import {
  DIALECTS,
  expectError,
  expectJsonError,
  expectNoCrash,
  expectText,
  FORM,
  faultAll,
  HANDLER,
  type HandlerCustomer,
  handlerCustomer,
  handlerGet,
  handlerPost,
  poolOffer,
  query,
  usd,
} from './handler-client.ts';

const world = await orderWorld();

const ID_ACTIONS = ['getStatus', 'getStatusV2', 'getFullSms'] as const;
const KEYED_ACTIONS = [
  'getBalance',
  'getBalanceAndCashBack',
  'getNumber',
  'getNumberV2',
  'getStatus',
  'getStatusV2',
  'getFullSms',
  'setStatus',
  'getActiveActivations',
  'getHistory',
];
const BAD_IDS = [
  'abc',
  '',
  '-5',
  '0',
  '1.5',
  '1e3',
  '0x10',
  '12abc',
  '2147483648',
  '99999999999999999999999',
  '9'.repeat(500),
  "1' OR '1'='1",
  '1;DROP TABLE orders',
  '%00',
];

async function buy(me: HandlerCustomer): Promise<number> {
  const bought = expectText(
    await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
    /^ACCESS_NUMBER:(\d+):62\d+$/,
  );
  return Number(bought[1]);
}

/** A plain protocol answer: an upper-case token, optionally with a value, or a success line. */
function expectPlainToken(response: Awaited<ReturnType<typeof handlerGet>>): void {
  expectNoCrash(response);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  expect(response.body).toMatch(/^[A-Z_]+(:[\w.:]+)?$/);
}

describe('keys', () => {
  for (const dialect of DIALECTS) {
    const extra = dialect === 'json' ? { errors: 'json' } : {};

    it(`answers NO_KEY without a key, on every keyed action (${dialect})`, async () => {
      for (const action of KEYED_ACTIONS) {
        expectError(
          await handlerGet(world, { action, service: 'wa', country: 6, id: 1, status: 8, ...extra }),
          dialect,
          'NO_KEY',
        );
        expectError(await handlerPost(world, { ...extra }, { action, id: 1 }), dialect, 'NO_KEY');
      }
      // An empty key is no key.
      expectError(
        await handlerGet(world, { action: 'getBalance', api_key: '', ...extra }),
        dialect,
        'NO_KEY',
      );
    });

    it(`answers BAD_KEY for unknown and malformed keys, whichever way they come (${dialect})`, async () => {
      const bad = [
        'ffffffffffffffffffffffffffffffff',
        '0123456789abcdef0123456789abcdef',
        'not-a-key',
        'x',
        'a'.repeat(10_000),
        "' OR 1=1 --",
        '../../etc/passwd',
        '💥',
      ];
      for (const key of bad) {
        expectError(
          await handlerGet(world, { action: 'getBalance', api_key: key, ...extra }),
          dialect,
          'BAD_KEY',
        );
        expectError(
          await handlerGet(
            world,
            { action: 'getBalance', ...extra },
            { 'x-apikey': encodeURIComponent(key) },
          ),
          dialect,
          'BAD_KEY',
        );
        expectError(
          await handlerGet(
            world,
            { action: 'getBalance', ...extra },
            { authorization: `ApiKey ${encodeURIComponent(key)}` },
          ),
          dialect,
          'BAD_KEY',
        );
        expectError(
          await handlerPost(
            world,
            {},
            { action: 'getNumber', service: 'wa', country: 6, api_key: key, ...extra },
          ),
          dialect,
          'BAD_KEY',
        );
      }
    });
  }

  it('refuses a revoked key and a disabled account with BAD_KEY', async () => {
    const revoked = await handlerCustomer(world);
    await world.ctx.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [revoked.apiKeyId]);
    expectText(await revoked.h({ action: 'getBalance' }), 'BAD_KEY');
    const disabled = await handlerCustomer(world);
    await world.ctx.db.query('UPDATE accounts SET disabled_at = now() WHERE id = $1', [disabled.account.id]);
    expectText(await disabled.h({ action: 'getBalance' }), 'BAD_KEY');
    expectText(await disabled.h({ action: 'getNumber', service: 'wa', country: 6 }), 'BAD_KEY');
    expect(await disabled.wallet()).toEqual({ available: 1_000_000, posted: 1_000_000, pending: 0 });
  });
});

describe('actions', () => {
  for (const dialect of DIALECTS) {
    it(`answers BAD_ACTION for a missing, unknown or wrongly cased action (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      const actions = [
        undefined,
        '',
        'nope',
        'getbalance',
        'GETBALANCE',
        'GetBalance',
        'getBalance\u0000',
        'getNumberV3',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'x'.repeat(5000),
        // Key-free or not, a known action in the wrong case is not that action.
        'getcountries',
      ];
      // All answers compared at once, so a failure lists every action that is answered wrongly.
      const answers = [];
      for (const action of actions) {
        const response = await me.h({ action });
        answers.push({ action: action?.slice(0, 20), status: response.statusCode, body: response.body });
      }
      expect(answers).toEqual(
        actions.map((action) => ({
          action: action?.slice(0, 20),
          status: dialect === 'plain' ? 200 : 400,
          body:
            dialect === 'plain' ? 'BAD_ACTION' : expect.stringMatching(/^\{"title":"BAD_ACTION","details":/),
        })),
      );
      for (const action of actions) expectError(await me.h({ action }), dialect, 'BAD_ACTION');
    });
  }
});

describe('activation ids', () => {
  for (const dialect of DIALECTS) {
    it(`answers NO_ACTIVATION for malformed, unknown and missing ids (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      await buy(me); // the customer has an activation: a lenient parser must still not find it
      for (const action of ID_ACTIONS) {
        for (const id of [...BAD_IDS, '2147483647', '123456789']) {
          expectError(await me.h({ action, id }), dialect, 'NO_ACTIVATION');
        }
        expectError(await me.h({ action }), dialect, 'NO_ACTIVATION');
      }
      for (const status of ['1', '3', '6', '8', '-1']) {
        for (const id of [...BAD_IDS, '2147483647']) {
          expectError(await me.h({ action: 'setStatus', id, status }), dialect, 'NO_ACTIVATION');
        }
        expectError(await me.h({ action: 'setStatus', status }), dialect, 'NO_ACTIVATION');
      }
    });

    it(`answers NO_ACTIVATION for someone else's activation and leaves it alone (${dialect})`, async () => {
      const owner = await handlerCustomer(world);
      const id = await buy(owner);
      await deliverSms(world, id, { text: 'Your WhatsApp code: 808-707', code: '808707' });
      const amount: number = (await owner.order(id)).amount;
      const stranger = await handlerCustomer(world, 1_000_000, dialect);
      world.clock.advance(121_000);
      for (const action of ID_ACTIONS) {
        expectError(await stranger.h({ action, id }), dialect, 'NO_ACTIVATION');
      }
      for (const status of ['1', '3', '6', '8', '-1']) {
        expectError(await stranger.h({ action: 'setStatus', id, status }), dialect, 'NO_ACTIVATION');
      }
      // Through the other key ways too.
      expectError(
        await handlerPost(
          world,
          dialect === 'json' ? { errors: 'json' } : {},
          { action: 'setStatus', id, status: 6 },
          { 'x-apikey': stranger.apiKey },
        ),
        dialect,
        'NO_ACTIVATION',
      );
      expect((await owner.order(id)).status).toBe('OTP_RECEIVED');
      expectText(await owner.h({ action: 'getStatus', id }), 'STATUS_OK:808707');
      expect(await owner.wallet()).toEqual({
        available: 1_000_000 - amount,
        posted: 1_000_000 - amount,
        pending: 0,
      });
      expect(await stranger.wallet()).toEqual({ available: 1_000_000, posted: 1_000_000, pending: 0 });
    });
  }
});

describe('setStatus values', () => {
  for (const dialect of DIALECTS) {
    it(`answers BAD_STATUS for any status but 1, 3, 6, 8 and -1 (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      const id = await buy(me);
      const amount: number = (await me.order(id)).amount;
      world.clock.advance(121_000);
      for (const status of [
        undefined,
        '',
        '0',
        '2',
        '4',
        '5',
        '7',
        '9',
        '10',
        '-2',
        '8abc',
        'cancel',
        '99999999999999999999',
        '9'.repeat(500),
      ]) {
        expectError(await me.h({ action: 'setStatus', id, status }), dialect, 'BAD_STATUS');
      }
      // None of them cancelled anything.
      expect((await me.order(id)).status).toBe('ACTIVE');
      expect(await me.wallet()).toEqual({
        available: 1_000_000 - amount,
        posted: 1_000_000,
        pending: amount,
      });
    });
  }
});

describe('buying', () => {
  for (const dialect of DIALECTS) {
    it(`answers BAD_SERVICE and BAD_COUNTRY (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      for (const action of ['getNumber', 'getNumberV2']) {
        for (const service of [undefined, '', 'zzzz', 'full', 'wa,tg', 'x'.repeat(5000), "wa' --"]) {
          expectError(await me.h({ action, service, country: 6 }), dialect, 'BAD_SERVICE');
        }
        for (const country of [
          '9999',
          '-1',
          'abc',
          '6abc',
          '1e400',
          '2147483648',
          '9'.repeat(500),
          'indonesia',
        ]) {
          expectError(await me.h({ action, service: 'wa', country }), dialect, 'BAD_COUNTRY');
        }
      }
      expect(await me.wallet()).toEqual({ available: 1_000_000, posted: 1_000_000, pending: 0 });
      expect((await me.call('GET', '/v1/orders')).json().data).toEqual([]);
    });

    it(`answers NO_BALANCE without enough money, holding nothing (${dialect})`, async () => {
      const lowest = (await poolOffer(world)).price;
      for (const balance of [0, lowest - 1]) {
        const me = await handlerCustomer(world, balance, dialect);
        for (const action of ['getNumber', 'getNumberV2']) {
          expectError(await me.h({ action, service: 'wa', country: 6 }), dialect, 'NO_BALANCE');
        }
        expect(await me.wallet()).toEqual({ available: balance, posted: balance, pending: 0 });
      }
    });

    it(`answers WRONG_MAX_PRICE below every offer (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      const lowest = usd((await poolOffer(world)).price, 4);
      for (const maxPrice of ['0.0001', '0.01', (Number(lowest) - 0.001).toFixed(4)]) {
        for (const action of ['getNumber', 'getNumberV2']) {
          const response = await me.h({ action, service: 'wa', country: 6, maxPrice });
          if (dialect === 'plain') {
            const match = expectText(response, /^WRONG_MAX_PRICE:(\d+(?:\.\d{1,4})?)$/);
            expect(Number(match[1])).toBe(Number(lowest));
          } else {
            expectJsonError(response, 'WRONG_MAX_PRICE');
          }
        }
      }
      expect(await me.wallet()).toEqual({ available: 1_000_000, posted: 1_000_000, pending: 0 });
    });

    it(`answers NO_NUMBERS as plain text with 200, also in the JSON dialect (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      faultAll(world, 'no_numbers');
      try {
        for (const action of ['getNumber', 'getNumberV2']) {
          expectText(await me.h({ action, service: 'wa', country: 6 }), 'NO_NUMBERS');
        }
      } finally {
        faultAll(world, 'ok');
      }
      // A known country without any in-stock offer of the service: also NO_NUMBERS.
      const empty = await world.ctx.db.query<{ id: number }>(
        `SELECT c.id FROM countries c WHERE c.active AND NOT EXISTS (
           SELECT 1 FROM products p JOIN catalog_products cp ON cp.id = p.catalog_product_id
            WHERE cp.country_id = c.id AND cp.platform_id = 1 AND p.active AND p.available > 0)
         ORDER BY c.id LIMIT 1`,
      );
      if (empty.rows[0]) {
        expectText(
          await me.h({ action: 'getNumber', service: 'wa', country: empty.rows[0].id }),
          'NO_NUMBERS',
        );
      }
      expect(await me.wallet()).toEqual({ available: 1_000_000, posted: 1_000_000, pending: 0 });
    });

    it(`never fails on garbage maxPrice or operator values (${dialect})`, async () => {
      const me = await handlerCustomer(world, 1_000_000, dialect);
      for (const extra of [
        { maxPrice: 'abc' },
        { maxPrice: '-1' },
        { maxPrice: '1,5' },
        { maxPrice: 'NaN' },
        { maxPrice: 'Infinity' },
        { maxPrice: '1e400' },
        { maxPrice: '9'.repeat(500) },
        { max_price: '0x10' },
        { operator: 'x'.repeat(5000) },
        { operator: "any' OR 1=1" },
        { phoneException: '7918,7900111' },
        { freePrice: 'true', forward: '1', verification: 'maybe' },
      ]) {
        const response = await me.h({ action: 'getNumber', service: 'wa', country: 6, ...extra });
        expectNoCrash(response);
        if (dialect === 'plain' || response.statusCode === 200) expectPlainToken(response);
        else expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      }
      expect(await ledgerViolations(world)).toEqual([]);
    });
  }
});

describe('request shapes', () => {
  it('treats an empty POST like any other request', async () => {
    const me = await handlerCustomer(world);
    expectText(await world.app.inject({ method: 'POST', url: HANDLER }), 'NO_KEY');
    expectText(
      await world.app.inject({
        method: 'POST',
        url: HANDLER,
        headers: { 'content-type': FORM },
        payload: '',
      }),
      'NO_KEY',
    );
    expectText(
      await world.app.inject({
        method: 'POST',
        url: query({ api_key: me.apiKey }),
        headers: { 'content-type': FORM },
        payload: '',
      }),
      'BAD_ACTION',
    );
    expectText(
      await world.app.inject({ method: 'POST', url: query({ api_key: me.apiKey, action: 'getBalance' }) }),
      'ACCESS_BALANCE:62.50',
    );
    expectText(await world.app.inject({ method: 'GET', url: HANDLER }), 'NO_KEY');
    expectText(await world.app.inject({ method: 'GET', url: `${HANDLER}?` }), 'NO_KEY');
  });

  it('reads only form bodies: other content types are ignored, never refused', async () => {
    const me = await handlerCustomer(world);
    const withQuery = query({ api_key: me.apiKey, action: 'getBalance' });
    const bodies: Array<[string, string]> = [
      ['application/json', '{not json'],
      ['application/json', ''],
      ['text/plain', 'action=getNumber&service=wa&country=6'],
      ['text/html', '<html></html>'],
      ['application/xml', '<action>getNumber</action>'],
      [
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="action"\r\n\r\ngetNumber\r\n--xyz--\r\n',
      ],
      ['application/octet-stream', '\u0000\u0001\u0002'],
      ['bogus', 'action=getNumber'],
      // Last, so that if it buys, the cases above are not affected.
      ['application/json', '{"action":"getNumber","service":"wa","country":6}'],
    ];
    // With everything in the query, the body does not matter (all cases compared at once).
    const queried = [];
    for (const [type, payload] of bodies) {
      const response = await world.app.inject({
        method: 'POST',
        url: withQuery,
        headers: { 'content-type': type },
        payload,
      });
      expectNoCrash(response);
      queried.push({ type, payload: payload.slice(0, 30), status: response.statusCode, body: response.body });
    }
    expect(queried).toEqual(
      bodies.map(([type, payload]) => ({
        type,
        payload: payload.slice(0, 30),
        status: 200,
        body: 'ACCESS_BALANCE:62.50',
      })),
    );
    // Parameters only in a body that is not a form are not read: the key is missing.
    const bodyOnly = [
      ['application/json', JSON.stringify({ api_key: me.apiKey, action: 'getBalance' })],
      ['text/plain', `api_key=${me.apiKey}&action=getBalance`],
      [
        'multipart/form-data; boundary=xyz',
        `--xyz\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${me.apiKey}\r\n--xyz--\r\n`,
      ],
    ] as const;
    const unread = [];
    for (const [type, payload] of bodyOnly) {
      const response = await world.app.inject({
        method: 'POST',
        url: HANDLER,
        headers: { 'content-type': type },
        payload,
      });
      expectNoCrash(response);
      unread.push({ type, status: response.statusCode, body: response.body });
    }
    expect(unread).toEqual(bodyOnly.map(([type]) => ({ type, status: 200, body: 'NO_KEY' })));
    // Nothing was bought through a body that was not read.
    expect(await me.wallet()).toEqual({ available: 1_000_000, posted: 1_000_000, pending: 0 });
  });

  it('survives malformed encodings, repeated and huge parameters', async () => {
    const me = await handlerCustomer(world);
    for (const url of [
      `${HANDLER}?action=getBalance&api_key=%zz`,
      `${HANDLER}?action=getBalance&api_key=%E0%A4%A`,
      `${HANDLER}?action=%ff%fe&api_key=${me.apiKey}`,
      `${HANDLER}?action=getBalance&action=getNumber&api_key=${me.apiKey}`,
      `${HANDLER}?action=getBalance&api_key=${me.apiKey}&api_key=${me.apiKey}`,
      `${HANDLER}?action=getStatus&id=1&id=2&api_key=${me.apiKey}`,
      `${HANDLER}?action[]=getBalance&api_key=${me.apiKey}`,
      `${HANDLER}?action[x]=getBalance&api_key[y]=${me.apiKey}`,
      `${HANDLER}?${'&'.repeat(2000)}action=getBalance`,
      `${HANDLER}?action=getBalance&api_key=${me.apiKey}&${Array.from({ length: 1000 }, (_, i) => `p${i}=${i}`).join('&')}`,
      `${HANDLER}?action=getBalance&api_key=${me.apiKey}&junk=${'x'.repeat(60_000)}`,
      `${HANDLER}?=&==&a==b&action=getBalance`,
    ]) {
      const response = await world.app.inject({ method: 'GET', url });
      expectPlainToken(response);
    }
    for (const payload of [
      `action=getBalance&api_key=%zz`,
      `action=getBalance&api_key=${me.apiKey}&junk=${'y'.repeat(500_000)}`,
      `${'&'.repeat(5000)}action=getBalance&api_key=${me.apiKey}`,
      `action=getBalance&action=getNumber&api_key=${me.apiKey}`,
      '%',
      '=',
    ]) {
      const response = await world.app.inject({
        method: 'POST',
        url: HANDLER,
        headers: { 'content-type': FORM },
        payload,
      });
      expectPlainToken(response);
    }
    // Repeated identical values and lone parameters still mean what they say.
    expectText(
      await world.app.inject({
        method: 'GET',
        url: `${HANDLER}?action=getBalance&api_key=${me.apiKey}&api_key=${me.apiKey}`,
      }),
      /^(ACCESS_BALANCE:62\.50|BAD_KEY)$/,
    );
  });

  it('answers a body above the size limit with a protocol error, not an HTTP one', async () => {
    const me = await handlerCustomer(world);
    const response = await world.app.inject({
      method: 'POST',
      url: query({ api_key: me.apiKey, action: 'getBalance' }),
      headers: { 'content-type': FORM },
      payload: `junk=${'z'.repeat(2 * 1024 * 1024)}`,
    });
    expectPlainToken(response);
  });

  it('answers the protocol on GET and POST only, and nothing it answers is HTML', async () => {
    const me = await handlerCustomer(world);
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
      const response = await world.app.inject({
        method,
        url: query({ api_key: me.apiKey, action: 'getBalance' }),
      });
      expectNoCrash(response);
    }
  });
});

describe('the JSON-error dialect', () => {
  it('maps every error to its status and {"title","details"}', async () => {
    const me = await handlerCustomer(world, 1_000_000, 'json');
    const broke = await handlerCustomer(world, 0, 'json');
    const id = await buy(me);
    const j = { errors: 'json' };

    expectJsonError(await handlerGet(world, { action: 'getBalance', ...j }), 'NO_KEY');
    expectJsonError(await handlerGet(world, { action: 'getBalance', api_key: 'nope', ...j }), 'BAD_KEY');
    expectJsonError(await me.h({ action: 'nope' }), 'BAD_ACTION');
    expectJsonError(await me.h({ action: 'getNumber', service: 'zzzz', country: 6 }), 'BAD_SERVICE');
    expectJsonError(await me.h({ action: 'getNumber', service: 'wa', country: 9999 }), 'BAD_COUNTRY');
    expectJsonError(
      await me.h({ action: 'getNumber', service: 'wa', country: 6, maxPrice: '0.0001' }),
      'WRONG_MAX_PRICE',
    );
    expectJsonError(await broke.h({ action: 'getNumber', service: 'wa', country: 6 }), 'NO_BALANCE');
    expectJsonError(await me.h({ action: 'getStatus', id: 2_000_000_000 }), 'NO_ACTIVATION');
    expectJsonError(await me.h({ action: 'setStatus', id, status: 8 }), 'EARLY_CANCEL_DENIED');
    expectJsonError(await me.h({ action: 'setStatus', id, status: 6 }), 'BAD_STATUS');
    expectJsonError(await me.h({ action: 'setStatus', id, status: 2 }), 'BAD_STATUS');

    // The dialect parameter also works from a form body, with the key in a header.
    expectJsonError(
      await handlerPost(
        world,
        {},
        { action: 'getStatus', id: 'abc', errors: 'json' },
        { 'x-apikey': me.apiKey },
      ),
      'NO_ACTIVATION',
    );
    expectJsonError(await handlerPost(world, {}, { action: 'getBalance', errors: 'json' }), 'NO_KEY');
    // Without the parameter, the same account is answered in plain text.
    expectText(await handlerGet(world, { action: 'nope', api_key: me.apiKey }), 'BAD_ACTION');
  });

  it('keeps success answers as they are', async () => {
    const me = await handlerCustomer(world, 1_000_000, 'json');
    expectText(await me.h({ action: 'getBalance' }), 'ACCESS_BALANCE:62.50');
    const id = await buy(me);
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
  });
});
