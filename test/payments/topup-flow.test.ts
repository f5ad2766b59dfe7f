/**
 * Top-ups end to end, over real HTTP: a customer starts a top-up through /api, "pays" at the simulated
 * gateway, the gateway's signed notification reaches numpool's hook, the worker re-checks with the
 * gateway and credits the wallet — exactly once, whatever the simulator throws at it.
 */
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/create-api-key.ts';
import { CLI_ACTOR, SYSTEM_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { configureGateway } from '../../src/payments/configure-gateway.ts';
import { callbackSignature } from '../../src/payments/duitku/duitku-signature.ts';
import { findNotifiedTopup } from '../../src/payments/find-notified-topup.ts';
import { readGatewaySettings } from '../../src/payments/gateway-settings.ts';
import { reconcileTopups } from '../../src/payments/reconcile-topups.ts';
import { recordPaymentEvent } from '../../src/payments/record-payment-event.ts';
import { resolveTopupReview } from '../../src/payments/resolve-topup-review.ts';
import { setTopupBonus } from '../../src/payments/set-topup-bonus.ts';
import { seal } from '../../src/platform/secret-box.ts';
import { SANDBOX_GATEWAYS } from '../../src/sandbox/start-sandbox-gateways.ts';
import { signStripePayload } from '../../src/sim/gateways/stripe-sim.ts';
import { createCustomer } from '../support/factories.ts';
import { bearer } from '../support/test-app.ts';
import { waitUntil } from '../support/wait.ts';
import {
  gatewayControl,
  gatewayDepositCount,
  moneyOf,
  postTopup,
  requestTopup,
  startPaymentsApp,
} from './topup-fixture.ts';

const { ctx, app, port, gateways } = await startPaymentsApp();

const control = gatewayControl(gateways.url);
const available = async (accountId: number) => (await getBalance({ ctx, input: { accountId } })).available;
const gatewayDeposits = (accountId: number) => gatewayDepositCount(ctx, accountId);

const topUp = (apiKey: string, body: Record<string, string>) =>
  postTopup<{
    id: string;
    status: string;
    payment_url: string;
    qr_string: string | null;
    [field: string]: unknown;
  }>(app, apiKey, body);
const topupStatus = async (apiKey: string, id: string) =>
  (await app.inject({ method: 'GET', url: `/api/topups/${id}`, headers: bearer(apiKey) })).json().data;
const gatewayId = async (id: string) =>
  (await ctx.pool.query('SELECT gateway_payment_id FROM topups WHERE id = $1', [Number(id.split('-').pop())]))
    .rows[0].gateway_payment_id as string;
const credited = (apiKey: string, id: string) =>
  waitUntil(async () => ((await topupStatus(apiKey, id)).status === 'credited' ? true : undefined), 15_000);
const money = async (accountId: number) => moneyOf(ctx, accountId);
const moneyBecomes = (accountId: number, expected: { available: number; owed: number }) =>
  waitUntil(async () => {
    const now = await money(accountId);
    return now.available === expected.available && now.owed === expected.owed ? now : undefined;
  }, 15_000);
/** What processing a Stripe event came to, once it has been processed. */
const outcomeOf = (eventId: string) =>
  waitUntil(async () => {
    const row = await ctx.pool.query(
      `SELECT outcome FROM payment_events WHERE gateway = 'stripe' AND event_key = $1 AND processed_at IS NOT NULL`,
      [eventId],
    );
    return row.rows[0]?.outcome as string | undefined;
  }, 15_000);
const topupRow = async (id: string) =>
  (
    await ctx.pool.query(
      `SELECT gateway_charge_ref, disputed_idr, dispute_reversed_idr, shortfall_idr FROM topups WHERE id = $1`,
      [Number(id.split('-').pop())],
    )
  ).rows[0];
/** The simulated Stripe's view of a session: its payment intent and its dispute. */
const stripeSession = async (sessionId: string) => {
  const response = await fetch(`${gateways.url}/control/stripe/sessions`);
  const { sessions } = (await response.json()) as {
    sessions: Array<{
      session: { id: string; payment_intent: string | null };
      charge: { id: string; amount_refunded: number } | null;
      dispute: { id: string; status: string } | null;
    }>;
  };
  return sessions.find((s) => s.session.id === sessionId)!;
};
/** A Stripe event signed as the sandbox Stripe signs them, sent to numpool's hook: Stripe's retry, or one made up. */
const sendStripeEvent = (id: string, type: string, object: object) => {
  const body = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    data: { object },
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
  const signature = signStripePayload(
    body,
    SANDBOX_GATEWAYS.stripe.webhookSecret,
    Math.floor(Date.now() / 1000),
  );
  return fetch(`http://127.0.0.1:${port}/hooks/payments/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
};
const spend = (accountId: number, amount: number) =>
  adjustBalance({ ctx, input: { accountId, direction: 'debit', amount, reason: 'spent', actor: CLI_ACTOR } });
/** A paid Stripe top-up, credited: its id, session and payment intent. */
async function paidStripeTopup(apiKey: string, amount: string) {
  const topup = await topUp(apiKey, { gateway: 'stripe', amount, currency: 'USD' });
  const session = await gatewayId(topup.id);
  await control(`stripe/sessions/${session}/pay`, {});
  await credited(apiKey, topup.id);
  return { topup, session, paymentIntent: (await stripeSession(session)).session.payment_intent! };
}

describe('a top-up through each gateway', () => {
  it('Heleket: 10.00 USD paid, notified three times at once and out of order, credits 160,000 IDR once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'heleket', amount: '10.00', currency: 'USD' });
    expect(topup).toMatchObject({ status: 'pending', payment_url: expect.stringContaining('/heleket/pay/') });
    await control(`heleket/payments/${await gatewayId(topup.id)}/pay`, {
      notify: { times: 3, outOfOrder: true },
    });
    await credited(apiKey, topup.id);
    expect(await available(account.id)).toBe(160_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
  });

  it('Heleket: a paid amount with more decimals than cents is credited rounded half up to the cent', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'heleket', amount: '10.00', currency: 'USD' });
    await control(`heleket/payments/${await gatewayId(topup.id)}/pay`, {
      status: 'paid_over',
      payment_amount_usd: '10.00512345',
    });
    await credited(apiKey, topup.id);
    expect(await available(account.id)).toBe(160_160);
  });

  it('Duitku: 150,000 IDR by QRIS credits exactly 150,000 once, despite duplicates', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'duitku', amount: '150000', currency: 'IDR', method: 'NQ' });
    expect(topup.qr_string).toBeTruthy();
    await control(`duitku/payments/${await gatewayId(topup.id)}/pay`, {
      notify: { times: 3, outOfOrder: true },
    });
    await credited(apiKey, topup.id);
    expect(await available(account.id)).toBe(150_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
  });

  it('Stripe: 5.00 USD by card credits 80,000 IDR once, despite duplicates and an out-of-order event', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'stripe', amount: '5.00', currency: 'USD' });
    await control(`stripe/sessions/${await gatewayId(topup.id)}/pay`, {
      notify: { times: 3, outOfOrder: true },
    });
    await credited(apiKey, topup.id);
    expect(await available(account.id)).toBe(80_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
    const ledger = await app.inject({ method: 'GET', url: '/api/ledger', headers: bearer(apiKey) });
    expect(ledger.json().data[0]).toMatchObject({
      code: 'gateway_deposit',
      amount: 80_000,
      balance_after: 80_000,
    });
  });
});

describe('a fee and a bonus', () => {
  /** Stripe as the sandbox configured it, with a fee. */
  const stripeFee = async (feePercent: string) => {
    const s = await readGatewaySettings(ctx.db, 'stripe');
    await configureGateway({
      ctx,
      input: {
        code: 'stripe',
        enabled: s.enabled,
        baseUrl: s.baseUrl,
        currencies: s.currencies,
        methods: s.methods,
        minAmount: s.minAmount,
        maxAmount: s.maxAmount,
        feePercent,
        actor: SYSTEM_ACTOR,
      },
    });
  };

  it('are shown before paying, and credited as their own statement lines', async () => {
    await stripeFee('2.9');
    await setTopupBonus({ ctx, input: { tiers: [{ minIdr: 500_000, percent: '4' }], actor: SYSTEM_ACTOR } });
    try {
      const { account, apiKey } = await createCustomer(ctx);
      const offered = await app.inject({
        method: 'GET',
        url: '/api/payment-gateways',
        headers: bearer(apiKey),
      });
      expect(offered.json().data.find((g: { code: string }) => g.code === 'stripe')).toMatchObject({
        fee_percent: '2.900',
      });
      // 50.00 USD = 800,000 IDR; fee 2.9 % = 23,200; the 500,000 tier gives 4 % = 32,000.
      const topup = await topUp(apiKey, { gateway: 'stripe', amount: '50.00', currency: 'USD' });
      expect(topup).toMatchObject({
        expected_idr: 800_000,
        fee_percent: '2.900',
        fee_idr: 0,
        bonus_idr: 0,
        estimated_credit_idr: 808_800,
        wallet_credit_idr: null,
      });
      await control(`stripe/sessions/${await gatewayId(topup.id)}/pay`, {});
      await credited(apiKey, topup.id);
      expect(await topupStatus(apiKey, topup.id)).toMatchObject({
        credited_idr: 800_000,
        fee_idr: 23_200,
        bonus_percent: '4.00',
        bonus_idr: 32_000,
        wallet_credit_idr: 808_800,
      });
      expect(await available(account.id)).toBe(808_800);
      const ledger = await app.inject({ method: 'GET', url: '/api/ledger', headers: bearer(apiKey) });
      expect(ledger.json().data.map((e: { code: string; amount: number }) => [e.code, e.amount])).toEqual([
        ['topup_bonus', 32_000],
        ['topup_fee', -23_200],
        ['gateway_deposit', 800_000],
      ]);
    } finally {
      await stripeFee('0');
      await setTopupBonus({ ctx, input: { tiers: [], actor: SYSTEM_ACTOR } });
    }
  });
});

describe('what is never credited', () => {
  it('a forged notification is refused (400) and logged; the payment is still credited once when really paid', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'heleket', amount: '2.00', currency: 'USD' });
    const uuid = await gatewayId(topup.id);
    await control(`heleket/payments/${uuid}/pay`, { notify: { badSignature: true } });
    await waitUntil(async () => {
      const rejected = await ctx.pool.query(
        `SELECT count(*)::int AS n FROM rejected_payment_notifications WHERE gateway = 'heleket' AND reason = 'bad_signature'`,
      );
      return rejected.rows[0].n > 0 ? true : undefined;
    });
    expect(await available(account.id)).toBe(0);
    // The money did arrive: reconciliation finds it, once.
    await reconcileTopups({ ctx });
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(32_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
  });

  it('a notification for an unknown top-up is refused (404) and credits nothing', async () => {
    const forged = await fetch(`http://127.0.0.1:${port}/hooks/payments/duitku`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'merchantCode=DS0001&amount=150000&merchantOrderId=np-topup-999999&productDetail=x&additionalParam=&paymentCode=NQ&resultCode=00&merchantUserId=&reference=DS0001FFFFFFFFFFFFFFFF&spUserHash=&signature=0',
    });
    expect([400, 404]).toContain(forged.status);
    const unknown = await fetch(`http://127.0.0.1:${port}/hooks/payments/paypal`, {
      method: 'POST',
      body: '{}',
    });
    expect(unknown.status).toBe(404);
  });

  it('a signed Duitku callback moved to another top-up’s reference is refused and stores nothing', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const mine = await topUp(apiKey, { gateway: 'duitku', amount: '20000', currency: 'IDR', method: 'BC' });
    const other = await topUp(apiKey, { gateway: 'duitku', amount: '90000', currency: 'IDR', method: 'BC' });
    const keys = {
      merchantCode: SANDBOX_GATEWAYS.duitku.merchantCode,
      apiKey: SANDBOX_GATEWAYS.duitku.apiKey,
    };
    // Signed over merchantCode, amount and merchantOrderId — the reference is not covered.
    const signature = callbackSignature(keys, { amount: '20000', merchantOrderId: mine.id });
    const body = new URLSearchParams({
      merchantCode: keys.merchantCode,
      amount: '20000',
      merchantOrderId: mine.id,
      productDetail: 'x',
      paymentCode: 'BC',
      resultCode: '00',
      reference: await gatewayId(other.id),
      signature,
    });
    const moved = await fetch(`http://127.0.0.1:${port}/hooks/payments/duitku`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(moved.status).toBe(400);
    const stored = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM payment_events WHERE gateway = 'duitku' AND event_key LIKE $1`,
      [`${await gatewayId(other.id)}:%`],
    );
    expect(stored.rows[0].n).toBe(0);
    expect(await available(account.id)).toBe(0);
  });

  it('a notification the status call contradicts credits nothing until the gateway agrees', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'stripe', amount: '3.00', currency: 'USD' });
    await control('stripe/faults', { statusDisagrees: true });
    try {
      await control(`stripe/sessions/${await gatewayId(topup.id)}/pay`, {});
      await waitUntil(async () => {
        const events = await ctx.pool.query(
          `SELECT count(*)::int AS n FROM payment_events WHERE gateway = 'stripe' AND processed_at IS NOT NULL AND outcome = 'pending'`,
        );
        return events.rows[0].n > 0 ? true : undefined;
      });
      expect(await available(account.id)).toBe(0);
      expect((await topupStatus(apiKey, topup.id)).status).toBe('pending');
    } finally {
      await control('stripe/faults', { statusDisagrees: false });
    }
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(48_000);
  });

  it('a notification whose amount the status call contradicts goes to review and credits nothing until an operator decides', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'duitku', amount: '150000', currency: 'IDR', method: 'NQ' });
    await control('duitku/faults', { amountDisagrees: true });
    try {
      await control(`duitku/payments/${await gatewayId(topup.id)}/pay`, {});
      await waitUntil(async () =>
        (await topupStatus(apiKey, topup.id)).status === 'review' ? true : undefined,
      );
      const reason = await ctx.pool.query('SELECT review_reason FROM topups WHERE id = $1', [
        Number(topup.id.split('-').pop()),
      ]);
      expect(reason.rows[0].review_reason).toBe(
        'the notification says 150000 IDR was paid, the status call 75000 IDR',
      );
      // Reconciliation re-checks it too, and still credits nothing: it is the operator's.
      await reconcileTopups({ ctx });
      expect(await available(account.id)).toBe(0);
    } finally {
      await control('duitku/faults', { amountDisagrees: false });
    }
    const decided = await resolveTopupReview({
      ctx,
      input: { topupId: topup.id, action: 'credit', note: 'the gateway settled 150000', actor: CLI_ACTOR },
    });
    expect(decided.creditedIdr).toBe(150_000);
    expect(await available(account.id)).toBe(150_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
  });

  it('a dropped notification is credited by reconciliation, exactly once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'duitku', amount: '50000', currency: 'IDR', method: 'BC' });
    await control(`duitku/payments/${await gatewayId(topup.id)}/pay`, { notify: { times: 0 } });
    expect(await available(account.id)).toBe(0);
    const first = await reconcileTopups({ ctx });
    expect(first.credited).toBeGreaterThanOrEqual(1);
    await reconcileTopups({ ctx });
    expect(await available(account.id)).toBe(50_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
  });
});

describe('a delayed payment method (Stripe)', () => {
  it('waits while the payment settles; one that fails marks the top-up failed, one that succeeds credits it once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const failing = await topUp(apiKey, { gateway: 'stripe', amount: '4.00', currency: 'USD' });
    const settling = await topUp(apiKey, { gateway: 'stripe', amount: '6.00', currency: 'USD' });
    for (const topup of [failing, settling]) {
      const paid = (await control(`stripe/sessions/${await gatewayId(topup.id)}/pay`, {
        delayed: true,
      })) as { events: string[] };
      expect(await outcomeOf(paid.events[0]!)).toBe('pending');
      expect((await topupStatus(apiKey, topup.id)).status).toBe('pending');
    }

    const failed = (await control(`stripe/sessions/${await gatewayId(failing.id)}/settle`, {
      outcome: 'failed',
    })) as { events: string[] };
    expect(await outcomeOf(failed.events[0]!)).toBe('failed');
    expect((await topupStatus(apiKey, failing.id)).status).toBe('failed');

    const succeeded = (await control(`stripe/sessions/${await gatewayId(settling.id)}/settle`, {
      outcome: 'succeeded',
      notify: { times: 2 },
    })) as { events: string[] };
    expect(await outcomeOf(succeeded.events[0]!)).toMatch(/credited$/);
    await credited(apiKey, settling.id);
    expect(await available(account.id)).toBe(96_000);
    // Reconciliation agrees with both.
    await reconcileTopups({ ctx });
    expect((await topupStatus(apiKey, failing.id)).status).toBe('failed');
    expect(await available(account.id)).toBe(96_000);
    expect(await gatewayDeposits(account.id)).toBe(1);
  });
});

describe('refunds (Heleket)', () => {
  /** A 10.00 USD Heleket top-up, paid and credited (160,000 IDR): its id and invoice uuid. */
  async function paidHeleketTopup(apiKey: string) {
    const topup = await topUp(apiKey, { gateway: 'heleket', amount: '10.00', currency: 'USD' });
    const uuid = await gatewayId(topup.id);
    await control(`heleket/payments/${uuid}/pay`, {});
    await credited(apiKey, topup.id);
    return { topup, uuid };
  }
  const refundOutcome = (uuid: string) =>
    waitUntil(async () => {
      const row = await ctx.pool.query(
        `SELECT outcome FROM payment_events
         WHERE gateway = 'heleket' AND event_key = $1 AND processed_at IS NOT NULL`,
        [`${uuid}:refund_paid`],
      );
      return row.rows[0]?.outcome as string | undefined;
    }, 15_000);

  it('refund_paid, sent twice, is re-checked with the info call and takes the invoice back once; what was spent is owed', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { uuid } = await paidHeleketTopup(apiKey);
    await spend(account.id, 60_000);
    await control(`heleket/payments/${uuid}/refund`, { notify: { times: 2 } });
    expect(await refundOutcome(uuid)).toBe('refund_debited 160000');
    expect(await moneyBecomes(account.id, { available: 0, owed: 60_000 })).toBeTruthy();
    // Reconciliation sees the refund too, and moves nothing more.
    await reconcileTopups({ ctx });
    expect(await money(account.id)).toEqual({ available: 0, owed: 60_000 });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('a refund whose notification was lost is taken back by reconciliation, exactly once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { uuid } = await paidHeleketTopup(apiKey);
    await control(`heleket/payments/${uuid}/refund`, { notify: { times: 0 } });
    expect(await available(account.id)).toBe(160_000);
    const first = await reconcileTopups({ ctx });
    expect(first.refunded).toBeGreaterThanOrEqual(1);
    await reconcileTopups({ ctx });
    expect(await money(account.id)).toEqual({ available: 0, owed: 0 });
    expect(await checkLedger({ ctx })).toEqual([]);
  });
});

describe('refunds and disputes (Stripe)', () => {
  it('a refund at the gateway debits the wallet; the charge it names finds the top-up', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { topup, session, paymentIntent } = await paidStripeTopup(apiKey, '4.00');
    expect(await available(account.id)).toBe(64_000);
    // The credit stored the charge Stripe's refunds and disputes name.
    expect((await topupRow(topup.id)).gateway_charge_ref).toBe(paymentIntent);
    const found = await findNotifiedTopup({
      ctx,
      input: { gateway: 'stripe', gatewayPaymentId: null, chargeRef: paymentIntent, topupId: null },
    });
    expect(found?.publicId).toBe(topup.id);
    await control(`stripe/sessions/${session}/refund`, { amount_cents: 100 });
    await waitUntil(async () => ((await available(account.id)) === 48_000 ? true : undefined), 15_000);
  });

  it('a refund event whose job gave up is processed by reconciliation, once', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { session, paymentIntent } = await paidStripeTopup(apiKey, '3.00');
    expect(await available(account.id)).toBe(48_000);
    // Refunded at Stripe; its event was stored and answered, but its job ran out of retries.
    await control(`stripe/sessions/${session}/refund`, { amount_cents: 300, notify: { times: 0 } });
    const charge = (await stripeSession(session)).charge!;
    const eventKey = `evt_stalled_${charge.id}`;
    await recordPaymentEvent({
      ctx,
      input: {
        gateway: 'stripe',
        eventKey,
        payload: {
          kind: 'refund',
          gatewayPaymentId: null,
          chargeRef: paymentIntent,
          reversalRef: charge.id,
          topupId: null,
          amount: '3.00',
          currency: 'USD',
        },
        receivedAt: new Date(Date.now() - 3_600_000),
      },
    });
    const first = await reconcileTopups({ ctx });
    expect(first.rerun).toBeGreaterThanOrEqual(1);
    expect(await outcomeOf(eventKey)).toBe('refund_debited 48000');
    await reconcileTopups({ ctx });
    expect(await money(account.id)).toEqual({ available: 0, owed: 0 });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('a dispute debits the disputed amount, the rest owed; a duplicate moves nothing; won, it all comes back', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { topup, session } = await paidStripeTopup(apiKey, '4.00');
    await spend(account.id, 40_000);
    expect(await money(account.id)).toEqual({ available: 24_000, owed: 0 });

    const opened = (await control(`stripe/sessions/${session}/dispute`, {
      status: 'created',
      notify: { times: 3 },
    })) as { events: string[] };
    expect(await outcomeOf(opened.events[0]!)).toBe('dispute_debited 64000');
    expect(await money(account.id)).toEqual({ available: 0, owed: 40_000 });

    // Deliveries are in order: the duplicates reached numpool before this one.
    const won = (await control(`stripe/sessions/${session}/dispute`, { status: 'won' })) as {
      events: string[];
    };
    expect(await outcomeOf(won.events[0]!)).toBe('dispute_reversed 64000');
    expect(await money(account.id)).toEqual({ available: 24_000, owed: 0 });
    expect(await topupRow(topup.id)).toMatchObject({
      disputed_idr: 64_000,
      dispute_reversed_idr: 64_000,
      shortfall_idr: 40_000,
    });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('a lost dispute stays debited', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { session } = await paidStripeTopup(apiKey, '2.00');
    await control(`stripe/sessions/${session}/dispute`, { status: 'created' });
    await moneyBecomes(account.id, { available: 0, owed: 0 });
    const lost = (await control(`stripe/sessions/${session}/dispute`, { status: 'lost' })) as {
      events: string[];
    };
    expect(await outcomeOf(lost.events[0]!)).toBe('dispute_lost 0');
    expect(await money(account.id)).toEqual({ available: 0, owed: 0 });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('refunds and disputes are re-checked with Stripe: what the event claims beyond that moves nothing', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const { topup, session } = await paidStripeTopup(apiKey, '4.00');
    const refunded = (await control(`stripe/sessions/${session}/refund`, { amount_cents: 100 })) as {
      events: string[];
    };
    expect(await outcomeOf(refunded.events[0]!)).toBe('refund_debited 16000');

    const { charge } = await stripeSession(session);
    const claimsAll = await sendStripeEvent(`evt_more_${topup.id}`, 'charge.refunded', {
      ...charge,
      amount_refunded: 400,
      refunded: true,
    });
    expect(claimsAll.status).toBe(200);
    // Stripe's charge says 1.00 refunded, already debited.
    expect(await outcomeOf(`evt_more_${topup.id}`)).toBe('refund_debited 0');

    const opened = (await control(`stripe/sessions/${session}/dispute`, { status: 'created' })) as {
      events: string[];
    };
    // Disputed 4.00, but all a top-up can give back is what is left of it: 48,000.
    expect(await outcomeOf(opened.events[0]!)).toBe('dispute_debited 48000');
    const { dispute } = await stripeSession(session);
    await sendStripeEvent(`evt_won_${topup.id}`, 'charge.dispute.closed', { ...dispute, status: 'won' });
    // Stripe still has the dispute open: nothing comes back.
    expect(await outcomeOf(`evt_won_${topup.id}`)).toBe('dispute_debited 0');
    expect(await money(account.id)).toEqual({ available: 0, owed: 0 });
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('a dispute before its top-up is credited is answered 409, so Stripe retries; sent again once credited, it debits', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await topUp(apiKey, { gateway: 'stripe', amount: '3.00', currency: 'USD' });
    const session = await gatewayId(topup.id);
    // Paid at Stripe, but not credited yet: the status call still says unpaid.
    await control('stripe/faults', { statusDisagrees: true });
    try {
      const paid = (await control(`stripe/sessions/${session}/pay`, {})) as { events: string[] };
      expect(await outcomeOf(paid.events[0]!)).toBe('pending');
      await control(`stripe/sessions/${session}/dispute`, { status: 'created' });
    } finally {
      await control('stripe/faults', { statusDisagrees: false });
    }
    const { dispute } = await stripeSession(session);
    const eventId = `evt_early_${topup.id}`;
    const deliver = () => sendStripeEvent(eventId, 'charge.dispute.created', dispute!);
    const early = await deliver();
    expect(early.status).toBe(409);
    expect(await available(account.id)).toBe(0);

    await reconcileTopups({ ctx });
    await credited(apiKey, topup.id);
    // Stripe's retry of the same event.
    expect((await deliver()).status).toBe(200);
    expect(await outcomeOf(eventId)).toMatch(/^dispute_debited /);
    expect(await money(account.id)).toEqual({ available: 0, owed: 0 });
    expect((await topupRow(topup.id)).disputed_idr).toBe(48_000);
  });
});

describe('a gateway down at the re-check', () => {
  it('holds back only its own payments: others are credited meanwhile, and its own once it is back', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const duitku = await topUp(apiKey, { gateway: 'duitku', amount: '20000', currency: 'IDR', method: 'NQ' });
    const heleket = await topUp(apiKey, { gateway: 'heleket', amount: '1.00', currency: 'USD' });
    await control('duitku/faults', { down: true });
    try {
      // Paid together: the two notifications are stored at once, and may be re-checked in one batch.
      await Promise.all([
        control(`duitku/payments/${await gatewayId(duitku.id)}/pay`, {}),
        control(`heleket/payments/${await gatewayId(heleket.id)}/pay`, {}),
      ]);
      await credited(apiKey, heleket.id);
      await waitUntil(async () => {
        const failed = await ctx.pool.query(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'payment-events' AND state = 'retry'`,
        );
        return failed.rows[0].n > 0 ? true : undefined;
      });
      expect((await topupStatus(apiKey, duitku.id)).status).toBe('pending');
      expect(await available(account.id)).toBe(16_000);
    } finally {
      await control('duitku/faults', { down: false });
    }
    // pg-boss retries it (5 s, then longer): credited once, with no reconciliation.
    await waitUntil(
      async () => ((await topupStatus(apiKey, duitku.id)).status === 'credited' ? true : undefined),
      30_000,
    );
    expect(await available(account.id)).toBe(36_000);
    expect(await gatewayDeposits(account.id)).toBe(2);
  });
});

