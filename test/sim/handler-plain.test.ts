/**
 * The SMS-Activate (plain) dialect over real HTTP: persona alpha. Every answer, errors included, is plain
 * text with HTTP 200; numbers cost money and stock; SMS move the activation through its states.
 */
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALPHA_API_KEY, type Simulator } from '../../src/sim/index.ts';
import { callHandler, controlCall, startTestSimulator, type WireReply, waitFor } from './sim-client.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

const alpha = (params: Record<string, string>) =>
  callHandler(sim, 'alpha', { api_key: ALPHA_API_KEY, ...params });

async function balance(): Promise<Big> {
  const reply = await alpha({ action: 'getBalance' });
  return new Big(reply.body.replace('ACCESS_BALANCE:', ''));
}

async function offer(country: string, service: string): Promise<{ cost: number; count: number }> {
  const reply = await alpha({ action: 'getPrices', country, service });
  const prices = JSON.parse(reply.body) as Record<string, Record<string, { cost: number; count: number }>>;
  return prices[country]![service]!;
}

async function buy(params: Record<string, string> = {}): Promise<{ id: string; phone: string }> {
  const reply = await alpha({ action: 'getNumber', service: 'wa', country: '6', ...params });
  const match = /^ACCESS_NUMBER:(\d+):(\d+)$/.exec(reply.body);
  if (!match) throw new Error(`not a number: ${reply.body}`);
  return { id: match[1]!, phone: match[2]! };
}

function expectPlain(reply: WireReply, body: string | RegExp): void {
  expect(reply.status).toBe(200);
  expect(reply.contentType).toContain('text/plain');
  if (typeof body === 'string') expect(reply.body).toBe(body);
  else expect(reply.body).toMatch(body);
}

