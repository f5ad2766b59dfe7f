/**
 * Whole activations through /stubs/handler_api.php only, in both error dialects: buy, poll, code, another
 * code, finish (charged exactly once); cancel after the window (refunded in full); early cancel refused;
 * expiry; getNumberV2. The /v1 view and the wallet are read only to cross-check what the handler says.
 */
import { describe, expect, it } from 'vitest';
import { expireOrders } from '../../src/orders/expire-orders.ts';
import { deliverSms, ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import {
  DATE_TIME,
  DIALECTS,
  expectError,
  expectJson,
  expectNoCrash,
  expectText,
  handlerCustomer,
  poolOffer,
  secondsBetween,
  USD_PRICE,
  usd,
} from './handler-client.ts';

const world = await orderWorld();

const START = 1_000_000;

for (const dialect of DIALECTS) {
  describe(`an activation through the handler API (${dialect} errors)`, () => {
    it('buys, polls, receives a code, asks for another, finishes: held, then charged exactly once', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const bought = expectText(
        await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
        /^ACCESS_NUMBER:(\d+):(62\d{6,13})$/,
      );
      const id = Number(bought[1]);
      expect(id).toBeLessThan(2_147_483_647);

      // The activation is the order /v1 sees; the money is held, not yet paid.
      const order = await me.order(id);
      expect(order).toMatchObject({ id, status: 'ACTIVE', phone_number: bought[2] });
      const amount: number = order.amount;
      expect(amount).toBeGreaterThan(0);
      expect(await me.wallet()).toEqual({ available: START - amount, posted: START, pending: amount });
      expectText(await me.h({ action: 'getBalance' }), `ACCESS_BALANCE:${usd(START - amount, 2)}`);

      // Polling before any SMS.
      for (let i = 0; i < 3; i++) expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
      const waiting = await me.h({ action: 'getStatusV2', id });
      expectJson(waiting);
      expect(waiting.body).toBe('{"verificationType":0,"sms":null,"call":null}');
      expectText(await me.h({ action: 'getFullSms', id }), 'STATUS_WAIT_CODE');
      expectText(await me.h({ action: 'setStatus', id, status: 1 }), 'ACCESS_READY');
      expectError(await me.h({ action: 'setStatus', id, status: 3 }), dialect, 'BAD_STATUS');
      expectError(await me.h({ action: 'setStatus', id, status: 6 }), dialect, 'BAD_STATUS');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');

      // The first SMS: the code, and the hold is posted.
      await deliverSms(world, id, { text: 'Your WhatsApp code: 482-913', code: '482913' });
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:482913');
      const v2 = await me.h({ action: 'getStatusV2', id });
      const sms = expectJson(v2);
      expect(Object.keys(sms)).toEqual(['verificationType', 'sms', 'call']);
      expect(sms).toEqual({
        verificationType: 0,
        sms: {
          dateTime: expect.stringMatching(DATE_TIME),
          code: '482913',
          text: 'Your WhatsApp code: 482-913',
        },
        call: null,
      });
      expect(Object.keys(sms.sms)).toEqual(['dateTime', 'code', 'text']);
      expectText(await me.h({ action: 'getFullSms', id }), 'FULL_SMS:Your WhatsApp code: 482-913');
      expect(await me.wallet()).toEqual({ available: START - amount, posted: START - amount, pending: 0 });

      // Another SMS, for free.
      world.clock.advance(31_000); // past the resend cooldown
      expectText(await me.h({ action: 'setStatus', id, status: 3 }), 'ACCESS_RETRY_GET');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_RETRY:482913');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_RETRY:482913');
      await deliverSms(world, id, { text: 'Your WhatsApp code: 771-204', code: '771204' });
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:771204');
      expectText(await me.h({ action: 'getFullSms', id }), 'FULL_SMS:Your WhatsApp code: 771-204');
      expect(await me.wallet()).toEqual({ available: START - amount, posted: START - amount, pending: 0 });

      // A code arrived: cancel is no longer possible, even after the window.
      world.clock.advance(121_000);
      expectError(await me.h({ action: 'setStatus', id, status: 8 }), dialect, 'BAD_STATUS');
      expectError(await me.h({ action: 'setStatus', id, status: -1 }), dialect, 'BAD_STATUS');

      // Finish.
      expectText(await me.h({ action: 'setStatus', id, status: 6 }), 'ACCESS_ACTIVATION');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:771204');
      expect((await me.order(id)).status).toBe('COMPLETED');
      expect(await me.wallet()).toEqual({ available: START - amount, posted: START - amount, pending: 0 });
      expectText(await me.h({ action: 'getBalance' }), `ACCESS_BALANCE:${usd(START - amount, 2)}`);

      // Finishing or cancelling again never moves money.
      for (const status of [6, 8, 3]) expectNoCrash(await me.h({ action: 'setStatus', id, status }));
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:771204');
      expect(await me.wallet()).toEqual({ available: START - amount, posted: START - amount, pending: 0 });
      const charges = await world.ctx.db.query(
        `SELECT count(*)::int AS n FROM transfers t JOIN ledger_accounts a ON a.id = t.debit_account_id
          WHERE a.account_id = $1 AND t.kind = 'post_pending'`,
        [me.account.id],
      );
      expect(charges.rows[0].n).toBe(1);
      expect(await ledgerViolations(world)).toEqual([]);
      expect(expectJson(await me.h({ action: 'getActiveActivations' }))).toEqual({
        status: 'error',
        error: 'NO_ACTIVATIONS',
      });
    });

    it('cancels with status 8 after the window and refunds in full', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const id = Number(
        expectText(
          await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
          /^ACCESS_NUMBER:(\d+):62\d+$/,
        )[1],
      );
      const amount: number = (await me.order(id)).amount;
      expect((await me.wallet()).available).toBe(START - amount);
      world.clock.advance(121_000);
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
      expectText(await me.h({ action: 'setStatus', id, status: 8 }), 'ACCESS_CANCEL');
      expect(await me.wallet()).toEqual({ available: START, posted: START, pending: 0 });
      expectText(await me.h({ action: 'getBalance' }), 'ACCESS_BALANCE:62.50');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_CANCEL');
      expectText(await me.h({ action: 'getStatusV2', id }), 'STATUS_CANCEL');
      expectText(await me.h({ action: 'getFullSms', id }), 'STATUS_CANCEL');
      expect((await me.order(id)).status).toBe('CANCELED');

      // A second cancel (or a late finish) refunds nothing more and charges nothing.
      for (const status of [8, -1, 6]) expectNoCrash(await me.h({ action: 'setStatus', id, status }));
      expect(await me.wallet()).toEqual({ available: START, posted: START, pending: 0 });
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_CANCEL');
      expect(await ledgerViolations(world)).toEqual([]);
    });

    it('cancels with status -1 too', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const id = Number(
        expectText(
          await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
          /^ACCESS_NUMBER:(\d+):62\d+$/,
        )[1],
      );
      world.clock.advance(121_000);
      expectText(await me.h({ action: 'setStatus', id, status: -1 }), 'ACCESS_CANCEL');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_CANCEL');
      expect(await me.wallet()).toEqual({ available: START, posted: START, pending: 0 });
    });

    it('refuses a cancel inside the first 120 seconds with EARLY_CANCEL_DENIED, keeping the hold', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const id = Number(
        expectText(
          await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
          /^ACCESS_NUMBER:(\d+):62\d+$/,
        )[1],
      );
      const amount: number = (await me.order(id)).amount;
      expectError(await me.h({ action: 'setStatus', id, status: 8 }), dialect, 'EARLY_CANCEL_DENIED');
      expectError(await me.h({ action: 'setStatus', id, status: -1 }), dialect, 'EARLY_CANCEL_DENIED');
      world.clock.advance(115_000);
      expectError(await me.h({ action: 'setStatus', id, status: 8 }), dialect, 'EARLY_CANCEL_DENIED');
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
      expect((await me.order(id)).status).toBe('ACTIVE');
      expect(await me.wallet()).toEqual({ available: START - amount, posted: START, pending: amount });
      world.clock.advance(6_000);
      expectText(await me.h({ action: 'setStatus', id, status: 8 }), 'ACCESS_CANCEL');
      expect(await me.wallet()).toEqual({ available: START, posted: START, pending: 0 });
    });

    it('answers STATUS_CANCEL for an activation that expired without an SMS, and refunds it', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const id = Number(
        expectText(
          await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
          /^ACCESS_NUMBER:(\d+):62\d+$/,
        )[1],
      );
      world.clock.advance(1_211_000);
      await expireOrders({ ctx: world.ctx });
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_CANCEL');
      expectText(await me.h({ action: 'getFullSms', id }), 'STATUS_CANCEL');
      expectText(await me.h({ action: 'getStatusV2', id }), 'STATUS_CANCEL');
      expect(await me.wallet()).toEqual({ available: START, posted: START, pending: 0 });
      expectText(await me.h({ action: 'getBalance' }), 'ACCESS_BALANCE:62.50');
    });

    it('getNumberV2: the exact JSON shape, the same activation afterwards', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const response = await me.h({ action: 'getNumberV2', service: 'wa', country: 6 });
      const body = expectJson(response);
      expect(Object.keys(body).sort()).toEqual(
        [
          'activationCost',
          'activationEndTime',
          'activationId',
          'activationOperator',
          'activationTime',
          'canGetAnotherSms',
          'countryCode',
          'countryPhoneCode',
          'currency',
          'phoneNumber',
        ].sort(),
      );
      expect(body).toEqual({
        activationId: expect.stringMatching(/^\d+$/),
        phoneNumber: expect.stringMatching(/^62\d{6,13}$/),
        activationCost: expect.stringMatching(USD_PRICE),
        countryCode: '6',
        canGetAnotherSms: true,
        activationTime: expect.stringMatching(DATE_TIME),
        activationOperator: expect.any(String),
        currency: 840,
        countryPhoneCode: '62',
        activationEndTime: expect.stringMatching(DATE_TIME),
      });
      // Types on the wire, as the strict (Go) clients unmarshal them.
      expect(response.body).toMatch(/"activationId":"\d+"/);
      expect(response.body).toMatch(/"activationCost":"\d+(\.\d{1,4})?"/);
      expect(response.body).toContain('"canGetAnotherSms":true');
      expect(response.body).toContain('"currency":840');
      expect(secondsBetween(body.activationTime, body.activationEndTime)).toBe(1200);

      const id = Number(body.activationId);
      const order = await me.order(id);
      expect(order.phone_number).toBe(body.phoneNumber);
      expect(Number(body.activationCost)).toBe(Number(usd(order.amount, 4)));
      expect(body.activationOperator).toEqual(
        order.operator_id === null ? 'any' : expect.stringMatching(/^[a-z0-9_-]+$/),
      );
      // The cheapest offer (default routing) at its catalog price.
      expect(order.amount).toBe((await poolOffer(world)).price);
      expect(await me.wallet()).toEqual({
        available: START - order.amount,
        posted: START,
        pending: order.amount,
      });
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_WAIT_CODE');
      await deliverSms(world, id, { text: 'Your WhatsApp code: 123-456', code: '123456' });
      expectText(await me.h({ action: 'getStatus', id }), 'STATUS_OK:123456');
      expectText(await me.h({ action: 'setStatus', id, status: 6 }), 'ACCESS_ACTIVATION');
      expect(await me.wallet()).toEqual({
        available: START - order.amount,
        posted: START - order.amount,
        pending: 0,
      });
    });

    it('getNumberV2 with an operator names it in activationOperator', async () => {
      const me = await handlerCustomer(world, START, dialect);
      const body = expectJson(
        await me.h({ action: 'getNumberV2', service: 'wa', country: 6, operator: 'indosat' }),
      );
      expect(body.activationOperator).toBe('indosat');
      const row = await world.ctx.db.query(
        'SELECT op.code FROM orders o JOIN operators op ON op.id = o.operator_id WHERE o.id = $1',
        [Number(body.activationId)],
      );
      expect(row.rows[0]?.code).toBe('indosat');
    });
  });
}
