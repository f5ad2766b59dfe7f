/**
 * Random sequences of what gateways report — credits (over, under, repeated), cumulative refunds,
 * disputes and won disputes, duplicates delivered at the same time — and of the customer spending, on a
 * few top-ups of one account. After each sequence: the ledger check is clean, the wallet is what a plain
 * model of credits less debits says (never below zero), and so is what the account owes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { creditTopup } from '../../src/payments/credit-topup.ts';
import { debitTopupDispute, debitTopupRefund } from '../../src/payments/debit-topup.ts';
import { reverseDispute } from '../../src/payments/reverse-dispute.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestContext } from '../support/test-database.ts';
import { configureGateways, moneyOf, pendingTopup } from './topup-fixture.ts';

const ctx = await createTestContext();
await configureGateways(ctx);

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
  credited: number | null;
  refunded: number;
  disputed: number;
  reversed: number;
}

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
        const model: ModelTopup[] = payments.map(() => ({
          credited: null,
          refunded: 0,
          disputed: 0,
          reversed: 0,
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
          const delta = target - t[kind];
          if (delta <= 0) return;
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
            settle(t.credited);
          } else if (command.kind === 'refund') takeBack(t, 'refunded', command.cents);
          else if (command.kind === 'dispute') takeBack(t, 'disputed', command.cents);
          else {
            const delta = t.disputed - t.reversed;
            t.reversed = t.disputed;
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
        }
        expect(await checkLedger({ ctx })).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