describe('activation flow', () => {
  test('getBalance prints the balance as a decimal', async () => {
    expectPlain(await alpha({ action: 'getBalance' }), /^ACCESS_BALANCE:\d+\.\d{2,4}$/);
  });

  test('getNumber charges the price and takes stock; cancel refunds both', async () => {
    const before = await balance();
    const { cost, count } = await offer('6', 'wa');
    const { id, phone } = await buy();
    expect(phone).toMatch(/^628\d{8,10}$/);
    expect((await balance()).toString()).toBe(before.minus(cost).toString());
    expect((await offer('6', 'wa')).count).toBe(count - 1);

    expectPlain(await alpha({ action: 'setStatus', id, status: '8' }), 'ACCESS_CANCEL');
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_CANCEL');
    expect((await balance()).toString()).toBe(before.toString());
    expect((await offer('6', 'wa')).count).toBe(count);
    // Repeating the cancel (a client retrying after a timeout) gets the same answer.
    expectPlain(await alpha({ action: 'setStatus', id, status: '8' }), 'ACCESS_CANCEL');
  });

  test('codes: wait, OK, refused cancel, another SMS, retry wait, finish', async () => {
    const { id } = await buy();
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
    expectPlain(await alpha({ action: 'getFullSms', id }), 'STATUS_WAIT_CODE');
    expectPlain(await alpha({ action: 'setStatus', id, status: '1' }), 'ACCESS_READY');

    const first = await sim.injectSms('alpha', id, { code: '123456' });
    expect(first.code).toBe('123456');
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_OK:123456');
    expectPlain(await alpha({ action: 'getFullSms', id }), `FULL_SMS:${first.text}`);
    // Cancel after a code is refused in the plain dialect with BAD_STATUS.
    expectPlain(await alpha({ action: 'setStatus', id, status: '8' }), 'BAD_STATUS');
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_OK:123456');

    expectPlain(await alpha({ action: 'setStatus', id, status: '3' }), 'ACCESS_RETRY_GET');
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_WAIT_RETRY:123456');
    await sim.injectSms('alpha', id, { code: '654321' });
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_OK:654321');

    expectPlain(await alpha({ action: 'setStatus', id, status: '6' }), 'ACCESS_ACTIVATION');
    expectPlain(await alpha({ action: 'getStatus', id }), 'STATUS_OK:654321');
    const active = await alpha({ action: 'getActiveActivations' });
    expect(active.body).not.toContain(`"activationId":"${id}"`);
  });

  test('finish or another SMS before any code is refused', async () => {
    const { id } = await buy();
    expectPlain(await alpha({ action: 'setStatus', id, status: '6' }), 'BAD_STATUS');
    expectPlain(await alpha({ action: 'setStatus', id, status: '3' }), 'BAD_STATUS');
    expectPlain(await alpha({ action: 'setStatus', id, status: '8' }), 'ACCESS_CANCEL');
  });

  test('scheduled SMS arrive on their own, and another one after setStatus 3', async () => {
    await controlCall(sim, 'PATCH', 'personas/alpha', { smsDelayMs: 20 });
    try {
      const reply = await alpha({ action: 'getNumber', service: 'tg', country: '0' });
      const id = reply.body.split(':')[1]!;
      const ok = await waitFor(
        () => alpha({ action: 'getStatus', id }),
        (r) => r.body.startsWith('STATUS_OK:'),
      );
      // Telegram codes are 5 digits; the text names Telegram and carries the code.
      expect(ok.body).toMatch(/^STATUS_OK:\d{5}$/);
      const code = ok.body.slice('STATUS_OK:'.length);
      const full = await alpha({ action: 'getFullSms', id });
      expect(full.body).toContain(code);
      expect(full.body).toMatch(/Telegram/);

      expectPlain(await alpha({ action: 'setStatus', id, status: '3' }), 'ACCESS_RETRY_GET');
      const view = await waitFor(
        async () =>
          (await controlCall(sim, 'GET', `personas/alpha/activations/${id}`)).json as { messages: unknown[] },
        (v) => v.messages.length === 2,
      );
      expect(view.messages).toHaveLength(2);
      expectPlain(await alpha({ action: 'getStatus', id }), /^STATUS_OK:\d{5}$/);
    } finally {
      await controlCall(sim, 'PATCH', 'personas/alpha', { smsDelayMs: 60_000 });
    }
  });

  test('getNumberV2 answers JSON with string fields, a boolean and handler times', async () => {
    const reply = await alpha({ action: 'getNumberV2', service: 'wa', country: '6', operator: 'telkomsel' });
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      activationId: expect.stringMatching(/^\d+$/),
      phoneNumber: expect.stringMatching(/^628\d+$/),
      activationCost: expect.stringMatching(/^\d+\.\d{2,4}$/),
      countryCode: '6',
      canGetAnotherSms: true,
      activationTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      activationOperator: 'telkomsel',
      currency: 840,
    });
    expect(Number(body.activationId)).toBeLessThan(2 ** 31);
    const { cost } = await offer('6', 'wa');
    expect(new Big(body.activationCost as string).eq(cost)).toBe(true);
  });

  test('getStatusV2 is JSON without sms, then with it', async () => {
    const { id } = await buy();
    const waiting = JSON.parse((await alpha({ action: 'getStatusV2', id })).body) as Record<string, unknown>;
    expect(waiting).toEqual({ verificationType: 0 });
    const sms = await sim.injectSms('alpha', id, { code: '777111' });
    const received = JSON.parse((await alpha({ action: 'getStatusV2', id })).body) as {
      sms: { dateTime: string; code: string; text: string };
    };
    expect(received.sms).toEqual({
      dateTime: expect.stringMatching(/^\d{4}-/),
      code: '777111',
      text: sms.text,
    });
  });

  test('getActiveActivations lists open activations with string fields', async () => {
    const { id, phone } = await buy();
    const reply = await alpha({ action: 'getActiveActivations' });
    const body = JSON.parse(reply.body) as {
      status: string;
      activeActivations: Array<Record<string, unknown>>;
    };
    expect(body.status).toBe('success');
    const mine = body.activeActivations.find((a) => a.activationId === id)!;
    expect(mine).toMatchObject({
      serviceCode: 'wa',
      phoneNumber: phone,
      activationStatus: '4',
      smsCode: null,
      smsText: null,
      countryCode: '6',
      countryName: 'Indonesia',
      canGetAnotherSms: '1',
    });
    for (const [key, value] of Object.entries(mine)) {
      if (value !== null) expect(typeof value, key).toBe('string');
    }
    const limited = JSON.parse((await alpha({ action: 'getActiveActivations', limit: '1' })).body) as {
      activeActivations: unknown[];
    };
    expect(limited.activeActivations).toHaveLength(1);
  });

  test('POST works with a form body and with the query string only', async () => {
    const form = await callHandler(
      sim,
      'alpha',
      { api_key: ALPHA_API_KEY, action: 'getBalance' },
      { form: true },
    );
    expectPlain(form, /^ACCESS_BALANCE:/);
    const query = await callHandler(
      sim,
      'alpha',
      { api_key: ALPHA_API_KEY, action: 'getBalance' },
      { method: 'POST' },
    );
    expectPlain(query, /^ACCESS_BALANCE:/);
  });

  test('phoneException keeps excluded prefixes out; excluding everything leaves no numbers', async () => {
    for (let i = 0; i < 5; i++) {
      const { phone } = await buy({ phoneException: '6281,6282' });
      expect(phone.startsWith('6281') || phone.startsWith('6282')).toBe(false);
    }
    expectPlain(
      await alpha({ action: 'getNumber', service: 'wa', country: '6', phoneException: '628' }),
      'NO_NUMBERS',
    );
  });
});

