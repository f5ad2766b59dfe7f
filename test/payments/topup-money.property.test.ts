/**
 * Random sequences of what gateways report — credits (over, under, repeated), cumulative refunds,
 * disputes and won disputes, duplicates delivered at the same time — and of the customer spending, on a
 * few top-ups of one account, through a gateway with a fee (Stripe, 2.9 %) and one without (Heleket),
 * with bonus tiers that paying over or under can cross. After each sequence: the ledger check is clean,
 * the wallet is what a plain model of credits (less fee, plus bonus) less debits says (never below zero),
 * and so is what the account owes; what a top-up takes back never exceeds what it put in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { creditTopup } from '../../src/payments/credit-topup.ts';
import { debitTopupDispute, debitTopupRefund } from '../../src/payments/debit-topup.ts';
import { reverseDispute } from '../../src/payments/reverse-dispute.ts';
import { setTopupBonus } from '../../src/payments/set-topup-bonus.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';
import { configureGateways, moneyOf, pendingTopup } from './topup-fixture.ts';

const ctx = await createTestContext();
await configureGateways(ctx, { stripe: '2.9' });
await setTopupBonus({
  ctx,
  input: {
    tiers: [
      { minIdr: 100_000, percent: '3' },
      { minIdr: 300_000, percent: '7.5' },
    ],
    actor: CLI_ACTOR,
  },
});

const RATE = 16_000;
const TOPUPS = 3;
const cents = fc.integer({ min: 100, max: 3_000 });

const Command = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), index: fc.nat(TOPUPS - 1), cents }),
  fc.record({ kind: fc.constant('refund' as const), index: fc.nat(TOPUPS - 1), cents }),
  fc.record({ kind: fc.constant('dispute' as const), index: fc.nat(TOPUPS - 1), cents }),
  fc.record({ kind: fc.constant('win' as const), index: fc.nat(TOPUPS - 1) }),
  fc.record({ kind: fc.constant('spend' as const), idr: fc.integer({ min: 1, max: 600_000 }) }),
  fc.record({ kind: fc.constant('duplicate' as const) }),
);
type Command = typeof Command extends fc.Arbitrary<infer C> ? C : never;

interface ModelTopup {
  /** Fee in thousandths of a percent point: 2.9 % is 29 per mille. */
  feePerMille: number;
  credited: number | null;
  fee: number;
  bonus: number;
  refunded: number;
  disputed: number;
  reversed: number;
  /** What the customer got from the top-up and gave back, in all. */
  received: number;
  givenBack: number;
}

/** The bonus tiers above in hundredths of a percent. */
const bonusOf = (paid: number) =>
  Math.floor((paid * (paid >= 300_000 ? 750 : paid >= 100_000 ? 300 : 0)) / 10_000);
/** The customer's share of `taken` IDR of the payment: floor(taken × net / paid) + floor(taken × bonus / paid). */
const customerShare = (t: ModelTopup, taken: number) =>
  t.credited === null
    ? 0
    : Math.floor((taken * (t.credited - t.fee)) / t.credited) + Math.floor((taken * t.bonus) / t.credited);

const usd = (c: number) => (c / 100).toFixed(2);

describe('top-up money under random gateway reports', () => {
  it('keeps the ledger clean, the wallet at credits less debits and never negative', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Command, { minLength: 1, maxLength: 14 }), async (commands) => {
        const { account } = await createCustomer(ctx);
        const accountId = account.id;
        const payments: Awaited<ReturnType<typeof pendingTopup>>[] = [];
        for (let i = 0; i < TOPUPS; i++) {
          payments.push(
            await pendingTopup(ctx, { accountId, gateway: i === 1 ? 'heleket' : 'stripe', amount: '10.00' }),
          );
        }
        const model: ModelTopup[] = payments.map((_, i) => ({
          feePerMille: i === 1 ? 0 : 29,
          credited: null,
          fee: 0,
          bonus: 0,
          refunded: 0,
          disputed: 0,
          reversed: 0,
          received: 0,
          givenBack: 0,
        }));
        let wallet = 0;
        let owed = 0;
        const settle = (incoming: number) => {
          wallet += incoming;
          const settled = Math.min(owed, incoming);
          wallet -= settled;
          owed -= settled;
        };
        const takeBack = (t: ModelTopup, kind: 'refunded' | 'disputed', c: number) => {
          if (t.credited === null) return;
          const other = kind === 'refunded' ? t.disputed : t.refunded;
          const target = Math.min(c * (RATE / 100), t.credited + t.reversed - other);
          if (target - t[kind] <= 0) return;
          const delta = customerShare(t, target) - customerShare(t, t[kind]);
          t.givenBack += delta;
          const fromWallet = Math.min(wallet, delta);
          wallet -= fromWallet;
          owed += delta - fromWallet;
          t[kind] = target;
        };

        /** Applies one command to the system; the model is updated once by the caller. */
        const run = async (command: Command) => {
          if (command.kind === 'spend' || command.kind === 'duplicate') return;
          const p = payments[command.index]!;
          const ignoreRefusal = (error: { code?: string }) => {
            if (error.code !== 'CONFLICT') throw error;
          };
          if (command.kind === 'credit') {
            await creditTopup({ ctx, input: { ...p, paidAmount: usd(command.cents), paidCurrency: 'USD' } });
          } else if (command.kind === 'refund') {
            await debitTopupRefund({ ctx, input: { ...p, amount: usd(command.cents) } }).catch(ignoreRefusal);
          } else if (command.kind === 'dispute') {
            await debitTopupDispute({ ctx, input: { ...p, amount: usd(command.cents) } }).catch(
              ignoreRefusal,
            );
          } else {
            await reverseDispute({ ctx, input: p });
          }
        };
        const model1 = (command: Command) => {
          if (command.kind === 'spend' || command.kind === 'duplicate') return;
          const t = model[command.index]!;
          if (command.kind === 'credit') {
            if (t.credited !== null) return;
            t.credited = command.cents * (RATE / 100);
            // Half up: round(paid × per mille / 1000) = floor((2 × paid × per mille + 1000) / 2000).
            t.fee = Math.floor((t.credited * t.feePerMille * 2 + 1_000) / 2_000);
            t.bonus = bonusOf(t.credited);
            t.received = t.credited - t.fee + t.bonus;
            settle(t.received);
          } else if (command.kind === 'refund') takeBack(t, 'refunded', command.cents);
          else if (command.kind === 'dispute') takeBack(t, 'disputed', command.cents);
          else {
            const delta = customerShare(t, t.disputed) - customerShare(t, t.reversed);
            t.reversed = t.disputed;
            t.received += delta;
            if (delta > 0) settle(delta);
          }
        };

        let last: Command | undefined;
        for (const command of commands) {
          if (command.kind === 'spend') {
            const amount = Math.min(command.idr, wallet);
            if (amount > 0) {
              await adjustBalance({
                ctx,
                input: { accountId, direction: 'debit', amount, reason: 'spent', actor: CLI_ACTOR },
              });
              wallet -= amount;
            }
          } else if (command.kind === 'duplicate') {
            // The last report delivered twice more, at the same time: it changes nothing again.
            if (last) await Promise.all([run(last), run(last)]);
          } else {
            await run(command);
            model1(command);
            last = command;
          }
          const money = await moneyOf(ctx, accountId);
          expect(money).toEqual({ available: wallet, owed });
          expect(money.available).toBeGreaterThanOrEqual(0);
          for (const t of model) expect(t.givenBack).toBeLessThanOrEqual(t.received);
        }
        expect(await checkLedger({ ctx })).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
