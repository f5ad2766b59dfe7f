/**
 * Every action's exact answer on /stubs/handler_api.php: bodies byte for byte where the protocol fixes them,
 * content types, the three ways to present a key, GET and POST (query string merged with a form body), and
 * unknown parameters ignored.
 */
import { describe, expect, it } from 'vitest';
import { ingestSms } from '../../src/orders/ingest-sms.ts';
import { deleteMarkupRule, setMarkupRule } from '../../src/pricing/markup-rules.ts';
import { deliverSms, orderWorld } from '../orders/order-fixture.ts';
import {
  DATE_TIME,
  DIALECTS,
  expectDefused,
  expectJson,
  expectText,
  FORM,
  handlerCustomer,
  handlerGet,
  handlerPost,
  JSON_TYPE,
  offerUsd,
  poolOffer,
  TEXT,
  USD_PRICE,
  usd,
} from './handler-client.ts';

const world = await orderWorld();

const ID = /^ACCESS_NUMBER:(\d+):(62\d{6,13})$/;

async function buy(me: Awaited<ReturnType<typeof handlerCustomer>>, extra: Record<string, string> = {}) {
  const match = expectText(await me.h({ action: 'getNumber', service: 'wa', country: 6, ...extra }), ID);
  return { id: Number(match[1]), phone: match[2]! };
}

describe('getBalance and getBalanceAndCashBack', () => {
  it('answer ACCESS_BALANCE in USD with 2 decimals, rounded half-up', async () => {
    for (const [idr, text] of [
      [1_000_000, '62.50'],
      [1_000_080, '62.51'], // 62.505 exactly: half-up, not to even
      [1_000_079, '62.50'],
      [1_234_567, '77.16'],
      [8, '0.00'],
      [80, '0.01'], // 0.005 exactly
      [0, '0.00'],
    ] as const) {
      const me = await handlerCustomer(world, idr);
      expectText(await me.h({ action: 'getBalance' }), `ACCESS_BALANCE:${text}`);
      expectText(await me.h({ action: 'getBalanceAndCashBack' }), `ACCESS_BALANCE:${text}`);
    }
  });

  it('counts held money out of the balance', async () => {
    const me = await handlerCustomer(world);
    const { id } = await buy(me);
    const amount: number = (await me.order(id)).amount;
    expectText(await me.h({ action: 'getBalance' }), `ACCESS_BALANCE:${usd(1_000_000 - amount, 2)}`);
  });
});

describe('authentication', () => {
  it('takes the key as api_key, as Authorization: ApiKey, or as X-ApiKey', async () => {
    const me = await handlerCustomer(world);
    expectText(await handlerGet(world, { action: 'getBalance', api_key: me.apiKey }), 'ACCESS_BALANCE:62.50');
    expectText(
      await handlerGet(world, { action: 'getBalance' }, { authorization: `ApiKey ${me.apiKey}` }),
      'ACCESS_BALANCE:62.50',
    );
    expectText(
      await handlerGet(world, { action: 'getBalance' }, { 'x-apikey': me.apiKey }),
      'ACCESS_BALANCE:62.50',
    );
    // Headers work on POST too, with the parameters in a form body.
    expectText(
      await handlerPost(world, {}, { action: 'getBalance' }, { authorization: `ApiKey ${me.apiKey}` }),
      'ACCESS_BALANCE:62.50',
    );
    expectText(
      await handlerPost(world, {}, { action: 'getBalance' }, { 'X-ApiKey': me.apiKey }),
      'ACCESS_BALANCE:62.50',
    );
    // And every key way can buy.
    const headerWays: Array<Record<string, string>> = [
      { authorization: `ApiKey ${me.apiKey}` },
      { 'x-apikey': me.apiKey },
    ];
    for (const headers of headerWays) {
      expectText(await handlerGet(world, { action: 'getNumber', service: 'wa', country: 6 }, headers), ID);
    }
  });

  it('answers the key-free actions without a key', async () => {
    for (const dialect of DIALECTS) {
      const extra = dialect === 'json' ? { errors: 'json' } : {};
      const countries = expectJson(await handlerGet(world, { action: 'getCountries', ...extra }));
      expect(countries['6']).toBeDefined();
      const services = expectJson(await handlerGet(world, { action: 'getServicesList', ...extra }));
      expect(services.status).toBe('success');
    }
  });
});

