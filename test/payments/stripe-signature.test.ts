/**
 * Stripe webhook signatures and event mapping, without the network: the spec's test vector, headers made
 * by the library's own helper, and hostile bodies and headers (always NotificationRejected).
 */

import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { type IncomingNotification, NotificationRejected } from '../../src/payments/gateway-port.ts';
import { currentDisputeOf } from '../../src/payments/stripe/map-stripe-event.ts';
import { createStripeGateway } from '../../src/payments/stripe/stripe-gateway.ts';
import { centsToDollars, dollarsToCents } from '../../src/payments/stripe/stripe-money.ts';
import { signStripePayload } from '../../src/sim/gateways/stripe-sim.ts';
import { rejectionOf as rejection } from './gateway-errors.ts';

const SECRET = 'whsec_test_secret_789';
const VECTOR_T = 1768447800;
const VECTOR_BODY = '{"id":"evt_test_0001","object":"event","type":"checkout.session.completed"}';
const VECTOR_V1 = '2e22244a46c78b95f7fd444a1d904d1434b43738f5ca5d786b7e53adb97d2361';

function gateway(secretKey = 'sk_test_sig') {
  return createStripeGateway({
    code: 'stripe',
    baseUrl: 'http://127.0.0.1:9',
    credentials: { secretKey, webhookSecret: SECRET },
    timeoutMs: 1000,
  });
}

function notification(
  body: string,
  header: string | undefined,
  receivedAt = new Date(),
): IncomingNotification {
  return { rawBody: Buffer.from(body), headers: { 'stripe-signature': header }, receivedAt };
}

function signed(event: object, options: { timestamp?: number; secret?: string } = {}) {
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return notification(payload, header);
}

function event(type: string, object: object, livemode = false) {
  return { id: `evt_${type}`, object: 'event', type, livemode, created: 1, data: { object } };
}

const session = {
  id: 'cs_test_a1x',
  object: 'checkout.session',
  status: 'complete',
  payment_status: 'paid',
  amount_total: 1250,
  currency: 'usd',
  client_reference_id: 'np-topup-7',
  metadata: { topup_id: 'np-topup-7', account_id: '3' },
};

describe('the spec test vector', () => {
  it('the simulator signs it to the published v1', () => {
    expect(signStripePayload(VECTOR_BODY, SECRET, VECTOR_T)).toBe(`t=${VECTOR_T},v1=${VECTOR_V1}`);
  });

  it('the library accepts it, within the tolerance of when it arrived', () => {
    const header = `t=${VECTOR_T},v1=${VECTOR_V1}`;
    expect(
      Stripe.webhooks.signature?.verifyHeader(VECTOR_BODY, header, SECRET, 300, undefined, VECTOR_T * 1000),
    ).toBe(true);
    // The vector's body is no full event (no data.object): signature passes, shape does not.
    const rejected = rejection(() =>
      gateway().verifyNotification(notification(VECTOR_BODY, header, new Date(VECTOR_T * 1000 + 5000))),
    );
    expect(rejected.reason).toBe('malformed');
  });
});

