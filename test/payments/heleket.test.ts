import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfig, PaymentGateway } from '../../src/payments/gateway-port.ts';
import { createHeleketGateway } from '../../src/payments/heleket/heleket-gateway.ts';
import { signHeleketBody } from '../../src/payments/heleket/heleket-signature.ts';
import { type GatewaySimulator, startGatewaySimulator } from '../../src/sim/gateways/gateway-sim-server.ts';
import { heleketSim } from '../../src/sim/gateways/heleket-sim.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';
import { gatewayErrorOf as gatewayError, rejectionOf } from './gateway-errors.ts';

const MERCHANT = '8b03432e-385b-4670-8d06-064591096795';
const KEY = 'hk_sim_payment_key';

let sim: GatewaySimulator;
let receiver: Receiver;
let config: GatewayConfig;
let gateway: PaymentGateway;
let next = 0;

beforeAll(async () => {
  sim = await startGatewaySimulator({ sims: [heleketSim({ merchant: MERCHANT, paymentKey: KEY })] });
  receiver = await startReceiver();
  config = {
    code: 'heleket',
    baseUrl: `${sim.url}/heleket`,
    credentials: { merchant: MERCHANT, paymentKey: KEY },
    timeoutMs: 5000,
  };
  gateway = createHeleketGateway(config);
});
afterAll(async () => {
  await sim.close();
});

