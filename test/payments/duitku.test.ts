/**
 * The Duitku adapter against the Duitku persona over real HTTP: create (QRIS, VA), pay through the
 * control API, the signed form callback reaching a local receiver and verifying, the status re-check,
 * duplicates and out-of-order callbacks, faults, and callbacks that must be refused.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DuitkuGateway } from '../../src/payments/duitku/duitku-gateway.ts';
import { callbackSignature } from '../../src/payments/duitku/duitku-signature.ts';
import {
  type CreatePaymentInput,
  GatewayError,
  type IncomingNotification,
  NotificationRejected,
} from '../../src/payments/gateway-port.ts';
import { duitkuSim } from '../../src/sim/gateways/duitku-sim.ts';
import { type GatewaySimulator, startGatewaySimulator } from '../../src/sim/gateways/gateway-sim-server.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';
import { gatewayErrorOf as gatewayError, rejectionOf as rejection } from './gateway-errors.ts';

const MERCHANT = 'DS0001';
const API_KEY = 'dk_test_key_456';

let sim: GatewaySimulator;
let receiver: Receiver;
let gateway: DuitkuGateway;
let orderSeq = 0;

const gatewayWith = (credentials: Record<string, string>, baseUrl = `${sim.url}/duitku`, timeoutMs = 5000) =>
  new DuitkuGateway({ code: 'duitku', baseUrl, credentials, timeoutMs });

beforeAll(async () => {
  sim = await startGatewaySimulator({ sims: [duitkuSim({ merchantCode: MERCHANT, apiKey: API_KEY })] });
  receiver = await startReceiver();
  gateway = gatewayWith({ merchantCode: MERCHANT, apiKey: API_KEY });
});
afterAll(() => sim.close());
afterEach(async () => {
  await control('POST', '/faults', { down: false, statusDisagrees: false });
});

/** The parts of control answers these tests read. */
interface ControlAnswer {
  deliveries: Array<{ resultCode: string; status: number | null }>;
  payments: unknown[];
  request: Record<string, unknown>;
  statusDisagrees?: boolean;
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}/control/duitku${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ControlAnswer };
}

