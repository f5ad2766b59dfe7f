/**
 * Resolving a hold, exactly once: post (the customer pays — the first SMS arrived) or void (the money
 * returns — cancel, expiry, provisioning failure). A second resolution of the same hold is refused by the
 * unique index on pending_id, so a race between an SMS and a cancel can never both succeed.
 */
import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';

type Resolution = 'post' | 'void';

async function resolveHold(
  ctx: DbContext,
  holdId: number,
  resolution: Resolution,
): Promise<{ transferId: number }> {
  return withTransaction(ctx, async (tx) => {
    try {
      // One statement: the hold read, the resolving transfer and the wallet update. The wallet row — the
      // customer's, shared by all their orders — is locked by its last step, so a caller that resolves as
      // its last write holds that lock only until its COMMIT (it was three round trips, the wallet locked
      // during the last one).
      const resolved = await tx.db.query<{ id: number }>({
        name: 'ledger.resolve-hold',
        text: `WITH hold AS (
                 SELECT debit_account_id, credit_account_id, amount FROM transfers WHERE id = $1 AND kind = 'pending'),
               t AS (
                 INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, pending_id, code)
                 SELECT $2, debit_account_id, credit_account_id, amount, $1, $3 FROM hold
                 RETURNING id, debit_account_id, amount),
               w AS (
                 UPDATE ledger_accounts l SET debits_pending = l.debits_pending - t.amount,
                   debits_posted = l.debits_posted + CASE WHEN $4 THEN t.amount ELSE 0 END
                 FROM t WHERE l.id = t.debit_account_id AND l.kind = 'wallet' RETURNING l.id)
               SELECT id FROM t`,
        values: [
          holdId,
          resolution === 'post' ? 'post_pending' : 'void_pending',
          resolution === 'post' ? 'order_charge' : 'order_release',
          resolution === 'post',
        ],
      });
      const transfer = resolved.rows[0];
      if (!transfer) throw new DomainError('NOT_FOUND', `no hold ${holdId}`);
      return { transferId: transfer.id };
    } catch (error) {
      if (pgConstraint(error) === 'transfers_resolve_once') {
        throw new DomainError('CONFLICT', `hold ${holdId} is already resolved`);
      }
      throw error;
    }
  });
}

export function postHold({ ctx, input }: { ctx: DbContext; input: { holdId: number } }) {
  return resolveHold(ctx, input.holdId, 'post');
}

export function voidHold({ ctx, input }: { ctx: DbContext; input: { holdId: number } }) {
  return resolveHold(ctx, input.holdId, 'void');
}
