/**
 * A worker's batch of stored notifications (process-payment-event-batch.ts): the events of one top-up
 * run one after another, the one stating a paid amount first — so an amount the status call contradicts
 * sends the top-up to review even when a sibling event without an amount came first in the batch.
 */
import { describe, expect, it } from 'vitest';
import { getBalance } from '../../src/ledger/get-balance.ts';
import type { NotificationEvent } from '../../src/payments/gateway-port.ts';
import { processPaymentEventBatch } from '../../src/payments/process-payment-event-batch.ts';
import { recordPaymentEvent } from '../../src/payments/record-payment-event.ts';
import { createCustomer } from '../support/factories.ts';
import { gatewayControl, postTopup, startPaymentsApp } from './topup-fixture.ts';

const { ctx, app, gateways } = await startPaymentsApp();
const control = gatewayControl(gateways.url);

describe('a batch of payment events', () => {
  it('runs the event stating the paid amount first, so a contradicted amount goes to review', async () => {
    const { account, apiKey } = await createCustomer(ctx);
    const topup = await postTopup(app, apiKey, {
      gateway: 'duitku',
      amount: '150000',
      currency: 'IDR',
      method: 'NQ',
    });
    const id = Number(topup.id.replace('np-topup-', ''));
    const reference = (await ctx.db.query('SELECT gateway_payment_id AS ref FROM topups WHERE id = $1', [id]))
      .rows[0].ref as string;
    await control('duitku/faults', { amountDisagrees: true });
    try {
      // Paid, its callbacks kept back: the two events are stored by hand, the older status first.
      await control(`duitku/payments/${reference}/pay`, { notify: { times: 0 } });
      const event = (resultCode: string, paid: { amount: string; currency: string } | null) =>
        ({
          kind: 'payment',
          gatewayPaymentId: reference,
          topupId: topup.id,
          gatewayStatus: resultCode,
          paid,
        }) satisfies NotificationEvent;
      const older = event('01', null);
      const stating = event('00', { amount: '150000', currency: 'IDR' });
      const stored = async (key: string, payload: typeof older) =>
        (await recordPaymentEvent({ ctx, input: { gateway: 'duitku', eventKey: key, payload } })).id!;
      const input = [
        {
          key: 'older',
          job: {
            eventId: await stored(`${reference}:01`, older),
            gateway: 'duitku' as const,
            topupId: id,
            event: older,
          },
        },
        {
          key: 'stating',
          job: {
            eventId: await stored(`${reference}:00`, stating),
            gateway: 'duitku' as const,
            topupId: id,
            event: stating,
          },
        },
      ];
      const outcomes = await processPaymentEventBatch({ ctx, input });
      expect([...outcomes.values()]).toEqual([{ ok: true }, { ok: true }]);
    } finally {
      await control('duitku/faults', { amountDisagrees: false });
    }
    const row = await ctx.db.query('SELECT status, credited_idr FROM topups WHERE id = $1', [id]);
    expect(row.rows[0]).toEqual({ status: 'review', credited_idr: null });
    expect((await getBalance({ ctx, input: { accountId: account.id } })).available).toBe(0);
    const outcomes = await ctx.db.query(
      `SELECT event_key, outcome FROM payment_events WHERE event_key LIKE $1 ORDER BY processed_at`,
      [`${reference}:%`],
    );
    expect(outcomes.rows).toEqual([
      { event_key: `${reference}:00`, outcome: 'review' },
      { event_key: `${reference}:01`, outcome: 'review' },
    ]);
  });
});