function input(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  orderSeq++;
  return {
    topupId: `np-topup-${String(orderSeq).padStart(6, '0')}-${process.pid}`,
    accountId: 42,
    amount: '150000',
    currency: 'IDR',
    method: 'NQ',
    customerEmail: 'buyer@example.test',
    callbackUrl: receiver.url,
    returnUrl: 'https://numpool.test/topups/done',
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

function asNotification(received: { headers: IncomingHttpHeaders; body: string }): IncomingNotification {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(received.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { rawBody: Buffer.from(received.body, 'utf8'), headers, receivedAt: new Date() };
}

const form = (
  body: string | Buffer,
  contentType = 'application/x-www-form-urlencoded',
): IncomingNotification => ({
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  headers: { 'content-type': contentType },
  receivedAt: new Date(),
});

/** Pays through the control API and returns the callbacks that reached the receiver for it. */
async function payAndCollect(reference: string, payBody: Record<string, unknown> = {}) {
  const before = receiver.received.length;
  const paid = await control('POST', `/payments/${reference}/pay`, payBody);
  expect(paid.status).toBe(200);
  const count = paid.body.deliveries.length;
  await receiver.waitFor(before + count);
  return { paid, callbacks: receiver.received.slice(before, before + count) };
}

describe('createPayment', () => {
  test('QRIS: a reference, a payment URL and an EMV payload; no VA number', async () => {
    const request = input({ method: 'NQ' });
    const created = await gateway.createPayment(request);
    expect(created.gatewayPaymentId).toMatch(/^DS0001[0-9A-F]{16}$/);
    expect(created.paymentUrl).toContain(created.gatewayPaymentId);
    expect(created.qrString).toMatch(/^000201010212.*5303360.*54061500005802ID.*6304[0-9A-F]{4}$/);
    expect(created.vaNumber).toBeNull();
    expect(created.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);

    const held = await control('GET', `/payments/${created.gatewayPaymentId}`);
    expect(held.body.request).toMatchObject({
      merchantCode: MERCHANT,
      paymentAmount: 150000,
      paymentMethod: 'NQ',
      merchantOrderId: request.topupId,
      productDetails: 'numpool balance top-up',
      email: 'buyer@example.test',
      callbackUrl: receiver.url,
      returnUrl: 'https://numpool.test/topups/done',
      expiryPeriod: 60,
      merchantUserInfo: 'acct-42',
      itemDetails: [{ name: 'numpool balance top-up', price: 150000, quantity: 1 }],
    });
    expect(JSON.stringify(held.body)).not.toContain(API_KEY);
  });

  test('VA: a virtual-account number, no QR payload', async () => {
    const created = await gateway.createPayment(
      input({ method: 'BC', expiresAt: new Date(Date.now() + 90_000) }),
    );
    expect(created.vaNumber).toMatch(/^\d{16}$/);
    expect(created.qrString).toBeNull();
    const held = await control('GET', `/payments/${created.gatewayPaymentId}`);
    expect(held.body.request.expiryPeriod).toBe(2);
  });

  test('a retried inquiry for the same top-up gets the same transaction', async () => {
    const request = input();
    const first = await gateway.createPayment(request);
    const again = await gateway.createPayment(request);
    expect(again.gatewayPaymentId).toBe(first.gatewayPaymentId);
  });

  test('no method, a non-IDR currency or a fractional amount: refused before any call, not retryable', async () => {
    const before = (await control('GET', '/payments')).body.payments.length;
    for (const bad of [
      input({ method: undefined }),
      input({ method: '' }),
      input({ currency: 'USD' }),
      input({ amount: '150000.50' }),
      input({ amount: '0' }),
    ]) {
      const error = await gatewayError(gateway.createPayment(bad));
      expect(error.retryable).toBe(false);
    }
    expect((await control('GET', '/payments')).body.payments.length).toBe(before);
  });

  test("Duitku's refusals (4xx) are not retryable and carry its Message", async () => {
    const wrongKey = await gatewayError(
      gatewayWith({ merchantCode: MERCHANT, apiKey: 'not-the-key' }).createPayment(input()),
    );
    expect(wrongKey).toMatchObject({ retryable: false, gatewayMessage: 'Wrong signature' });
    expect(wrongKey.message).not.toContain('not-the-key');

    const unknownMerchant = await gatewayError(
      gatewayWith({ merchantCode: 'DS9999', apiKey: API_KEY }).createPayment(input()),
    );
    expect(unknownMerchant).toMatchObject({ retryable: false, gatewayMessage: 'Merchant not found' });

    const unknownMethod = await gatewayError(gateway.createPayment(input({ method: 'ZZ' })));
    expect(unknownMethod).toMatchObject({
      retryable: false,
      gatewayMessage: 'Payment channel not available',
    });
  });

  test('down (503), a closed port and a server that never answers are retryable', async () => {
    await control('POST', '/faults', { down: true });
    const down = await gatewayError(gateway.createPayment(input()));
    expect(down).toMatchObject({ retryable: true, gatewayMessage: 'Service Unavailable' });
    const downStatus = await gatewayError(
      gateway.fetchStatus({ gatewayPaymentId: 'x', topupId: 'np-topup-1' }),
    );
    expect(downStatus.retryable).toBe(true);
    await control('POST', '/faults', { down: false });
    expect((await gateway.createPayment(input())).gatewayPaymentId).toMatch(/^DS0001/);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await gatewayError(
      gatewayWith({ merchantCode: MERCHANT, apiKey: API_KEY }, `http://127.0.0.1:${port}`).createPayment(
        input(),
      ),
    );
    expect(refused.retryable).toBe(true);

    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const timedOut = await gatewayError(
        gatewayWith({ merchantCode: MERCHANT, apiKey: API_KEY }, url, 300).createPayment(input()),
      );
      expect(timedOut.retryable).toBe(true);
      expect(timedOut.message).toContain('timed out');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('pay → callback → verify → re-check', () => {
  test('a paid QRIS payment: the form callback verifies and the status call says paid', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    expect(
      (await gateway.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: request.topupId }))
        .state,
    ).toBe('pending');
    const { paid, callbacks } = await payAndCollect(created.gatewayPaymentId);
    expect(paid.body.deliveries).toEqual([{ resultCode: '00', status: 200 }]);
    const [callback] = callbacks;
    expect(callback!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(callback!.body).toBe(
      `merchantCode=DS0001&amount=150000&merchantOrderId=${request.topupId}&productDetail=numpool+balance+top-up` +
        `&additionalParam=&paymentCode=NQ&resultCode=00&merchantUserId=acct-42&reference=${created.gatewayPaymentId}` +
        `&spUserHash=&signature=${callbackSignature({ merchantCode: MERCHANT, apiKey: API_KEY }, { amount: '150000', merchantOrderId: request.topupId })}`,
    );
    expect(gateway.verifyNotification(asNotification(callback!))).toEqual({
      eventKey: `${created.gatewayPaymentId}:00`,
      event: {
        kind: 'payment',
        gatewayPaymentId: created.gatewayPaymentId,
        topupId: request.topupId,
        gatewayStatus: '00',
        paid: { amount: '150000', currency: 'IDR' },
      },
    });
    expect(gateway.answer('accepted')).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'OK',
    });
    expect(
      await gateway.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: request.topupId }),
    ).toEqual({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: request.topupId,
      state: 'paid',
      paidAmount: '150000',
      paidCurrency: 'IDR',
      chargeRef: null,
      gatewayStatus: '00 SUCCESS',
    });
  });

  test('the paid amount comes from the re-check (a VA paid with a different amount)', async () => {
    const request = input({ method: 'BC' });
    const created = await gateway.createPayment(request);
    const { callbacks } = await payAndCollect(created.gatewayPaymentId, { amount: 149000 });
    expect(gateway.verifyNotification(asNotification(callbacks[0]!)).eventKey).toBe(
      `${created.gatewayPaymentId}:00`,
    );
    const status = await gateway.fetchStatus({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: request.topupId,
    });
    expect(status).toMatchObject({ state: 'paid', paidAmount: '149000', paidCurrency: 'IDR' });
  });

  test('resultCode 01: still a payment event (re-check decides); the status call says failed', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    const { callbacks } = await payAndCollect(created.gatewayPaymentId, { resultCode: '01' });
    const verified = gateway.verifyNotification(asNotification(callbacks[0]!));
    expect(verified).toEqual({
      eventKey: `${created.gatewayPaymentId}:01`,
      event: {
        kind: 'payment',
        gatewayPaymentId: created.gatewayPaymentId,
        topupId: request.topupId,
        gatewayStatus: '01',
        paid: null,
      },
    });
    const status = await gateway.fetchStatus({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: request.topupId,
    });
    expect(status).toMatchObject({ state: 'failed', paidAmount: null, gatewayStatus: '02 FAILED' });
  });

  test('an expired transaction reads failed; paying it afterwards is refused', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    expect((await control('POST', `/payments/${created.gatewayPaymentId}/expire`)).status).toBe(200);
    const status = await gateway.fetchStatus({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: request.topupId,
    });
    expect(status.state).toBe('failed');
    expect((await control('POST', `/payments/${created.gatewayPaymentId}/pay`, {})).status).toBe(409);
  });

  test('an unknown top-up at the status call is a non-retryable GatewayError', async () => {
    const error = await gatewayError(
      gateway.fetchStatus({ gatewayPaymentId: 'DS0001X', topupId: 'np-topup-none' }),
    );
    expect(error).toMatchObject({ retryable: false, gatewayMessage: 'Transaction not found' });
  });

  test('concurrent duplicates share one event key; an out-of-order 01 after the 00 does not unpay', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    const { paid, callbacks } = await payAndCollect(created.gatewayPaymentId, {
      notify: { times: 3, outOfOrder: true },
    });
    expect(paid.body.deliveries.map((d) => d.resultCode)).toEqual(['00', '00', '00', '01']);
    const keys = callbacks.map((c) => gateway.verifyNotification(asNotification(c)).eventKey);
    expect(keys.sort()).toEqual([
      `${created.gatewayPaymentId}:00`,
      `${created.gatewayPaymentId}:00`,
      `${created.gatewayPaymentId}:00`,
      `${created.gatewayPaymentId}:01`,
    ]);
    const status = await gateway.fetchStatus({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: request.topupId,
    });
    expect(status.state).toBe('paid');
  });

  test('times 0: no callback (a lost notification), the status call still says paid', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    const before = receiver.received.length;
    const paid = await control('POST', `/payments/${created.gatewayPaymentId}/pay`, { notify: { times: 0 } });
    expect(paid.body.deliveries).toEqual([]);
    expect(receiver.received.length).toBe(before);
    expect(
      (await gateway.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: request.topupId }))
        .state,
    ).toBe('paid');
  });

  test('statusDisagrees: the callback says 00, the re-check says pending', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    await control('POST', '/faults', { statusDisagrees: true });
    const { callbacks } = await payAndCollect(created.gatewayPaymentId);
    expect(gateway.verifyNotification(asNotification(callbacks[0]!)).eventKey).toBe(
      `${created.gatewayPaymentId}:00`,
    );
    const status = await gateway.fetchStatus({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: request.topupId,
    });
    expect(status).toMatchObject({ state: 'pending', paidAmount: null });
  });

  test('a status answer naming another transaction goes to review', async () => {
    const request = input();
    const created = await gateway.createPayment(request);
    await control('POST', `/payments/${created.gatewayPaymentId}/pay`, { notify: { times: 0 } });
    const status = await gateway.fetchStatus({
      gatewayPaymentId: 'DS0001FFFFFFFFFFFFFFFF',
      topupId: request.topupId,
    });
    expect(status.state).toBe('review');
  });
});