describe('transport', () => {
  it('accepts GET with a query string, POST with a query string only, and POST with a form body', async () => {
    const me = await handlerCustomer(world);
    const get = await handlerGet(world, { action: 'getBalance', api_key: me.apiKey });
    const postQuery = await handlerPost(world, { action: 'getBalance', api_key: me.apiKey });
    const postForm = await handlerPost(world, {}, { action: 'getBalance', api_key: me.apiKey });
    const postMixed = await handlerPost(world, { api_key: me.apiKey }, { action: 'getBalance' });
    const postEmptyForm = await handlerPost(world, { action: 'getBalance', api_key: me.apiKey }, '');
    const postCharset = await handlerPost(world, {}, `action=getBalance&api_key=${me.apiKey}`, {
      'content-type': `${FORM}; charset=utf-8`,
    });
    for (const response of [get, postQuery, postForm, postMixed, postEmptyForm, postCharset]) {
      expectText(response, 'ACCESS_BALANCE:62.50');
    }
  });

  it('buys through a POST form body and answers the same as a GET', async () => {
    const me = await handlerCustomer(world);
    const bought = expectText(
      await handlerPost(world, { api_key: me.apiKey }, { action: 'getNumber', service: 'wa', country: '6' }),
      ID,
    );
    const id = bought[1]!;
    const get = await handlerGet(world, { api_key: me.apiKey, action: 'getStatus', id });
    const post = await handlerPost(world, {}, { api_key: me.apiKey, action: 'getStatus', id });
    expectText(get, 'STATUS_WAIT_CODE');
    expectText(post, 'STATUS_WAIT_CODE');
    const v2Get = await handlerGet(world, { api_key: me.apiKey, action: 'getStatusV2', id });
    const v2Post = await handlerPost(world, { action: 'getStatusV2' }, { api_key: me.apiKey, id });
    expect(expectJson(v2Post)).toEqual(expectJson(v2Get));
    expect(v2Post.body).toBe(v2Get.body);
  });

  it('ignores unknown parameters', async () => {
    const me = await handlerCustomer(world);
    const noise = { ref: '194015', json: '1', foo: 'bar', lang: 'en', _: '1700000000', callback: 'x' };
    expectText(await me.h({ action: 'getBalance', ...noise }), 'ACCESS_BALANCE:62.50');
    const { id } = await buy(me, noise);
    expectText(await me.h({ action: 'getStatus', id, ...noise }), 'STATUS_WAIT_CODE');
    expectText(
      await handlerPost(world, { api_key: me.apiKey }, { action: 'getStatus', id, ...noise }),
      'STATUS_WAIT_CODE',
    );
    const plain = await me.h({ action: 'getPrices', service: 'wa', country: 6 });
    const noisy = await me.h({ action: 'getPrices', service: 'wa', country: 6, ...noise });
    expect(noisy.body).toBe(plain.body);
  });

  it('answers success identically in both dialects', async () => {
    const plain = await handlerCustomer(world, 1_000_000, 'plain');
    const json = await handlerCustomer(world, 1_000_000, 'json');
    for (const params of [
      { action: 'getBalance' },
      { action: 'getBalanceAndCashBack' },
      { action: 'getPrices', service: 'wa', country: '6' },
      { action: 'getNumbersStatus', country: '6' },
      { action: 'getCountries' },
      { action: 'getOperators', country: '6' },
      { action: 'getActiveActivations' },
      { action: 'getHistory' },
    ]) {
      const a = await plain.h(params);
      const b = await json.h(params);
      expect({ status: b.statusCode, type: b.headers['content-type'], body: b.body }).toEqual({
        status: a.statusCode,
        type: a.headers['content-type'],
        body: a.body,
      });
    }
    const { id } = await buy(json);
    expectText(await json.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
    expectText(await json.h({ action: 'setStatus', id, status: 1 }), 'ACCESS_READY');
  });
});

describe('getNumber', () => {
  it('answers ACCESS_NUMBER:<id>:<phone with country code>, the order /v1 sees', async () => {
    const me = await handlerCustomer(world);
    const { id, phone } = await buy(me);
    const order = await me.order(id);
    expect(order).toMatchObject({ id, phone_number: phone, status: 'ACTIVE' });
    const direct = await me.call('GET', `/v1/orders/${id}`);
    expect(direct.statusCode).toBe(200);
  });

  it('takes maxPrice and max_price in USD; below every offer answers WRONG_MAX_PRICE:<lowest price>', async () => {
    const me = await handlerCustomer(world);
    const lowest = (await poolOffer(world)).price;
    for (const key of ['maxPrice', 'max_price']) {
      const refused = expectText(
        await me.h({ action: 'getNumber', service: 'wa', country: 6, [key]: '0.01' }),
        /^WRONG_MAX_PRICE:(\d+(?:\.\d{1,4})?)$/,
      );
      expect(Number(refused[1])).toBe(Number(offerUsd(lowest)));
      // The value is the lowest price one can buy at: asking for it again buys.
      const { id } = await buy(me, { [key]: refused[1]! });
      expect((await me.order(id)).amount).toBe(lowest);
    }
    // A ceiling above the lowest offer buys at or under it.
    const ceiling = lowest + 500;
    const { id } = await buy(me, { maxPrice: (ceiling / 16_000).toFixed(4) });
    expect((await me.order(id)).amount).toBeLessThanOrEqual(ceiling);
  });

  it('WRONG_MAX_PRICE names a price that buys, also when the USD projection would round down', async () => {
    // E.g. 13042 IDR is 0.815125 USD: half-up to 4 decimals gives 0.8151, which is 13041.6 IDR — below the
    // offer. The lowest price one can buy at must be rounded up.
    const me = await handlerCustomer(world);
    const lowest = (await poolOffer(world)).price;
    // The lowest offer is moved up to the nearest price whose USD value half-up rounds down at 4 decimals,
    // the way an operator would: a markup rule for the country, under which every offer of the pair is
    // priced (so the live check at purchase, which prices under the same rules, agrees).
    const roundsDown = (idr: number) => (idr * 10_000) % 16_000 > 0 && (idr * 10_000) % 16_000 < 8_000;
    let add = 1;
    while (!roundsDown(lowest + add)) add++;
    const target = lowest + add;
    expect(BigInt(usd(target, 4).replace('.', '')) * 16_000n).toBeLessThan(BigInt(target) * 10_000n);
    const rule = await setMarkupRule({
      ctx: world.ctx,
      input: { scope: 'country', countryId: 6, multiplier: 1.3, addIdr: add },
    });
    const movePair = (by: number) =>
      world.ctx.db.query(
        `UPDATE products p SET price = p.price + $3 FROM catalog_products cp
          WHERE cp.id = p.catalog_product_id AND cp.country_id = $1 AND cp.platform_id = $2`,
        [6, 1, by],
      );
    await movePair(add);
    await world.ctx.catalogCache.invalidate();
    try {
      const refused = expectText(
        await me.h({ action: 'getNumber', service: 'wa', country: 6, maxPrice: '0.01' }),
        /^WRONG_MAX_PRICE:(\d+(?:\.\d{1,4})?)$/,
      );
      const { id } = await buy(me, { maxPrice: refused[1]! });
      expect((await me.order(id)).amount).toBe(target);
    } finally {
      await deleteMarkupRule({ ctx: world.ctx, input: { id: rule.id } });
      await movePair(-add);
      await world.ctx.catalogCache.invalidate();
    }
  });

  it('takes an operator', async () => {
    const me = await handlerCustomer(world);
    const { id } = await buy(me, { operator: 'indosat' });
    const row = await world.ctx.db.query(
      'SELECT op.code FROM orders o JOIN operators op ON op.id = o.operator_id WHERE o.id = $1',
      [id],
    );
    expect(row.rows[0]?.code).toBe('indosat');
  });
});

describe('getStatus, getStatusV2, getFullSms', () => {
  it('answer each state exactly', async () => {
    const me = await handlerCustomer(world);
    const { id } = await buy(me);
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
    expectText(await me.h({ action: 'getFullSms', id }), 'STATUS_WAIT_CODE');
    const before = await me.h({ action: 'getStatusV2', id });
    expectJson(before);
    expect(before.body).toBe('{"verificationType":0,"sms":null,"call":null}');

    await deliverSms(world, id, { text: 'Your WhatsApp code: 555-123', code: '555123' });
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:555123');
    expectText(await me.h({ action: 'getFullSms', id }), 'FULL_SMS:Your WhatsApp code: 555-123');
    const after = await me.h({ action: 'getStatusV2', id });
    const parsed = expectJson(after);
    expect(after.body).toMatch(
      /^\{"verificationType":0,"sms":\{"dateTime":"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}","code":"555123","text":"Your WhatsApp code: 555-123"\},"call":null\}$/,
    );
    expect(parsed.sms.dateTime).toMatch(DATE_TIME);

    world.clock.advance(31_000);
    expectText(await me.h({ action: 'setStatus', id, status: 3 }), 'ACCESS_RETRY_GET');
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_RETRY:555123');
    expectText(await me.h({ action: 'setStatus', id, status: 6 }), 'ACCESS_ACTIVATION');
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:555123');
  });

  it('never put a colon inside a code', async () => {
    const me = await handlerCustomer(world);
    const { id } = await buy(me);
    // A provider that reports a code with a colon in it (the simulator refuses to send one, so it is pushed
    // the way a provider webhook or the poller hands it over).
    const row = await world.ctx.db.query('SELECT provider_id, provider_ref FROM orders WHERE id = $1', [id]);
    await ingestSms({
      ctx: world.ctx,
      input: {
        providerId: row.rows[0].provider_id,
        providerRef: row.rows[0].provider_ref,
        text: 'Your code is 12:34',
        code: '12:34',
      },
    });
    const ok = expectText(await me.h({ action: 'getStatus', id }), /^STATUS_OK:([^:]+)$/);
    expect(ok[1]!.length).toBeGreaterThan(0);
    world.clock.advance(31_000);
    expectText(await me.h({ action: 'setStatus', id, status: 3 }), 'ACCESS_RETRY_GET');
    expectText(await me.h({ action: 'getStatus', id }), `STATUS_WAIT_RETRY:${ok[1]}`);
  });

  it('defuse SQL, BANNED and BAD_KEY inside SMS texts in every success body', async () => {
    const me = await handlerCustomer(world);
    const { id } = await buy(me);
    await deliverSms(world, id, { text: 'BANNED user SQL BAD_KEY code 4821', code: '4821' });
    expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:4821');
    const full = expectText(await me.h({ action: 'getFullSms', id }), /^FULL_SMS:/);
    expectDefused(full.input);
    expect(full.input).toContain('4821');
    for (const params of [
      { action: 'getStatusV2', id: String(id) },
      { action: 'getActiveActivations' },
      { action: 'getHistory' },
    ]) {
      const response = await me.h(params);
      expectJson(response);
      expectDefused(response.body);
    }
  });
});

describe('setStatus', () => {
  it('answers ACCESS_READY, ACCESS_RETRY_GET, ACCESS_ACTIVATION and ACCESS_CANCEL', async () => {
    const me = await handlerCustomer(world);
    const first = await buy(me);
    const second = await buy(me);
    const third = await buy(me);
    expectText(await me.h({ action: 'setStatus', id: first.id, status: 1 }), 'ACCESS_READY');
    await deliverSms(world, first.id, { text: 'code 1111', code: '1111' });
    world.clock.advance(31_000);
    expectText(await me.h({ action: 'setStatus', id: first.id, status: 3 }), 'ACCESS_RETRY_GET');
    await deliverSms(world, first.id, { text: 'code 2222', code: '2222' });
    expectText(await me.h({ action: 'setStatus', id: first.id, status: 6 }), 'ACCESS_ACTIVATION');
    world.clock.advance(121_000);
    expectText(await me.h({ action: 'setStatus', id: second.id, status: 8 }), 'ACCESS_CANCEL');
    expectText(await me.h({ action: 'setStatus', id: third.id, status: -1 }), 'ACCESS_CANCEL');
  });
});

describe('getActiveActivations', () => {
  it('lists open activations with every field a string', async () => {
    const me = await handlerCustomer(world);
    expect(expectJson(await me.h({ action: 'getActiveActivations' }))).toEqual({
      status: 'error',
      error: 'NO_ACTIVATIONS',
    });
    const silent = await buy(me);
    const answered = await buy(me);
    const closed = await buy(me);
    await deliverSms(world, answered.id, { text: 'Your WhatsApp code: 909-101', code: '909101' });
    await deliverSms(world, closed.id, { text: 'Your WhatsApp code: 303-404', code: '303404' });
    expectText(await me.h({ action: 'setStatus', id: closed.id, status: 6 }), 'ACCESS_ACTIVATION');
    const stranger = await handlerCustomer(world);
    await buy(stranger);

    const response = await me.h({ action: 'getActiveActivations' });
    const body = expectJson(response);
    expect(Object.keys(body)).toEqual(['status', 'activeActivations']);
    expect(body.status).toBe('success');
    const list: Array<Record<string, unknown>> = body.activeActivations;
    expect(list.map((a) => a.activationId).sort()).toEqual([String(silent.id), String(answered.id)].sort());
    const keys = [
      'activationCost',
      'activationId',
      'activationStatus',
      'activationTime',
      'canGetAnotherSms',
      'countryCode',
      'countryName',
      'currency',
      'discount',
      'phoneNumber',
      'repeated',
      'serviceCode',
      'smsCode',
      'smsText',
    ];
    for (const activation of list) {
      expect(Object.keys(activation).sort()).toEqual(keys);
      for (const [key, value] of Object.entries(activation)) {
        if (key === 'smsCode' || key === 'smsText')
          expect(value === null || typeof value === 'string').toBe(true);
        else expect(typeof value, key).toBe('string');
      }
    }
    const bySilent = list.find((a) => a.activationId === String(silent.id))!;
    const silentOrder = await me.order(silent.id);
    expect(bySilent).toEqual({
      activationId: String(silent.id),
      serviceCode: 'wa',
      phoneNumber: silent.phone,
      activationCost: expect.stringMatching(USD_PRICE),
      activationStatus: expect.any(String),
      smsCode: null,
      smsText: null,
      activationTime: expect.stringMatching(DATE_TIME),
      discount: '0.00',
      repeated: '0',
      countryCode: '6',
      countryName: 'Indonesia',
      canGetAnotherSms: '1',
      currency: '840',
    });
    expect(Number(bySilent.activationCost)).toBe(Number(usd(silentOrder.amount, 4)));
    expect(list.find((a) => a.activationId === String(answered.id))).toMatchObject({
      phoneNumber: answered.phone,
      smsCode: '909101',
      smsText: 'Your WhatsApp code: 909-101',
    });
    // Wire types: strings, never numbers.
    expect(response.body).toContain(`"activationId":"${silent.id}"`);
    expect(response.body).toContain('"currency":"840"');
  });
});

describe('getHistory', () => {
  it('lists the account activations with string ids', async () => {
    const me = await handlerCustomer(world);
    expect(expectJson(await me.h({ action: 'getHistory' }))).toEqual([]);
    const completed = await buy(me);
    const canceled = await buy(me);
    await deliverSms(world, completed.id, { text: 'Your WhatsApp code: 246-810', code: '246810' });
    expectText(await me.h({ action: 'setStatus', id: completed.id, status: 6 }), 'ACCESS_ACTIVATION');
    world.clock.advance(121_000);
    expectText(await me.h({ action: 'setStatus', id: canceled.id, status: 8 }), 'ACCESS_CANCEL');
    const stranger = await handlerCustomer(world);
    const theirs = await buy(stranger);

    const response = await me.h({ action: 'getHistory' });
    const body = expectJson(response);
    expect(Array.isArray(body)).toBe(true);
    const ids = body.map((item: { id: unknown }) => item.id);
    expect(ids).toContain(String(completed.id));
    expect(ids).toContain(String(canceled.id));
    expect(ids).not.toContain(String(theirs.id));
    for (const item of body) {
      expect(Object.keys(item).sort()).toEqual(['cost', 'currency', 'date', 'id', 'phone', 'sms', 'status']);
      expect(item).toEqual({
        id: expect.stringMatching(/^\d+$/),
        date: expect.stringMatching(DATE_TIME),
        phone: expect.stringMatching(/^62\d{6,13}$/),
        sms: item.sms === null ? null : expect.any(String),
        cost: expect.any(Number),
        status: expect.any(String),
        currency: 840,
      });
    }
    const done = body.find((item: { id: string }) => item.id === String(completed.id));
    expect(done.phone).toBe(completed.phone);
  });
});

describe('catalog actions', () => {
  it('getPrices for one service and country: exactly one entry, the cheapest offer and the total stock', async () => {
    const me = await handlerCustomer(world);
    const offer = await poolOffer(world);
    const cost = Number(offerUsd(offer.price));
    const response = await me.h({ action: 'getPrices', service: 'wa', country: 6 });
    const body = expectJson(response);
    expect(body).toEqual({ 6: { wa: { cost, count: offer.count, physicalCount: expect.any(Number) } } });
    expect(Number.isInteger(body['6'].wa.physicalCount)).toBe(true);
    expect(response.body).toMatch(
      new RegExp(`^\\{"6":\\{"wa":\\{"cost":${cost},"count":${offer.count},"physicalCount":\\d+\\}\\}\\}$`),
    );
  });

  it('getPrices by country, by service, and for everything', async () => {
    const me = await handlerCustomer(world);
    const offer = await poolOffer(world);
    const entry = {
      cost: Number(offerUsd(offer.price)),
      count: offer.count,
      physicalCount: expect.any(Number),
    };
    const byCountry = expectJson(await me.h({ action: 'getPrices', country: 6 }));
    expect(Object.keys(byCountry)).toEqual(['6']);
    expect(byCountry['6'].wa).toEqual(entry);
    const byService = expectJson(await me.h({ action: 'getPrices', service: 'wa' }));
    expect(byService['6']).toEqual({ wa: entry });
    for (const services of Object.values(byService) as Array<Record<string, unknown>>) {
      expect(Object.keys(services)).toEqual(['wa']);
    }
    const everything = expectJson(await me.h({ action: 'getPrices' }));
    expect(everything['6'].wa).toEqual(entry);
    for (const services of Object.values(byCountry) as Array<Record<string, Record<string, number>>>) {
      for (const price of Object.values(services)) {
        expect(Object.keys(price)).toEqual(['cost', 'count', 'physicalCount']);
        expect(String(price.cost)).toMatch(USD_PRICE);
        expect(Number.isInteger(price.count)).toBe(true);
        expect(Number.isInteger(price.physicalCount)).toBe(true);
      }
    }
  });

  it('getPrices refuses an unknown service or country in its JSON form', async () => {
    const me = await handlerCustomer(world);
    const service = await me.h({ action: 'getPrices', service: 'zzzz', country: 6 });
    expectJson(service);
    expect(service.body).toBe('{"status":"false","msg":"service is incorrect"}');
    const country = await me.h({ action: 'getPrices', service: 'wa', country: 9999 });
    expectJson(country);
    expect(country.body).toBe('{"status":"false","msg":"country is incorrect"}');
  });

  it('getNumbersStatus counts per service as strings', async () => {
    const me = await handlerCustomer(world);
    const offer = await poolOffer(world);
    const body = expectJson(await me.h({ action: 'getNumbersStatus', country: 6 }));
    expect(body.wa_0).toBe(String(offer.count));
    for (const [key, value] of Object.entries(body)) {
      expect(key).toMatch(/^[a-z0-9]+_[01]$/);
      expect(value).toMatch(/^\d+$/);
    }
  });

  it('getTopCountriesByService is keyed by position', async () => {
    const me = await handlerCustomer(world);
    const offer = await poolOffer(world);
    const body = expectJson(await me.h({ action: 'getTopCountriesByService', service: 'wa' }));
    const keys = Object.keys(body);
    expect(keys.length).toBeGreaterThan(1);
    expect(keys).toEqual(keys.map((_, i) => String(i)));
    for (const entry of Object.values(body) as Array<Record<string, number>>) {
      expect(Object.keys(entry).sort()).toEqual(['count', 'country', 'price', 'retail_price']);
      expect(Number.isInteger(entry.country)).toBe(true);
      expect(Number.isInteger(entry.count)).toBe(true);
      expect(typeof entry.price).toBe('number');
      expect(typeof entry.retail_price).toBe('number');
    }
    const indonesia = (Object.values(body) as Array<Record<string, number>>).filter((e) => e.country === 6);
    expect(indonesia).toHaveLength(1);
    expect(indonesia[0]).toMatchObject({ count: offer.count, price: Number(offerUsd(offer.price)) });
  });

  it('getCountries is an object keyed by id, with or without a key', async () => {
    const me = await handlerCustomer(world);
    const indonesia =
      '"6":{"id":6,"rus":"Indonesia","eng":"Indonesia","chn":"Indonesia","visible":1,"retry":1,"rent":0}';
    for (const response of [
      await me.h({ action: 'getCountries' }),
      await handlerGet(world, { action: 'getCountries' }),
    ]) {
      const body = expectJson(response);
      expect(Array.isArray(body)).toBe(false);
      expect(response.body).toContain(indonesia);
      for (const [key, country] of Object.entries(body) as Array<[string, Record<string, unknown>]>) {
        expect(country.id).toBe(Number(key));
        expect(Object.keys(country)).toEqual(['id', 'rus', 'eng', 'chn', 'visible', 'retry', 'rent']);
      }
      expect(body['187']).toMatchObject({ id: 187, eng: 'USA' });
    }
  });

  it('getServicesList lists codes and names, with or without a key', async () => {
    const me = await handlerCustomer(world);
    for (const response of [
      await me.h({ action: 'getServicesList' }),
      await handlerGet(world, { action: 'getServicesList' }),
    ]) {
      const body = expectJson(response);
      expect(Object.keys(body)).toEqual(['status', 'services']);
      expect(body.status).toBe('success');
      expect(response.body.startsWith('{"status":"success","services":[')).toBe(true);
      expect(response.body).toContain('{"code":"wa","name":"Whatsapp"}');
      const codes = new Set<string>();
      for (const service of body.services) {
        expect(Object.keys(service)).toEqual(['code', 'name']);
        expect(typeof service.code).toBe('string');
        expect(typeof service.name).toBe('string');
        expect(service.name).toBe(service.name.trim());
        codes.add(service.code);
      }
      expect(codes.size).toBe(body.services.length);
    }
  });

  it('getOperators lists a country operators; an unknown country is OPERATORS_NOT_FOUND', async () => {
    const me = await handlerCustomer(world);
    const response = await me.h({ action: 'getOperators', country: 6 });
    const body = expectJson(response);
    expect(Object.keys(body)).toEqual(['status', 'countryOperators']);
    expect(body.status).toBe('success');
    expect(Object.keys(body.countryOperators)).toEqual(['6']);
    const operators: string[] = body.countryOperators['6'];
    expect(operators).toEqual(expect.arrayContaining(['indosat', 'telkomsel']));
    for (const operator of operators) expect(typeof operator).toBe('string');
    const unknown = await me.h({ action: 'getOperators', country: 9999 });
    expectJson(unknown);
    expect(unknown.body).toBe('{"status":"error","error":"OPERATORS_NOT_FOUND"}');
  });
});

describe('rent actions', () => {
  it('answer NOT_AVAILABLE', async () => {
    const me = await handlerCustomer(world);
    for (const action of [
      'getRentServicesAndCountries',
      'getRentNumber',
      'getRentStatus',
      'setRentStatus',
      'getRentList',
      'continueRentNumber',
    ]) {
      expectText(await me.h({ action, service: 'wa', rent_time: 4, id: 1, status: 1 }), 'NOT_AVAILABLE');
    }
  });
});

describe('content types', () => {
  it('are exactly text/plain or application/json with charset=utf-8', async () => {
    const me = await handlerCustomer(world);
    const text = await me.h({ action: 'getBalance' });
    expect(text.headers['content-type']).toBe(TEXT);
    const json = await me.h({ action: 'getCountries' });
    expect(json.headers['content-type']).toBe(JSON_TYPE);
  });
});
