/**
 * The Stripe adapter against the simulator over real HTTP, through the official library: sessions,
 * status re-checks, idempotent creates, and the signed events the simulator sends to a local receiver.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreatePaymentInput,
  GatewayError,
  type IncomingNotification,
  NotificationRejected,
  type PaymentGateway,
  type VerifiedNotification,
} from '../../src/payments/gateway-port.ts';
import { createStripeGateway } from '../../src/payments/stripe/stripe-gateway.ts';
import { type GatewaySimulator, startGatewaySimulator } from '../../src/sim/gateways/gateway-sim-server.ts';
import { stripeSim } from '../../src/sim/gateways/stripe-sim.ts';
import { type Received, type Receiver, startReceiver } from '../support/webhook-receiver.ts';

const SECRET_KEY = 'sk_test_numpool_sim_1';
const WEBHOOK_SECRET = 'whsec_numpool_sim_1';

let simulator: GatewaySimulator;
let stripe: PaymentGateway;
let hooks: Receiver;
let topups = 0;
/** How far the simulated Stripe's clock runs ahead of real time. */
let simAheadMs = 0;

beforeAll(async () => {
  simulator = await startGatewaySimulator({
    sims: [stripeSim({ secretKey: SECRET_KEY, now: () => new Date(Date.now() + simAheadMs) })],
  });
  stripe = gatewayAt(simulator.url);
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(async () => {
  // A receiver per test, so each test sees only its own deliveries.
  hooks = await startReceiver();
  await control('POST', '/webhook-endpoint', { url: hooks.url, secret: WEBHOOK_SECRET });
  await control('POST', '/faults', { down: false, statusDisagrees: false, amountDisagrees: false });
});

function gatewayAt(baseUrl: string, secretKey = SECRET_KEY): PaymentGateway {
  return createStripeGateway({
    code: 'stripe',
    baseUrl,
    credentials: { secretKey, webhookSecret: WEBHOOK_SECRET },
    timeoutMs: 5000,
  });
}

/** What the control API answers, loosely: the fields these tests read. */
interface ControlReply {
  session: Record<string, unknown> & { id: string; payment_intent: string | null };
  charge: { id: string } | null;
  events: string[];
  sessions: ControlReply[];
}

async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: ControlReply }> {
  const response = await fetch(`${simulator.url}/control/stripe${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as ControlReply };
}

function input(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  topups += 1;
  return {
    topupId: `np-topup-${String(topups).padStart(6, '0')}`,
    accountId: 42,
    amount: '10.50',
    currency: 'USD',
    customerEmail: 'payer@example.test',
    callbackUrl: 'https://numpool.example.test/hooks/payments/stripe',
    returnUrl: 'https://numpool.example.test/pay/return',
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

async function listAll(gateway: PaymentGateway, since: Date) {
  const listed = [];
  for await (const payment of gateway.listPayments!({ since })) listed.push(payment);
  return listed;
}

function asNotification(received: Received): IncomingNotification {
  return {
    rawBody: Buffer.from(received.body),
    headers: received.headers as Record<string, string | undefined>,
    receivedAt: new Date(),
  };
}

function verify(received: Received): VerifiedNotification {
  return stripe.verifyNotification(asNotification(received));
}

function rejectionOf(received: Received): NotificationRejected {
  try {
    verify(received);
  } catch (error) {
    if (error instanceof NotificationRejected) return error;
    throw error;
  }
  throw new Error('expected the notification to be rejected');
}

async function gatewayError(run: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

async function sessionView(id: string): Promise<ControlReply | undefined> {
  const { body } = await control('GET', '/sessions');
  return body.sessions.find((s) => s.session.id === id);
}

describe('creating a checkout session', () => {
  it('sends the session numpool asks for and returns where to pay', async () => {
    const asked = input({ amount: '10.50' });
    const created = await stripe.createPayment(asked);
    expect(created.gatewayPaymentId).toMatch(/^cs_test_/);
    expect(created.paymentUrl).toBe(`${simulator.url}/stripe/checkout/${created.gatewayPaymentId}`);
    // The top-up's own expiry, to the second Stripe counts in.
    expect(created.expiresAt?.getTime()).toBe(Math.floor(asked.expiresAt.getTime() / 1000) * 1000);
    const session = (await sessionView(created.gatewayPaymentId))?.session;
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 1050,
      currency: 'usd',
      client_reference_id: asked.topupId,
      customer_email: 'payer@example.test',
      metadata: { topup_id: asked.topupId, account_id: '42' },
      payment_intent: null,
      success_url: 'https://numpool.example.test/pay/return?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://numpool.example.test/pay/return',
      livemode: false,
    });
    const page = await fetch(created.paymentUrl ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pay 10.50 USD');
  });

  it('the same top-up id creates the same session, retried a minute later too; another creates another', async () => {
    const asked = input();
    const first = await stripe.createPayment(asked);
    simAheadMs += 61_000;
    const again = await stripe.createPayment(asked);
    expect(again).toEqual(first);
    const other = await stripe.createPayment(input());
    expect(other.gatewayPaymentId).not.toBe(first.gatewayPaymentId);
    const { body } = await control('GET', '/sessions');
    expect(body.sessions.filter((s) => s.session.client_reference_id === asked.topupId)).toHaveLength(1);
  });

  it('the same top-up id with another amount or expiry is refused for good, as Stripe does', async () => {
    const asked = input();
    await stripe.createPayment(asked);
    const later = new Date(asked.expiresAt.getTime() + 60_000);
    for (const changed of [{ amount: '11.00' }, { expiresAt: later }]) {
      const error = await gatewayError(() => stripe.createPayment({ ...asked, ...changed }));
      expect(error.retryable).toBe(false);
      expect(error.gatewayMessage).toContain('same parameters');
    }
  });

  it('an amount below Stripe minimum is refused for good, with the gateway message', async () => {
    const error = await gatewayError(() => stripe.createPayment(input({ amount: '0.10' })));
    expect(error.retryable).toBe(false);
    expect(error.gatewayMessage).toContain('below the minimum');
  });

  it('an amount numpool cannot express in cents is refused before any call', async () => {
    const error = await gatewayError(() => stripe.createPayment(input({ amount: '1.005' })));
    expect(error.retryable).toBe(false);
  });

  it('a wrong secret key is refused for good', async () => {
    const error = await gatewayError(() => gatewayAt(simulator.url, 'sk_test_wrong').createPayment(input()));
    expect(error.retryable).toBe(false);
    expect(error.gatewayMessage).toContain('Invalid API Key');
  });
});

describe('paying and the re-check', () => {
  it('pending before payment, paid after, and the signed completed event verifies', async () => {
    const asked = input({ amount: '25.00' });
    const created = await stripe.createPayment(asked);
    const payment = { gatewayPaymentId: created.gatewayPaymentId, topupId: asked.topupId };
    expect(await stripe.fetchStatus(payment)).toMatchObject({ state: 'pending', paidAmount: null });

    const paid = await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    expect(paid.status).toBe(200);
    expect(paid.body.session.payment_intent).toMatch(/^pi_/);
    expect(paid.body.charge?.id).toMatch(/^ch_/);

    const [delivery] = await hooks.waitFor(1);
    expect(delivery?.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(delivery as Received)).toEqual({
      eventKey: paid.body.events[0],
      event: {
        kind: 'payment',
        gatewayPaymentId: created.gatewayPaymentId,
        topupId: asked.topupId,
        gatewayStatus: 'checkout.session.completed:paid',
        paid: { amount: '25.00', currency: 'USD' },
      },
    });
    expect(await stripe.fetchStatus(payment)).toEqual({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: asked.topupId,
      state: 'paid',
      paidAmount: '25.00',
      paidCurrency: 'USD',
      chargeRef: paid.body.session.payment_intent,
      gatewayStatus: 'complete/paid/succeeded',
    });
  });

  it('duplicates carry one event id; an older event arriving after is ignored', async () => {
    const created = await stripe.createPayment(input());
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {
      notify: { times: 3, outOfOrder: true },
    });
    const deliveries = await hooks.waitFor(4);
    const verified = deliveries.map(verify);
    const keys = new Set(verified.slice(0, 3).map((v) => v.eventKey));
    expect(keys.size).toBe(1);
    expect(verified.slice(0, 3).every((v) => v.event.kind === 'payment')).toBe(true);
    const late = JSON.parse(deliveries[3]?.body ?? '{}');
    const completed = JSON.parse(deliveries[0]?.body ?? '{}');
    expect(late.type).toBe('charge.succeeded');
    expect(late.created).toBeLessThan(completed.created);
    expect(verified[3]?.event).toEqual({ kind: 'ignored', reason: 'event type charge.succeeded' });
  });

  it('a bad signature and a stale timestamp are rejected', async () => {
    const one = await stripe.createPayment(input());
    await control('POST', `/sessions/${one.gatewayPaymentId}/pay`, { notify: { badSignature: true } });
    const two = await stripe.createPayment(input());
    await control('POST', `/sessions/${two.gatewayPaymentId}/pay`, { notify: { staleTimestamp: true } });
    const [bad, stale] = await hooks.waitFor(2);
    expect(rejectionOf(bad as Received).reason).toBe('bad_signature');
    expect(rejectionOf(stale as Received).reason).toBe('bad_signature');
    expect(stripe.answer(rejectionOf(bad as Received)).status).toBe(400);
  });

  it('a payment page pays the session and returns the browser with the session id', async () => {
    const created = await stripe.createPayment(input());
    const response = await fetch(`${created.paymentUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `https://numpool.example.test/pay/return?session_id=${created.gatewayPaymentId}`,
    );
    const [delivery] = await hooks.waitFor(1);
    expect(verify(delivery as Received).event).toMatchObject({ kind: 'payment' });
  });

  it('an expired session re-checks as expired', async () => {
    const asked = input();
    const created = await stripe.createPayment(asked);
    await control('POST', `/sessions/${created.gatewayPaymentId}/expire`, {});
    const [delivery] = await hooks.waitFor(1);
    expect(verify(delivery as Received).event).toMatchObject({
      kind: 'payment',
      gatewayStatus: 'checkout.session.expired:unpaid',
    });
    expect(
      await stripe.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: asked.topupId }),
    ).toMatchObject({ state: 'expired', paidAmount: null });
  });

  it('a session that names another top-up goes to review', async () => {
    const created = await stripe.createPayment(input());
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    const status = await stripe.fetchStatus({
      gatewayPaymentId: created.gatewayPaymentId,
      topupId: 'np-topup-x',
    });
    expect(status.state).toBe('review');
  });

  it('an unknown session is a permanent error', async () => {
    const error = await gatewayError(() =>
      stripe.fetchStatus({ gatewayPaymentId: 'cs_test_nope', topupId: 'x' }),
    );
    expect(error.retryable).toBe(false);
    expect(error.gatewayMessage).toContain('No such checkout.session');
  });
});