async function control(
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/control/heleket${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function create(amount = '10.00') {
  const topupId = `np-topup-${String(++next).padStart(6, '0')}`;
  const created = await gateway.createPayment({
    topupId,
    accountId: 42,
    amount,
    currency: 'USD',
    customerEmail: 'buyer@example.test',
    callbackUrl: receiver.url,
    returnUrl: 'https://numpool.example/pay/return',
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return { topupId, created, uuid: created.gatewayPaymentId };
}

/** Webhooks for one payment that arrived, once `count` have. */
async function hooksFor(uuid: string, count: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mine = receiver.received.filter((r) => r.body.includes(uuid));
    if (mine.length >= count) return mine;
    if (Date.now() > deadline) throw new Error(`expected ${count} webhooks for ${uuid}, got ${mine.length}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const incoming = (body: string | Buffer) => ({
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  headers: { 'content-type': 'application/json' },
  receivedAt: new Date(),
});

const rejection = (body: string | Buffer) => rejectionOf(() => gateway.verifyNotification(incoming(body)));

describe('Heleket adapter against the simulator', () => {
  it('creates an invoice with the USD amount, order id, callback and account note', async () => {
    const { topupId, created, uuid } = await create('12.5');
    expect(created.paymentUrl).toContain(`/heleket/pay/${uuid}`);
    expect(created.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    const listed = ((await control('/payments')).body.payments as Array<Record<string, unknown>>).find(
      (p) => p.uuid === uuid,
    );
    expect(listed).toMatchObject({
      order_id: topupId,
      amount: '12.50',
      currency: 'USD',
      status: 'check',
      url_callback: receiver.url,
      url_return: 'https://numpool.example/pay/return',
      url_success: 'https://numpool.example/pay/return',
      additional_data: 'acct:42',
    });
    expect(await gateway.fetchStatus({ gatewayPaymentId: uuid, topupId })).toEqual({
      gatewayPaymentId: uuid,
      topupId,
      state: 'pending',
      paidAmount: null,
      paidCurrency: null,
      chargeRef: null,
      gatewayStatus: 'check',
    });
  });

  it('re-sending an order id returns the existing invoice', async () => {
    const { topupId, uuid } = await create();
    const again = await gateway.createPayment({
      topupId,
      accountId: 42,
      amount: '99.00',
      currency: 'USD',
      customerEmail: 'buyer@example.test',
      callbackUrl: receiver.url,
      returnUrl: 'https://numpool.example/pay/return',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(again.gatewayPaymentId).toBe(uuid);
  });

  it('pay → the signed webhook arrives and verifies; the re-check says paid', async () => {
    const { topupId, uuid } = await create();
    expect((await control(`/payments/${uuid}/pay`, {})).status).toBe(200);
    const [hook] = await hooksFor(uuid, 1);
    const body = hook!.body;
    expect(body.endsWith(`"sign":"${JSON.parse(body).sign}"}`)).toBe(true);
    expect(body).toContain('"additional_data":"acct:42"');
    expect(gateway.verifyNotification(incoming(body))).toEqual({
      eventKey: `${uuid}:paid`,
      event: {
        kind: 'payment',
        gatewayPaymentId: uuid,
        topupId,
        gatewayStatus: 'paid',
        paid: { amount: '10.00', currency: 'USD' },
      },
    });
    expect(await gateway.fetchStatus({ gatewayPaymentId: uuid, topupId })).toMatchObject({
      state: 'paid',
      paidAmount: '10.00',
      paidCurrency: 'USD',
      gatewayStatus: 'paid',
    });
    expect(gateway.answer('accepted')).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"ok":true}',
    });
  });

  it('maps each status of the info call', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string | null]> = [
      ['pay', { status: 'paid_over', payment_amount_usd: '11.00' }, 'paid', '11.00'],
      ['pay', { status: 'wrong_amount', payment_amount_usd: '4.00' }, 'paid', '4.00'],
      ['status', { status: 'cancel' }, 'expired', null],
      ['status', { status: 'fail' }, 'failed', null],
      ['status', { status: 'system_fail' }, 'failed', null],
      ['status', { status: 'locked' }, 'review', null],
      ['status', { status: 'process' }, 'pending', null],
      ['status', { status: 'confirm_check' }, 'pending', null],
      ['status', { status: 'wrong_amount_waiting' }, 'pending', null],
      ['status', { status: 'refund_process' }, 'pending', null],
      ['status', { status: 'paid' }, 'review', null],
    ];
    for (const [action, body, state, paidAmount] of cases) {
      const { topupId, uuid } = await create();
      expect((await control(`/payments/${uuid}/${action}`, { ...body, notify: { times: 0 } })).status).toBe(
        200,
      );
      const status = await gateway.fetchStatus({ gatewayPaymentId: uuid, topupId });
      expect({ status: body.status, state: status.state, paidAmount: status.paidAmount }).toEqual({
        status: body.status,
        state,
        paidAmount,
      });
    }
  });

  it('refund → refund_paid webhook is a refund event with the amount; the re-check says refunded', async () => {
    const { topupId, uuid } = await create('7.00');
    await control(`/payments/${uuid}/pay`, { notify: { times: 0 } });
    expect((await control(`/payments/${uuid}/refund`, {})).status).toBe(200);
    const [hook] = await hooksFor(uuid, 1);
    expect(gateway.verifyNotification(incoming(hook!.body))).toEqual({
      eventKey: `${uuid}:refund_paid`,
      event: {
        kind: 'refund',
        gatewayPaymentId: uuid,
        chargeRef: null,
        reversalRef: null,
        topupId,
        amount: '7.00',
        currency: 'USD',
      },
    });
    expect((await gateway.fetchStatus({ gatewayPaymentId: uuid, topupId })).state).toBe('refunded');
  });

  it('a refund is re-checked with the info call: the invoice refunded there, its paid amount counts', async () => {
    const { topupId, uuid } = await create('7.00');
    await control(`/payments/${uuid}/pay`, { notify: { times: 0 } });
    const claimed = {
      kind: 'refund',
      gatewayPaymentId: uuid,
      chargeRef: null,
      reversalRef: null,
      topupId,
      amount: '700.00',
      currency: 'USD',
    } as const;
    // Not refunded at Heleket yet: asked again later rather than acted on.
    expect((await gatewayError(gateway.fetchReversal!(claimed))).retryable).toBe(true);
    await control(`/payments/${uuid}/refund`, { notify: { times: 0 } });
    expect(await gateway.fetchReversal!(claimed)).toEqual({ ...claimed, amount: '7.00' });
    // About another top-up, it proves nothing and is not asked again.
    const other = { ...claimed, topupId: 'np-topup-999999' };
    expect((await gatewayError(gateway.fetchReversal!(other))).retryable).toBe(false);
  });

  it('duplicates arrive with the same event key; out of order, an older status follows the final one', async () => {
    const { uuid } = await create();
    await control(`/payments/${uuid}/pay`, { notify: { times: 3, outOfOrder: true } });
    const hooks = await hooksFor(uuid, 4);
    const keys = hooks.map((h) => gateway.verifyNotification(incoming(h.body)).eventKey);
    expect(keys.slice(0, 3)).toEqual([`${uuid}:paid`, `${uuid}:paid`, `${uuid}:paid`]);
    expect(keys[3]).toBe(`${uuid}:confirm_check`);
    expect(JSON.parse(hooks[3]!.body).is_final).toBe(false);
    // Only a final credited status states what was paid.
    expect(gateway.verifyNotification(incoming(hooks[3]!.body)).event).toMatchObject({ paid: null });
  });

  it('a badly signed notification is rejected as bad_signature, answered 400', async () => {
    const { uuid } = await create();
    await control(`/payments/${uuid}/pay`, { notify: { badSignature: true } });
    const [hook] = await hooksFor(uuid, 1);
    const rejected = rejection(hook!.body);
    expect(rejected.reason).toBe('bad_signature');
    expect(gateway.answer(rejected)).toMatchObject({ status: 400, contentType: 'application/json' });
  });

  it('resend delivers the final status again', async () => {
    const { uuid } = await create();
    await control(`/payments/${uuid}/pay`, { notify: { times: 0 } });
    const signed = (body: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', merchant: MERCHANT, sign: signFor(body) },
      body,
    });
    const response = await fetch(`${sim.url}/heleket/v1/payment/resend`, signed(JSON.stringify({ uuid })));
    expect(await response.json()).toEqual({ state: 0, result: [] });
    const [hook] = await hooksFor(uuid, 1);
    expect(gateway.verifyNotification(incoming(hook!.body)).eventKey).toBe(`${uuid}:paid`);
  });

  it('a wrong merchant header is a final GatewayError with Heleket’s message', async () => {
    const other = createHeleketGateway({ ...config, credentials: { merchant: 'not-ours', paymentKey: KEY } });
    const error = await gatewayError(other.fetchStatus({ gatewayPaymentId: 'x', topupId: 'np-topup-1' }));
    expect(error.retryable).toBe(false);
    expect(error.gatewayMessage).toMatch(/merchant/);
    const wrongKey = createHeleketGateway({
      ...config,
      credentials: { merchant: MERCHANT, paymentKey: 'nope' },
    });
    expect(
      (await gatewayError(wrongKey.fetchStatus({ gatewayPaymentId: 'x', topupId: 'np-topup-1' }))).retryable,
    ).toBe(false);
    expect(error.message).not.toContain(KEY);
  });

  it('an unknown payment and a 422 are final GatewayErrors', async () => {
    const missing = await gatewayError(
      gateway.fetchStatus({ gatewayPaymentId: 'no-such', topupId: 'np-topup-1' }),
    );
    expect(missing).toMatchObject({ retryable: false, gatewayMessage: 'Payment not found' });
    const invalid = await gatewayError(
      gateway.createPayment({
        topupId: 'bad id with spaces',
        accountId: 1,
        amount: '1.00',
        currency: 'USD',
        customerEmail: 'a@example.test',
        callbackUrl: receiver.url,
        returnUrl: 'https://numpool.example/r',
        expiresAt: new Date(Date.now() + 3_600_000),
      }),
    );
    expect(invalid.retryable).toBe(false);
    expect(invalid.gatewayMessage).toContain('order_id: validation.regex');
  });

  it('down: every call is a retryable GatewayError; an unreachable host too', async () => {
    const { topupId, uuid } = await create();
    await control('/faults', { down: true });
    try {
      const error = await gatewayError(gateway.fetchStatus({ gatewayPaymentId: uuid, topupId }));
      expect(error.retryable).toBe(true);
      expect((await gatewayError(create())).retryable).toBe(true);
    } finally {
      await control('/faults', { down: false });
    }
    const closed = createHeleketGateway({ ...config, baseUrl: 'http://127.0.0.1:1/heleket' });
    expect((await gatewayError(closed.fetchStatus({ gatewayPaymentId: uuid, topupId }))).retryable).toBe(
      true,
    );
  });

  it('statusDisagrees: the re-check says pending after a paid webhook', async () => {
    const { topupId, uuid } = await create();
    await control('/faults', { statusDisagrees: true });
    try {
      await control(`/payments/${uuid}/pay`, {});
      const [hook] = await hooksFor(uuid, 1);
      expect(gateway.verifyNotification(incoming(hook!.body)).eventKey).toBe(`${uuid}:paid`);
      expect(await gateway.fetchStatus({ gatewayPaymentId: uuid, topupId })).toMatchObject({
        state: 'pending',
        paidAmount: null,
        gatewayStatus: 'check',
      });
    } finally {
      await control('/faults', { statusDisagrees: false });
    }
  });

  it('amountDisagrees: the re-check says paid at half what the webhook stated', async () => {
    const { topupId, uuid } = await create();
    await control('/faults', { amountDisagrees: true });
    try {
      await control(`/payments/${uuid}/pay`, {});
      const [hook] = await hooksFor(uuid, 1);
      expect(gateway.verifyNotification(incoming(hook!.body)).event).toMatchObject({
        paid: { amount: '10.00', currency: 'USD' },
      });
      expect(await gateway.fetchStatus({ gatewayPaymentId: uuid, topupId })).toMatchObject({
        state: 'paid',
        paidAmount: '5.00',
      });
    } finally {
      await control('/faults', { amountDisagrees: false });
    }
  });

  it('malformed webhook bodies are NotificationRejected, never another error', () => {
    const bodies: Array<[string | Buffer, string]> = [
      ['not json', 'malformed'],
      ['', 'malformed'],
      ['[1,2]', 'malformed'],
      ['"text"', 'malformed'],
      ['null', 'malformed'],
      ['{"type":"payment","uuid":"u","status":"paid"}', 'bad_signature'],
      ['{"type":"payment","uuid":"u","status":"paid","sign":123}', 'malformed'],
      ['{"type":"payment","uuid":"u","status":"paid","sign":null}', 'malformed'],
      [
        '{"type":"payment","uuid":"u","status":"paid","sign":"00000000000000000000000000000000"}',
        'bad_signature',
      ],
      ['{"sign":"a","sign":"b"}', 'malformed'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x7b]), 'malformed'],
      [`{"type":"payment","pad":"${'x'.repeat(70 * 1024)}","sign":"a"}`, 'malformed'],
      [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'malformed'],
      [`{"sign":"a","deep":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, 'malformed'],
      ['{"sign":"a","deep":[[[]]],"s":"[[[[[[[[[[[[[[[[[[[[[["}', 'bad_signature'],
    ];
    for (const [body, reason] of bodies) {
      expect({ body: String(body).slice(0, 60), reason: rejection(body).reason }).toEqual({
        body: String(body).slice(0, 60),
        reason,
      });
    }
  });
});

function signFor(body: string): string {
  return signHeleketBody(body, KEY);
}