describe('callbacks that must be refused', () => {
  test('a bad signature: bad_signature, answered 400', async () => {
    const created = await gateway.createPayment(input());
    const { callbacks } = await payAndCollect(created.gatewayPaymentId, { notify: { badSignature: true } });
    const refused = rejection(() => gateway.verifyNotification(asNotification(callbacks[0]!)));
    expect(refused.reason).toBe('bad_signature');
    expect(gateway.answer(refused)).toEqual({
      status: 400,
      contentType: 'text/plain; charset=utf-8',
      body: 'bad_signature',
    });
  });

  test('another merchant code: wrong_merchant, answered 400', async () => {
    const created = await gateway.createPayment(input());
    const { callbacks } = await payAndCollect(created.gatewayPaymentId);
    const other = gatewayWith({ merchantCode: 'DS0002', apiKey: API_KEY });
    const refused = rejection(() => other.verifyNotification(asNotification(callbacks[0]!)));
    expect(refused.reason).toBe('wrong_merchant');
    expect(other.answer(refused).status).toBe(400);
  });

  test('a valid body with a tampered amount or order id no longer verifies', () => {
    const body = (amount: string, orderId: string) =>
      `merchantCode=DS0001&amount=${amount}&merchantOrderId=${orderId}&resultCode=00&reference=DS0001AA&signature=22b334c3821f81d6734d3ee6f572a462`;
    expect(gateway.verifyNotification(form(body('150000', 'np-topup-000124'))).eventKey).toBe('DS0001AA:00');
    expect(rejection(() => gateway.verifyNotification(form(body('1500000', 'np-topup-000124')))).reason).toBe(
      'bad_signature',
    );
    expect(rejection(() => gateway.verifyNotification(form(body('150000', 'np-topup-000125')))).reason).toBe(
      'bad_signature',
    );
  });

  test('the 404 a top-up domain gives for an unknown order is answered 404', () => {
    expect(gateway.answer(new NotificationRejected('stale', 'unknown order', 404)).status).toBe(404);
  });

  const good =
    'merchantCode=DS0001&amount=150000&merchantOrderId=np-topup-000124&productDetail=numpool+top-up&additionalParam=' +
    '&paymentCode=NQ&resultCode=00&merchantUserId=acct-42&reference=DS000126A1B2C3D4E5F6G7&spUserHash=' +
    '&signature=22b334c3821f81d6734d3ee6f572a462';

  test("the spec's example callback verifies", () => {
    expect(gateway.verifyNotification(form(good))).toEqual({
      eventKey: 'DS000126A1B2C3D4E5F6G7:00',
      event: {
        kind: 'payment',
        gatewayPaymentId: 'DS000126A1B2C3D4E5F6G7',
        topupId: 'np-topup-000124',
        gatewayStatus: '00',
        paid: { amount: '150000', currency: 'IDR' },
      },
    });
  });

  test.each([
    ['JSON instead of a form', form(JSON.stringify({ merchantCode: 'DS0001' }), 'application/json')],
    ['no content type', { rawBody: Buffer.from(good), headers: {}, receivedAt: new Date() }],
    ['an empty body', form('')],
    ['no signature', form(good.replace(/&signature=[0-9a-f]+/, ''))],
    ['no reference', form(good.replace('reference=DS000126A1B2C3D4E5F6G7', 'reference='))],
    ['no merchantCode', form(good.replace('merchantCode=DS0001&', ''))],
    ['no amount', form(good.replace('amount=150000&', ''))],
    ['a repeated field', form(`${good}&amount=1`)],
    ['a huge body', form(`${good}&pad=${'x'.repeat(100_000)}`)],
    ['a NUL byte', form(Buffer.concat([Buffer.from(good), Buffer.from([0])]))],
    ['a percent-encoded NUL', form(good.replace('spUserHash=', 'spUserHash=%00'))],
    [
      'invalid UTF-8',
      form(Buffer.concat([Buffer.from(good), Buffer.from('&x='), Buffer.from([0xc3, 0x28])])),
    ],
    ['a non-numeric amount', form(good.replace('amount=150000', 'amount=1e5'))],
    ['a three-digit resultCode', form(good.replace('resultCode=00', 'resultCode=000'))],
  ])('%s: malformed', (_name, notification) => {
    expect(rejection(() => gateway.verifyNotification(notification as IncomingNotification)).reason).toBe(
      'malformed',
    );
  });

  test('a signature that is not 32 hex digits: bad_signature', () => {
    const notification = form(good.replace(/signature=[0-9a-f]+/, 'signature=zz'));
    expect(rejection(() => gateway.verifyNotification(notification)).reason).toBe('bad_signature');
  });

  test('any bytes at all: a NotificationRejected or a verified event, never another throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
          fc.string({ maxLength: 400 }).map((s) => Buffer.from(s)),
          fc
            .dictionary(
              fc.constantFrom(
                'merchantCode',
                'amount',
                'merchantOrderId',
                'resultCode',
                'reference',
                'signature',
                'x',
              ),
              fc.string({ maxLength: 40 }),
            )
            .map((fields) => Buffer.from(new URLSearchParams(fields).toString())),
        ),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=UTF-8',
          'text/plain',
        ),
        (rawBody, contentType) => {
          try {
            gateway.verifyNotification({
              rawBody,
              headers: { 'content-type': contentType },
              receivedAt: new Date(),
            });
          } catch (error) {
            if (!(error instanceof NotificationRejected)) throw error;
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('listPaymentMethods and the persona wire surface', () => {
  test('getpaymentmethod lists the methods with fees, signed with sha256', async () => {
    const methods = await gateway.listPaymentMethods('150000');
    expect(methods).toContainEqual(
      expect.objectContaining({ method: 'NQ', name: 'NOBU QRIS', totalFee: '1050' }),
    );
    expect(methods).toContainEqual(expect.objectContaining({ method: 'BC', totalFee: '4000' }));
    const wrong = await gatewayError(
      gatewayWith({ merchantCode: MERCHANT, apiKey: 'nope' }).listPaymentMethods('150000'),
    );
    expect(wrong).toMatchObject({ retryable: false, gatewayMessage: 'Wrong signature' });
  });

  test('the persona takes both spellings of merchantcode', async () => {
    const { paymentMethodsSignature } = await import('../../src/payments/duitku/duitku-signature.ts');
    const datetime = '2026-01-15 10:30:00';
    const signature = paymentMethodsSignature(
      { merchantCode: MERCHANT, apiKey: API_KEY },
      { amount: '150000', datetime },
    );
    expect(signature).toBe('82477b2bfa1d8615da06ec6a9f86aa74c5f127c1b179dfa68c7377059eab1f50');
    for (const key of ['merchantcode', 'merchantCode']) {
      const response = await fetch(`${sim.url}/duitku/webapi/api/merchant/paymentmethod/getpaymentmethod`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [key]: MERCHANT, amount: 150000, datetime, signature }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { responseCode: string }).responseCode).toBe('00');
    }
  });

  test('inquiry: 400 for missing fields or non-JSON, 404 unknown merchant, 401 bad signature', async () => {
    const post = async (body: string) => {
      const response = await fetch(`${sim.url}/duitku/webapi/api/merchant/v2/inquiry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, body: (await response.json()) as { Message: string } };
    };
    const full = {
      merchantCode: MERCHANT,
      paymentAmount: 150000,
      paymentMethod: 'NQ',
      merchantOrderId: 'np-topup-000124',
      productDetails: 'numpool balance top-up',
      email: 'buyer@example.test',
      callbackUrl: receiver.url,
      returnUrl: 'https://numpool.test/done',
      signature: '75f74b2a51c2aa472e9e7eed1e13e6a4',
    };
    expect((await post('not json')).status).toBe(400);
    const { email: _email, ...noEmail } = full;
    expect(await post(JSON.stringify(noEmail))).toEqual({
      status: 400,
      body: { Message: 'email is required' },
    });
    expect((await post(JSON.stringify({ ...full, merchantCode: 'DS0002' }))).status).toBe(404);
    expect((await post(JSON.stringify({ ...full, paymentAmount: 150001 }))).status).toBe(401);
    expect((await post(JSON.stringify({ ...full, paymentMethod: 'BC' }))).body.Message).toBe(
      'customerVaName is required',
    );
    const created = await post(JSON.stringify(full));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      merchantCode: MERCHANT,
      amount: '150000',
      statusCode: '00',
      vaNumber: '',
    });
  });

  test('the control API: faults read back, unknown payments 404', async () => {
    expect((await control('POST', '/faults', { statusDisagrees: true })).body).toEqual({
      down: false,
      statusDisagrees: true,
      amountDisagrees: false,
    });
    expect((await control('GET', '/faults')).body.statusDisagrees).toBe(true);
    expect((await control('POST', '/payments/DS0001NOPE/pay', {})).status).toBe(404);
    const created = await gateway.createPayment(input());
    expect(
      (await control('POST', `/payments/${created.gatewayPaymentId}/pay`, { resultCode: '02' })).status,
    ).toBe(400);
  });
});

test('the adapter never shows its api key', () => {
  const shown = `${inspect(gateway, { showHidden: true, depth: 5 })} ${JSON.stringify(gateway)}`;
  expect(shown).not.toContain(API_KEY);
  expect(() => gatewayWith({ merchantCode: MERCHANT })).toThrow(GatewayError);
});