/** A list answer, or a refusal, of `GET /v1/checkout/sessions`. */
interface WireList {
  object?: string;
  data: Array<{ id: string; created: number }>;
  has_more?: boolean;
  url?: string;
  error: { type: string; code?: string };
}

describe('a delayed payment method', () => {
  const payDelayed = async () => {
    const asked = input();
    const created = await stripe.createPayment(asked);
    const payment = { gatewayPaymentId: created.gatewayPaymentId, topupId: asked.topupId };
    const paid = await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, { delayed: true });
    expect(paid.status).toBe(200);
    return { asked, payment };
  };

  it('completes unpaid and stays pending while its payment intent processes', async () => {
    const { payment } = await payDelayed();
    const [completed] = await hooks.waitFor(1);
    expect(verify(completed as Received).event).toMatchObject({
      kind: 'payment',
      gatewayStatus: 'checkout.session.completed:unpaid',
      paid: null,
    });
    expect(await stripe.fetchStatus(payment)).toMatchObject({
      state: 'pending',
      paidAmount: null,
      gatewayStatus: 'complete/unpaid/processing',
    });
  });

  it('that fails re-checks as failed, in the status call and in the list', async () => {
    const { payment } = await payDelayed();
    const settled = await control('POST', `/sessions/${payment.gatewayPaymentId}/settle`, {
      outcome: 'failed',
    });
    expect(settled.status).toBe(200);
    const [, failed] = await hooks.waitFor(2);
    expect(verify(failed as Received).event).toMatchObject({
      kind: 'payment',
      gatewayStatus: 'checkout.session.async_payment_failed:unpaid',
      paid: null,
    });
    expect(await stripe.fetchStatus(payment)).toMatchObject({
      state: 'failed',
      paidAmount: null,
      gatewayStatus: 'complete/unpaid/requires_payment_method',
    });
    const listed = await listAll(stripe, new Date(Date.now() - 60_000));
    expect(listed.find((p) => p.gatewayPaymentId === payment.gatewayPaymentId)).toMatchObject({
      state: 'failed',
    });
    // Settled once: it cannot settle again.
    expect(
      (await control('POST', `/sessions/${payment.gatewayPaymentId}/settle`, { outcome: 'succeeded' }))
        .status,
    ).toBe(409);
  });

  it('that succeeds re-checks as paid, with its charge', async () => {
    const { asked, payment } = await payDelayed();
    await control('POST', `/sessions/${payment.gatewayPaymentId}/settle`, { outcome: 'succeeded' });
    const [, succeeded] = await hooks.waitFor(2);
    expect(verify(succeeded as Received).event).toMatchObject({
      gatewayStatus: 'checkout.session.async_payment_succeeded:paid',
      paid: { amount: asked.amount, currency: 'USD' },
    });
    expect(await stripe.fetchStatus(payment)).toMatchObject({
      state: 'paid',
      paidAmount: asked.amount,
      chargeRef: expect.stringMatching(/^pi_/),
    });
  });

  it('settle is refused for a session that is not waiting, and for an unknown outcome', async () => {
    const asked = input();
    const created = await stripe.createPayment(asked);
    const id = created.gatewayPaymentId;
    expect((await control('POST', `/sessions/${id}/settle`, { outcome: 'failed' })).status).toBe(409);
    await control('POST', `/sessions/${id}/pay`, { delayed: true });
    expect((await control('POST', `/sessions/${id}/settle`, { outcome: 'maybe' })).status).toBe(409);
  });
});