describe('signatures made by the library', () => {
  it('verify with the adapter; the event id is the dedupe key', () => {
    const verified = gateway().verifyNotification(signed(event('checkout.session.completed', session)));
    expect(verified).toEqual({
      eventKey: 'evt_checkout.session.completed',
      event: {
        kind: 'payment',
        gatewayPaymentId: 'cs_test_a1x',
        topupId: 'np-topup-7',
        gatewayStatus: 'checkout.session.completed:paid',
        paid: { amount: '12.50', currency: 'USD' },
      },
    });
  });

  it('a tampered payload, a wrong secret and an old timestamp are bad signatures', () => {
    const good = signed(event('checkout.session.completed', session));
    const tampered = {
      ...good,
      rawBody: Buffer.from(good.rawBody.toString().replace('np-topup-7', 'np-topup-8')),
    };
    expect(rejection(() => gateway().verifyNotification(tampered)).reason).toBe('bad_signature');
    const wrongSecret = signed(event('checkout.session.completed', session), { secret: 'whsec_other' });
    expect(rejection(() => gateway().verifyNotification(wrongSecret)).reason).toBe('bad_signature');
    const now = Math.floor(Date.now() / 1000);
    const old = signed(event('checkout.session.completed', session), { timestamp: now - 301 });
    expect(rejection(() => gateway().verifyNotification(old)).reason).toBe('bad_signature');
  });

  it('the tolerance is 300 s counted from when the notification arrived', () => {
    const payload = JSON.stringify(event('checkout.session.completed', session));
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: VECTOR_T });
    const at = (seconds: number) => notification(payload, header, new Date((VECTOR_T + seconds) * 1000));
    expect(gateway().verifyNotification(at(300)).eventKey).toBe('evt_checkout.session.completed');
    expect(rejection(() => gateway().verifyNotification(at(301))).reason).toBe('bad_signature');
    // Only old timestamps are refused, not ones from the future.
    expect(gateway().verifyNotification(at(-600)).eventKey).toBe('evt_checkout.session.completed');
  });

  it('any matching v1 is enough (a rolled secret), other schemes are skipped', () => {
    const payload = JSON.stringify(event('checkout.session.completed', session));
    const t = Math.floor(Date.now() / 1000);
    const right = signStripePayload(payload, SECRET, t).split(',')[1];
    const wrong = signStripePayload(payload, 'whsec_old', t).split(',')[1];
    const header = `t=${t},v0=abc,${wrong},${right}`;
    expect(gateway().verifyNotification(notification(payload, header)).eventKey).toBe(
      'evt_checkout.session.completed',
    );
  });

  it('a live-mode event for a test key, or a test-mode event for a live key, is the wrong merchant', () => {
    const live = signed(event('checkout.session.completed', session, true));
    expect(rejection(() => gateway().verifyNotification(live)).reason).toBe('wrong_merchant');
    const test = signed(event('checkout.session.completed', session, false));
    expect(rejection(() => gateway('sk_live_sig').verifyNotification(test)).reason).toBe('wrong_merchant');
    expect(gateway('sk_live_sig').verifyNotification(live).eventKey).toBe('evt_checkout.session.completed');
  });
});

describe('event mapping', () => {
  const charge = {
    id: 'ch_1',
    object: 'charge',
    amount: 1050,
    amount_refunded: 300,
    currency: 'usd',
    payment_intent: 'pi_1',
    metadata: { topup_id: 'np-topup-7' },
  };
  const dispute = {
    id: 'du_1',
    object: 'dispute',
    amount: 1050,
    currency: 'usd',
    charge: 'ch_1',
    payment_intent: 'pi_1',
    metadata: {},
  };
  const map = (type: string, object: object) =>
    gateway().verifyNotification(signed(event(type, object))).event;

  it('session events are payment events, the unpaid completed one too', () => {
    for (const type of [
      'checkout.session.async_payment_succeeded',
      'checkout.session.async_payment_failed',
      'checkout.session.expired',
    ])
      expect(map(type, session)).toMatchObject({ kind: 'payment', gatewayPaymentId: 'cs_test_a1x' });
    expect(map('checkout.session.completed', { ...session, payment_status: 'unpaid' })).toEqual({
      kind: 'payment',
      gatewayPaymentId: 'cs_test_a1x',
      topupId: 'np-topup-7',
      gatewayStatus: 'checkout.session.completed:unpaid',
      paid: null,
    });
  });

  it('a refund carries the cumulative refunded amount in dollars', () => {
    expect(map('charge.refunded', charge)).toEqual({
      kind: 'refund',
      gatewayPaymentId: null,
      chargeRef: 'pi_1',
      reversalRef: 'ch_1',
      topupId: 'np-topup-7',
      amount: '3.00',
      currency: 'USD',
    });
  });

  it('disputes: created, won and lost; other closings and inquiries (which take no funds) are ignored', () => {
    expect(map('charge.dispute.created', { ...dispute, status: 'needs_response' })).toEqual({
      kind: 'dispute_opened',
      gatewayPaymentId: null,
      chargeRef: 'pi_1',
      reversalRef: 'du_1',
      topupId: null,
      amount: '10.50',
      currency: 'USD',
    });
    expect(map('charge.dispute.closed', { ...dispute, status: 'won' })).toMatchObject({
      kind: 'dispute_won',
    });
    expect(map('charge.dispute.closed', { ...dispute, status: 'lost' })).toMatchObject({
      kind: 'dispute_lost',
    });
    expect(map('charge.dispute.closed', { ...dispute, status: 'warning_closed' })).toMatchObject({
      kind: 'ignored',
    });
    for (const status of ['warning_needs_response', 'warning_under_review']) {
      expect(map('charge.dispute.created', { ...dispute, status })).toMatchObject({ kind: 'ignored' });
      // Re-checked, an inquiry moves nothing either.
      expect(currentDisputeOf({ ...dispute, status })).toMatchObject({ kind: 'ignored' });
    }
    expect(currentDisputeOf({ ...dispute, status: 'needs_response' })).toMatchObject({
      kind: 'dispute_opened',
    });
  });

  it('other event types are verified and ignored', () => {
    expect(map('payment_intent.succeeded', { id: 'pi_1' })).toEqual({
      kind: 'ignored',
      reason: 'event type payment_intent.succeeded',
    });
  });

  it('objects missing what numpool reads are malformed', () => {
    const bad = (type: string, object: object) =>
      rejection(() => gateway().verifyNotification(signed(event(type, object)))).reason;
    expect(bad('charge.refunded', { ...charge, amount_refunded: '300' })).toBe('malformed');
    expect(bad('charge.refunded', { ...charge, amount_refunded: 1.5 })).toBe('malformed');
    expect(bad('checkout.session.completed', { object: 'checkout.session' })).toBe('malformed');
    expect(bad('charge.dispute.created', { ...dispute })).toBe('malformed');
  });
});

