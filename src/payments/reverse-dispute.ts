/**
 * A dispute the merchant won (Stripe `charge.dispute.closed`, `won`): what the dispute debited comes back,
 * one dispute_reversal from the gateway's clearing account to the wallet, of which what the account owes
 * is settled first (receivable first). Only the part not yet re-credited moves, so a repeat moves nothing.
 */
import { type DbContext, withTransaction } from '../platform/db.ts';
import type { GatewayCode } from './gateway-port.ts';
import { assertGatewayCode } from './gateway-settings.ts';
import { lockTopupByPayment, TOPUP_COLUMNS, type TopupRecord } from './topup.ts';
import { creditFromGateway, lockAccounts } from './topup-ledger.ts';

export interface ReverseDisputeResult {
  topup: TopupRecord;
  /** IDR re-credited this time (0 for a repeat). */
  recreditedIdr: number;
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
    const delta = topup.disputedIdr - topup.disputeReversedIdr;
    if (delta <= 0) return { topup, recreditedIdr: 0, settledIdr: 0, replayed: true };
    const accounts = await lockAccounts(tx.db, topup.accountId, gateway);
    const credited = await creditFromGateway(tx.db, accounts, {
      code: 'dispute_reversal',
      amount: delta,
      externalId: `topup:${topup.id}:dispute_won:${topup.disputedIdr}`,
      memo: input.reason?.slice(0, 500) ?? null,
    });
    if (!credited)
      throw new Error(`dispute reversal of top-up ${topup.publicId} exists but was not recorded`);
    const updated = await tx.db.query<TopupRecord>(
      `WITH t AS (
         UPDATE topups SET dispute_reversed_idr = disputed_idr, updated_at = now() WHERE id = $1 RETURNING *)
       SELECT ${TOPUP_COLUMNS} FROM t`,
      [topup.id],
    );
    return {
      topup: updated.rows[0]!,
      recreditedIdr: delta,
      settledIdr: credited.settledIdr,
      replayed: false,
    };
  });
}