describe('listing recent sessions', () => {
  it('lists the sessions created since the window opened, newest first, in numpool terms', async () => {
    // A simulator of its own whose clock the test moves: one session three days old, two fresh.
    let now = new Date(Date.now() - 3 * 86_400_000);
    const own = await startGatewaySimulator({ sims: [stripeSim({ secretKey: SECRET_KEY, now: () => now })] });
    try {
      const gateway = gatewayAt(own.url, SECRET_KEY);
      const old = await gateway.createPayment(input({ expiresAt: new Date(now.getTime() + 3_600_000) }));
      now = new Date();
      const paid = input({ amount: '12.00' });
      const fresh = await gateway.createPayment(paid);
      const unpaid = await gateway.createPayment(input());
      const pay = await fetch(`${own.url}/control/stripe/sessions/${fresh.gatewayPaymentId}/pay`, {
        method: 'POST',
        body: JSON.stringify({ notify: { times: 0 } }),
      });
      expect(pay.status).toBe(200);

      const listed = await listAll(gateway, new Date(Date.now() - 86_400_000));
      expect(listed.map((p) => p.gatewayPaymentId)).toEqual([
        unpaid.gatewayPaymentId,
        fresh.gatewayPaymentId,
      ]);
      expect(listed[1]).toEqual({
        gatewayPaymentId: fresh.gatewayPaymentId,
        topupId: paid.topupId,
        state: 'paid',
        paidAmount: '12.00',
        paidCurrency: 'USD',
        chargeRef: expect.stringMatching(/^pi_/),
        gatewayStatus: 'complete/paid/succeeded',
      });
      expect(listed[0]).toMatchObject({ state: 'pending', paidAmount: null, chargeRef: null });
      const everything = await listAll(gateway, new Date(0));
      expect(everything.map((p) => p.gatewayPaymentId)).toContain(old.gatewayPaymentId);
    } finally {
      await own.close();
    }
  });

  it('the wire list: Stripe envelope, limit and both cursors, refusals in Stripe error shape', async () => {
    for (let i = 0; i < 3; i++) await stripe.createPayment(input());
    const get = async (query: string) => {
      const response = await fetch(`${simulator.url}/v1/checkout/sessions?${query}`, {
        headers: { authorization: `Bearer ${SECRET_KEY}` },
      });
      return { status: response.status, body: (await response.json()) as WireList };
    };
    const first = await get('limit=2&created[gte]=0');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'list', has_more: true, url: '/v1/checkout/sessions' });
    expect(first.body.data).toHaveLength(2);
    const ids = (list: WireList) => list.data.map((session) => session.id);
    const everything = ids((await get('limit=100')).body);
    const [newest, second] = first.body.data;
    const next = await get(`limit=2&starting_after=${second!.id}`);
    expect([...ids(first.body), ...ids(next.body)]).toEqual(everything.slice(0, 4));
    const back = await get(`limit=1&ending_before=${second!.id}`);
    expect(ids(back.body)).toEqual([newest!.id]);
    expect((await get(`created[gt]=${newest!.created + 86_400}`)).body).toMatchObject({
      data: [],
      has_more: false,
    });

    for (const query of ['limit=0', 'limit=101', 'created[since]=1', 'starting_after=cs_test_nope'])
      expect((await get(query)).body.error.type, query).toBe('invalid_request_error');
    expect((await get('starting_after=cs_test_nope')).body.error.code).toBe('resource_missing');
    const anonymous = await fetch(`${simulator.url}/v1/checkout/sessions`);
    expect(anonymous.status).toBe(401);
  });

  it('a simulator that is down makes the listing a retryable GatewayError', async () => {
    await control('POST', '/faults', { down: true });
    const error = await gatewayError(() => listAll(stripe, new Date(0)));
    expect(error.retryable).toBe(true);
  });
});

