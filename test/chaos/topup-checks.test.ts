/**
 * The chaos run's top-up checks (scripts/chaos/topups.ts) can fail: on an honest world they hold, and a
 * paid top-up left uncredited, an unpaid one credited, or a gateway deposit no paid top-up explains each
 * turns its own check false.
 */
import { describe, expect, it } from 'vitest';
import { runTopupChecks, type TopupPlan, uncreditedPaid } from '../../scripts/chaos/topups.ts';
import { gatewayControl, postTopup, startPaymentsApp } from '../payments/topup-fixture.ts';
import { createCustomer } from '../support/factories.ts';
import { waitUntil } from '../support/wait.ts';

const { ctx, app, gateways } = await startPaymentsApp();
const control = gatewayControl(gateways.url);
const { account, apiKey } = await createCustomer(ctx);

const idOf = (publicId: string) => Number(publicId.replace('np-topup-', ''));
const referenceOf = async (id: number) =>
  (await ctx.db.query('SELECT gateway_payment_id AS ref FROM topups WHERE id = $1', [id])).rows[0]
    .ref as string;
const statusOf = async (id: number) =>
  (await ctx.db.query('SELECT status FROM topups WHERE id = $1', [id])).rows[0].status as string;

async function topup(paid: boolean): Promise<TopupPlan> {
  const started = await postTopup(app, apiKey, {
    gateway: 'duitku',
    amount: '20000',
    currency: 'IDR',
    method: 'NQ',
  });
  const id = idOf(started.id);
  if (paid) {
    await control(`duitku/payments/${await referenceOf(id)}/pay`, {});
    await waitUntil(async () => ((await statusOf(id)) === 'credited' ? true : undefined));
  }
  return { id, accountId: account.id, gateway: 'duitku', paid, notify: { times: 1, outOfOrder: false } };
}

const paidOne = await topup(true);
const paidTwo = await topup(true);
const unpaid = await topup(false);
const honest = [paidOne, paidTwo, unpaid];

describe('the chaos run’s top-up checks', () => {
  it('hold on an honest world, which is quiet', async () => {
    expect(await uncreditedPaid(ctx, honest)).toBe(0);
    expect((await runTopupChecks(ctx, honest)).checks).toEqual({
      every_paid_topup_credited_once_for_what_was_paid: true,
      no_unpaid_topup_credited: true,
      gateway_deposits_equal_paid_topups: true,
    });
  });

  it('catch a paid top-up that was not credited', async () => {
    const plans = [paidOne, paidTwo, { ...unpaid, paid: true }];
    expect(await uncreditedPaid(ctx, plans)).toBe(1);
    const { checks, details } = await runTopupChecks(ctx, plans);
    expect(checks.every_paid_topup_credited_once_for_what_was_paid).toBe(false);
    expect(details.paidNotCredited).toEqual([`duitku ${unpaid.id}: pending - of 20000`]);
  });

  it('catch an unpaid top-up that was credited', async () => {
    const { checks } = await runTopupChecks(ctx, [paidOne, { ...paidTwo, paid: false }, unpaid]);
    expect(checks.no_unpaid_topup_credited).toBe(false);
  });

  it('catch a gateway deposit no paid top-up explains', async () => {
    const { checks, details } = await runTopupChecks(ctx, [paidOne, unpaid]);
    expect(checks).toMatchObject({
      every_paid_topup_credited_once_for_what_was_paid: true,
      no_unpaid_topup_credited: true,
      gateway_deposits_equal_paid_topups: false,
    });
    expect(details.depositMismatch).toEqual([
      `account ${account.id}: 2 deposits of 40000 IDR for 1 paid top-ups of 20000`,
    ]);
  });
});