describe('catalog actions', () => {
  test('getPrices filters by country and service; unknown ones are "incorrect"', async () => {
    const one = JSON.parse((await alpha({ action: 'getPrices', country: '6', service: 'wa' })).body);
    expect(Object.keys(one)).toEqual(['6']);
    expect(Object.keys(one['6'])).toEqual(['wa']);
    expect(one['6'].wa).toEqual({
      cost: expect.any(Number),
      count: expect.any(Number),
      physicalCount: expect.any(Number),
    });
    const byService = JSON.parse((await alpha({ action: 'getPrices', service: 'tg' })).body) as Record<
      string,
      object
    >;
    expect(Object.keys(byService).length).toBe(205);
    expect((await alpha({ action: 'getPrices', service: 'zzzz' })).body).toBe(
      '{"status":"false","msg":"service is incorrect"}',
    );
    expect((await alpha({ action: 'getPrices', country: '99999' })).body).toBe(
      '{"status":"false","msg":"country is incorrect"}',
    );
  });

  test('getCountries, getServicesList, getOperators, getNumbersStatus', async () => {
    const countries = JSON.parse((await alpha({ action: 'getCountries' })).body) as Record<
      string,
      { id: number; eng: string }
    >;
    expect(Object.keys(countries)).toHaveLength(205);
    expect(countries['6']).toMatchObject({ id: 6, eng: 'Indonesia', visible: 1 });

    const services = JSON.parse((await alpha({ action: 'getServicesList', country: '6' })).body) as {
      status: string;
      services: Array<{ code: string; name: string }>;
    };
    expect(services.status).toBe('success');
    expect(services.services).toContainEqual({ code: 'wa', name: 'Whatsapp' });

    const operators = JSON.parse((await alpha({ action: 'getOperators', country: '6' })).body);
    expect(operators.status).toBe('success');
    expect(operators.countryOperators['6']).toEqual(expect.arrayContaining(['telkomsel', 'indosat']));
    expect((await alpha({ action: 'getOperators', country: '99999' })).body).toBe(
      '{"status":"error","error":"OPERATORS_NOT_FOUND"}',
    );

    const status = JSON.parse((await alpha({ action: 'getNumbersStatus', country: '6' })).body) as Record<
      string,
      string
    >;
    expect(status.wa_0).toMatch(/^\d+$/);
    expect(Number(status.wa_0)).toBe((await offer('6', 'wa')).count);
  });
});