describe('refunds and disputes', () => {
  it('refunds carry the cumulative amount', async () => {
    const asked = input({ amount: '10.50' });
    const created = await stripe.createPayment(asked);
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    await control('POST', `/sessions/${created.gatewayPaymentId}/refund`, { amount_cents: 300 });
    await control('POST', `/sessions/${created.gatewayPaymentId}/refund`, {});
    const deliveries = await hooks.waitFor(3);
    const refunds = deliveries.slice(1).map((d) => verify(d).event);
    const refund = { kind: 'refund', gatewayPaymentId: null, topupId: asked.topupId, currency: 'USD' };
    const chargeRef = (await sessionView(created.gatewayPaymentId))?.session.payment_intent;
    expect(chargeRef).toMatch(/^pi_/);
    const reversalRef = (await sessionView(created.gatewayPaymentId))?.charge?.id;
    expect(refunds).toEqual([
      { ...refund, chargeRef, reversalRef, amount: '3.00' },
      { ...refund, chargeRef, reversalRef, amount: '10.50' },
    ]);
    const over = await control('POST', `/sessions/${created.gatewayPaymentId}/refund`, { amount_cents: 1 });
    expect(over.status).toBe(409);
  });

  it('a dispute opens and is won, another is lost', async () => {
    const won = await stripe.createPayment(input());
    const lost = await stripe.createPayment(input());
    for (const session of [won, lost]) {
      await control('POST', `/sessions/${session.gatewayPaymentId}/pay`, {});
      await control('POST', `/sessions/${session.gatewayPaymentId}/dispute`, { status: 'created' });
    }
    await control('POST', `/sessions/${won.gatewayPaymentId}/dispute`, { status: 'won' });
    await control('POST', `/sessions/${lost.gatewayPaymentId}/dispute`, { status: 'lost' });
    const deliveries = await hooks.waitFor(6);
    const kinds = deliveries.map((d) => verify(d).event.kind);
    expect(kinds).toEqual([
      'payment',
      'dispute_opened',
      'payment',
      'dispute_opened',
      'dispute_won',
      'dispute_lost',
    ]);
    // A dispute's metadata is empty: it names the top-up's charge by its payment intent.
    expect(verify(deliveries[1] as Received).event).toMatchObject({
      amount: '10.50',
      currency: 'USD',
      chargeRef: (await sessionView(won.gatewayPaymentId))?.session.payment_intent,
      topupId: null,
    });
    const dispute = JSON.parse(deliveries[4]?.body ?? '{}').data.object;
    expect(dispute.payment_intent).toMatch(/^pi_/);
    const again = await control('POST', `/sessions/${won.gatewayPaymentId}/dispute`, { status: 'lost' });
    expect(again.status).toBe(409);
  });
});