describe('errors reach the customer clearly', () => {
  it('a gateway saved without the credentials it needs refuses top-ups clearly, asks for notifications again, and does not stop reconciliation', async () => {
    const { apiKey } = await createCustomer(ctx);
    const row = await ctx.pool.query(
      `SELECT credentials_sealed FROM payment_gateways WHERE code = 'heleket'`,
    );
    // Stored before credentials were checked on saving: the payment key is missing.
    await ctx.pool.query(`UPDATE payment_gateways SET credentials_sealed = $1 WHERE code = 'heleket'`, [
      seal(ctx.secret, JSON.stringify({ merchant: SANDBOX_GATEWAYS.heleket.merchant })),
    ]);
    try {
      const refused = await requestTopup(app, apiKey, {
        gateway: 'heleket',
        amount: '5.00',
        currency: 'USD',
      });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().error).toMatchObject({ code: 'VALIDATION_ERROR' });
      const hook = await fetch(`http://127.0.0.1:${port}/hooks/payments/heleket`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"payment"}',
      });
      expect(hook.status).toBe(503);
      const run = await reconcileTopups({ ctx });
      expect(run.unreachable).toContain('heleket');
    } finally {
      await ctx.pool.query(`UPDATE payment_gateways SET credentials_sealed = $1 WHERE code = 'heleket'`, [
        row.rows[0].credentials_sealed,
      ]);
    }
  });

  it('a gateway that is down at creation is a 503 with Retry-After, never a 500', async () => {
    const { apiKey } = await createCustomer(ctx);
    await control('heleket/faults', { down: true });
    try {
      const response = await requestTopup(app, apiKey, {
        gateway: 'heleket',
        amount: '10.00',
        currency: 'USD',
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
    } finally {
      await control('heleket/faults', { down: false });
    }
  });

  it('bad requests are 422 in the envelope; another account’s top-up is 404; a key without billing is 403', async () => {
    const { apiKey } = await createCustomer(ctx);
    const { apiKey: other } = await createCustomer(ctx);
    for (const body of [
      { gateway: 'paypal', amount: '1.00', currency: 'USD' },
      { gateway: 'heleket', amount: '-1', currency: 'USD' },
      { gateway: 'heleket', amount: '0.10', currency: 'USD' },
      { gateway: 'heleket', amount: '10.00', currency: 'IDR' },
      { gateway: 'duitku', amount: '150000', currency: 'IDR', method: 'ZZ' },
    ]) {
      const response = await requestTopup(app, apiKey, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(response.json().success).toBe(false);
    }
    const mine = await topUp(apiKey, { gateway: 'heleket', amount: '1.00', currency: 'USD' });
    const theirs = await app.inject({ method: 'GET', url: `/api/topups/${mine.id}`, headers: bearer(other) });
    expect(theirs.statusCode).toBe(404);
    const { account } = await createCustomer(ctx);
    const narrow = await createApiKey({
      ctx,
      input: {
        actor: SYSTEM_ACTOR,
        accountId: account.id,
        settings: { name: 'reader', scopes: ['read', 'orders'] },
      },
    });
    for (const url of ['/api/topups', '/api/ledger', '/api/payment-gateways'])
      expect((await app.inject({ method: 'GET', url, headers: bearer(narrow.key) })).statusCode).toBe(403);
  });
});
