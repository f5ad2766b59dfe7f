/**
 * A dispute the merchant won (Stripe `charge.dispute.closed`, `won`): what the dispute took back comes
 * back in the same shares (topup-terms.ts): the customer's net share as a dispute_reversal from the
 * gateway's clearing account to the wallet, the bonus it clawed back as a topup_bonus_restore, the fee's
 * share to fee revenue again (topup_fee_restore); what the account owes is settled first from what the
 * wallet got (receivable first). Only the part not yet re-credited moves, so a repeat moves nothing.
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import type { GatewayCode } from './gateway-port.ts';
import { assertGatewayCode } from './gateway-settings.ts';
import { lockTopupByPayment, TOPUP_COLUMNS, type TopupRecord } from './topup.ts';
import { creditWallet, lockAccounts, settleOwed, writeTransfer } from './topup-ledger.ts';
import { takenBackShares } from './topup-terms.ts';

export interface ReverseDisputeResult {
  topup: TopupRecord;
  /** IDR re-credited to the customer this time (0 for a repeat), the restored bonus included. */
  recreditedIdr: number;
  bonusRestoredIdr: number;
  /** Of which settled what the account owed. */
  settledIdr: number;
  replayed: boolean;
}

export async function reverseDispute({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { gateway: GatewayCode; gatewayPaymentId: string; reason?: string | undefined };
}): Promise<ReverseDisputeResult> {
  const gateway = assertGatewayCode(input.gateway);
  return withTransaction(ctx, async (tx) => {
    const topup = await lockTopupByPayment(tx.db, gateway, input.gatewayPaymentId);
    if (topup.disputedIdr - topup.disputeReversedIdr <= 0) {
      return { topup, recreditedIdr: 0, bonusRestoredIdr: 0, settledIdr: 0, replayed: true };
    }
    // disputed_idr > 0 only on a credited top-up.
    const shares = { creditedIdr: topup.creditedIdr!, feeIdr: topup.feeIdr, bonusIdr: topup.bonusIdr };
    const was = takenBackShares(shares, topup.disputeReversedIdr);
    const now = takenBackShares(shares, topup.disputedIdr);
    const [net, fee, bonus] = [now.net - was.net, now.fee - was.fee, now.bonus - was.bonus];
    const accounts = await lockAccounts(tx.db, topup.accountId, gateway);
    const externalId = `topup:${topup.id}:dispute_won:${topup.disputedIdr}`;
    const memo = input.reason?.slice(0, 500) ?? null;
    const first: (number | null)[] = [];
    if (net > 0) {
      first.push(
        await creditWallet(tx.db, accounts, {
          code: 'dispute_reversal',
          from: accounts.gatewayAccountId,
          amount: net,
          externalId,
          memo,
        }),
      );
    }
    if (bonus > 0) {
      first.push(
        await creditWallet(tx.db, accounts, {
          code: 'topup_bonus_restore',
          from: accounts.bonusAccountId,
          amount: bonus,
          externalId,
          memo: `${topup.publicId}: won dispute restores the bonus`,
        }),
      );
    }
    if (fee > 0) {
      await writeTransfer(tx.db, {
        code: 'topup_fee_restore',
        debit: accounts.gatewayAccountId,
        credit: accounts.feeAccountId,
        amount: fee,
        externalId,
        memo,
      });
    }
    if (first.includes(null)) {
      throw new Error(`dispute reversal of top-up ${topup.publicId} exists but was not recorded`);
    }
    const settledIdr = first[0] ? await settleOwed(tx.db, accounts, net + bonus, first[0]) : 0;
    const updated = await tx.db.query<TopupRecord>(
      `WITH t AS (
         UPDATE topups SET dispute_reversed_idr = disputed_idr, updated_at = now() WHERE id = $1 RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [topup.id],
    );
    return {
      topup: updated.rows[0]!,
      recreditedIdr: net + bonus,
      bonusRestoredIdr: bonus,
      settledIdr,
      replayed: false,
    };
  });
}