describe('re-checking refunds and disputes', () => {
  it('the charge and the dispute as Stripe has them now count, not what the event said', async () => {
    const created = await stripe.createPayment(input({ amount: '10.50' }));
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    await control('POST', `/sessions/${created.gatewayPaymentId}/refund`, { amount_cents: 300 });
    await control('POST', `/sessions/${created.gatewayPaymentId}/dispute`, { status: 'created' });
    const deliveries = await hooks.waitFor(3);
    const [refund, opened] = deliveries.slice(1).map((d) => verify(d).event);
    if (refund?.kind !== 'refund' || opened?.kind !== 'dispute_opened') throw new Error('unexpected events');
    const view = await sessionView(created.gatewayPaymentId);

    // An event claiming more than was refunded: the charge says 3.00.
    expect(await stripe.fetchReversal?.({ ...refund, amount: '10.50' })).toEqual(refund);
    expect(refund).toMatchObject({ reversalRef: view?.charge?.id, chargeRef: view?.session.payment_intent });
    expect(await stripe.fetchReversal?.(opened)).toEqual(opened);
    // The opening, re-checked once the dispute is won, says won.
    await control('POST', `/sessions/${created.gatewayPaymentId}/dispute`, { status: 'won' });
    expect(await stripe.fetchReversal?.(opened)).toEqual({ ...opened, kind: 'dispute_won' });
  });

  it('an unknown charge or dispute is a permanent error', async () => {
    const unknown = {
      kind: 'refund',
      gatewayPaymentId: null,
      chargeRef: 'pi_x',
      reversalRef: 'ch_nope',
      topupId: null,
      amount: '1.00',
      currency: 'USD',
    } as const;
    const charge = await gatewayError(() => stripe.fetchReversal!(unknown));
    expect(charge).toMatchObject({ retryable: false, gatewayMessage: "No such charge: 'ch_nope'" });
    const dispute = await gatewayError(() =>
      stripe.fetchReversal!({ ...unknown, kind: 'dispute_opened', reversalRef: 'du_nope' }),
    );
    expect(dispute).toMatchObject({ retryable: false, gatewayMessage: "No such dispute: 'du_nope'" });
  });
});