describe('errors are plain text with HTTP 200', () => {
  test('key and action errors', async () => {
    expectPlain(await callHandler(sim, 'alpha', { action: 'getBalance' }), 'NO_KEY');
    expectPlain(
      await callHandler(sim, 'alpha', { api_key: 'ffffffffffffffffffffffffffffffff', action: 'getBalance' }),
      'BAD_KEY',
    );
    expectPlain(await alpha({ action: 'getEverything' }), 'BAD_ACTION');
    expectPlain(await alpha({}), 'BAD_ACTION');
  });

  test('request errors', async () => {
    expectPlain(await alpha({ action: 'getNumber', service: 'nope', country: '6' }), 'BAD_SERVICE');
    expectPlain(await alpha({ action: 'getNumber', country: '6' }), 'BAD_SERVICE');
    expectPlain(await alpha({ action: 'getNumber', service: 'wa', country: '99999' }), 'BAD_COUNTRY');
    expectPlain(
      await alpha({ action: 'getNumber', service: 'wa', country: '6', operator: 'nosuchtel' }),
      'BAD_OPERATOR',
    );
    expectPlain(
      await alpha({ action: 'getNumber', service: 'wa', country: '6', phoneException: '62x' }),
      'WRONG_EXCEPTION_PHONE',
    );
    expectPlain(await alpha({ action: 'getStatus', id: '1' }), 'NO_ACTIVATION');
    expectPlain(await alpha({ action: 'setStatus', id: '1', status: '8' }), 'NO_ACTIVATION');
    expectPlain(await alpha({ action: 'getFullSms' }), 'NO_ACTIVATION');
    const { id } = await buy();
    expectPlain(await alpha({ action: 'setStatus', id, status: '5' }), 'BAD_STATUS');
  });

  test('WRONG_MAX_PRICE names the lowest price; a maxPrice at the price buys', async () => {
    const { cost } = await offer('6', 'wa');
    expectPlain(
      await alpha({ action: 'getNumber', service: 'wa', country: '6', maxPrice: '0.0001' }),
      `WRONG_MAX_PRICE:${cost}`,
    );
    expectPlain(
      await alpha({ action: 'getNumber', service: 'wa', country: '6', maxPrice: String(cost) }),
      /^ACCESS_NUMBER:/,
    );
  });

  test('NO_NUMBERS for a sold-out offer, NO_BALANCE for an empty balance', async () => {
    const prices = JSON.parse((await alpha({ action: 'getPrices' })).body) as Record<
      string,
      Record<string, { count: number }>
    >;
    const soldOut = Object.entries(prices)
      .flatMap(([country, services]) =>
        Object.entries(services).map(([svc, o]) => ({ country, svc, count: o.count })),
      )
      .find((o) => o.count === 0)!;
    expect(soldOut).toBeDefined();
    expectPlain(
      await alpha({ action: 'getNumber', service: soldOut.svc, country: soldOut.country }),
      'NO_NUMBERS',
    );

    const before = (await balance()).toString();
    await controlCall(sim, 'PATCH', 'personas/alpha', { balance: '0.01' });
    try {
      expectPlain(await alpha({ action: 'getNumber', service: 'wa', country: '6' }), 'NO_BALANCE');
    } finally {
      await controlCall(sim, 'PATCH', 'personas/alpha', { balance: before });
    }
  });
});

describe('policies: early cancel, expiry, numbers without SMS', () => {
  let policySim: Simulator;
  beforeAll(async () => {
    policySim = await startTestSimulator({
      noSmsRate: 1,
      smsDelayMs: 10,
      personas: [
        {
          name: 'strict',
          protocol: 'handler',
          currency: 'USD',
          credential: 'a'.repeat(32),
          priceFactor: 1,
          delivery: 'poll',
          earlyCancelMs: 60_000,
        },
        {
          name: 'brief',
          protocol: 'handler',
          currency: 'USD',
          credential: 'b'.repeat(32),
          priceFactor: 1,
          delivery: 'poll',
          activationTtlMs: 150,
        },
      ],
    });
  });
  afterAll(() => policySim.close());

  test('NO_ACTIVATIONS before any purchase; EARLY_CANCEL_DENIED inside the window', async () => {
    const strict = (params: Record<string, string>) =>
      callHandler(policySim, 'strict', { api_key: 'a'.repeat(32), ...params });
    expect((await strict({ action: 'getActiveActivations' })).body).toBe(
      '{"status":"error","error":"NO_ACTIVATIONS"}',
    );
    const id = (await strict({ action: 'getNumber', service: 'wa', country: '6' })).body.split(':')[1]!;
    expectPlain(await strict({ action: 'setStatus', id, status: '8' }), 'EARLY_CANCEL_DENIED');
    expectPlain(await strict({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
  });

  test('an activation without SMS expires to STATUS_CANCEL and is refunded', async () => {
    const brief = (params: Record<string, string>) =>
      callHandler(policySim, 'brief', { api_key: 'b'.repeat(32), ...params });
    const before = (await brief({ action: 'getBalance' })).body;
    const id = (await brief({ action: 'getNumber', service: 'wa', country: '6' })).body.split(':')[1]!;
    const view = (await controlCall(policySim, 'GET', `personas/brief/activations/${id}`)).json as {
      smsExpectedAt: string | null;
    };
    // noSmsRate 1: this number will never get an SMS.
    expect(view.smsExpectedAt).toBeNull();
    const status = await waitFor(
      () => brief({ action: 'getStatus', id }),
      (r) => r.body === 'STATUS_CANCEL',
    );
    expectPlain(status, 'STATUS_CANCEL');
    expect((await brief({ action: 'getBalance' })).body).toBe(before);
    const counters = (await controlCall(policySim, 'GET', 'personas/brief/counters')).json as {
      numbersExpired: number;
    };
    expect(counters.numbersExpired).toBe(1);
  });
});