describe('hostile input', () => {
  it('a missing or unparsable header is a bad signature', () => {
    const body = JSON.stringify(event('checkout.session.completed', session));
    expect(rejection(() => gateway().verifyNotification(notification(body, undefined))).reason).toBe(
      'bad_signature',
    );
    for (const header of ['', 'garbage', 't=abc,v1=zz', 'v1=00', 't=1768447800', ',,,=,='])
      expect(rejection(() => gateway().verifyNotification(notification(body, header))).reason).toBe(
        'bad_signature',
      );
  });

  it('correctly signed bytes that are not a Stripe event are malformed', () => {
    for (const body of [
      'not json',
      '[]',
      'null',
      '{"id":"evt_1"}',
      '{"id":"evt_1","type":"x","livemode":false}',
    ])
      expect(
        rejection(() =>
          gateway().verifyNotification(
            notification(body, signStripePayload(body, SECRET, Math.floor(Date.now() / 1000))),
          ),
        ).reason,
      ).toBe('malformed');
  });

  it('any body with any header is rejected, never another kind of throw', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (body, header) => {
        rejection(() => gateway().verifyNotification(notification(body, header)));
      }),
      { numRuns: 300 },
    );
  });

  it('any signed body is accepted or rejected, never another kind of throw', () => {
    const t = Math.floor(Date.now() / 1000);
    fc.assert(
      fc.property(fc.json(), (body) => {
        try {
          gateway().verifyNotification(notification(body, signStripePayload(body, SECRET, t)));
        } catch (error) {
          expect(error).toBeInstanceOf(NotificationRejected);
          // A random JSON that happens to be a live-mode event is the wrong merchant for a test key.
          expect(['malformed', 'wrong_merchant']).toContain((error as NotificationRejected).reason);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('answers', () => {
  it('200 {"received":true} for an accepted event, the rejection status otherwise', () => {
    expect(gateway().answer('accepted')).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"received":true}',
    });
    expect(gateway().answer(new NotificationRejected('bad_signature', 'no'))).toMatchObject({ status: 400 });
  });
});

describe('USD amounts', () => {
  it('convert between dollar strings and cents with integer arithmetic', () => {
    expect(dollarsToCents('10.00')).toBe(1000);
    expect(dollarsToCents('0.29')).toBe(29);
    expect(dollarsToCents('1.5')).toBe(150);
    expect(dollarsToCents('7')).toBe(700);
    for (const bad of ['', '-1.00', '1.005', '01.00', '1e3', ' 1.00', '1,00', 'NaN'])
      expect(dollarsToCents(bad)).toBeUndefined();
    expect(centsToDollars(29)).toBe('0.29');
    expect(centsToDollars(100005)).toBe('1000.05');
  });

  it('round-trip every amount in cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (cents) => {
        expect(dollarsToCents(centsToDollars(cents))).toBe(cents);
      }),
    );
  });
});