describe('faults', () => {
  it('a gateway that is down is a retryable error, for create and for the re-check', async () => {
    const asked = input();
    const created = await stripe.createPayment(asked);
    await control('POST', '/faults', { down: true });
    expect((await gatewayError(() => stripe.createPayment(input()))).retryable).toBe(true);
    const error = await gatewayError(() =>
      stripe.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: asked.topupId }),
    );
    expect(error.retryable).toBe(true);
  });

  it('an unreachable gateway is a retryable error', async () => {
    const closed = await startGatewaySimulator({ sims: [stripeSim({ secretKey: SECRET_KEY })] });
    await closed.close();
    const error = await gatewayError(() => gatewayAt(closed.url).createPayment(input()));
    expect(error.retryable).toBe(true);
  });

  it('a status call that disagrees reports pending after the payment', async () => {
    const asked = input();
    const created = await stripe.createPayment(asked);
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    await control('POST', '/faults', { statusDisagrees: true });
    expect(
      await stripe.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: asked.topupId }),
    ).toMatchObject({ state: 'pending', paidAmount: null });
  });

  it('a status call that disagrees on the amount reports the session paid at half its total', async () => {
    const asked = input({ amount: '10.50' });
    const created = await stripe.createPayment(asked);
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    const [delivery] = await hooks.waitFor(1);
    await control('POST', '/faults', { amountDisagrees: true });
    expect(verify(delivery as Received).event).toMatchObject({ paid: { amount: '10.50', currency: 'USD' } });
    expect(
      await stripe.fetchStatus({ gatewayPaymentId: created.gatewayPaymentId, topupId: asked.topupId }),
    ).toMatchObject({ state: 'paid', paidAmount: '5.25' });
  });

  it('a failing endpoint gets the event again, freshly signed', async () => {
    hooks.respond.push(500);
    const created = await stripe.createPayment(input());
    await control('POST', `/sessions/${created.gatewayPaymentId}/pay`, {});
    const [failed, retried] = await hooks.waitFor(2);
    expect(verify(retried as Received).eventKey).toBe(verify(failed as Received).eventKey);
  });
});

describe('the control API', () => {
  it('refuses what it cannot do', async () => {
    const created = await stripe.createPayment(input());
    const id = created.gatewayPaymentId;
    expect((await control('POST', `/sessions/${id}/refund`, {})).status).toBe(409);
    expect((await control('POST', `/sessions/${id}/dispute`, { status: 'created' })).status).toBe(409);
    expect((await control('POST', `/sessions/${id}/pay`, { notify: { times: 'x' } })).status).toBe(400);
    expect((await control('POST', '/sessions/cs_test_nope/pay', {})).status).toBe(404);
    expect((await control('POST', '/webhook-endpoint', { url: 1 })).status).toBe(400);
    expect((await control('POST', `/sessions/${id}/pay`, {})).status).toBe(200);
    expect((await control('POST', `/sessions/${id}/pay`, {})).status).toBe(409);
    expect((await control('POST', `/sessions/${id}/expire`, {})).status).toBe(409);
  });

  it('the wire API wants the secret key and answers in Stripe error shape', async () => {
    const none = await fetch(`${simulator.url}/v1/checkout/sessions`, {
      method: 'POST',
      body: 'mode=payment',
    });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const bad = await fetch(`${simulator.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=payment&line_items[0]=x&__proto__[polluted]=1',
    });
    expect(bad.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
