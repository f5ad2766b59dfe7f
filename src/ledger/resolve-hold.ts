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
    const hold = await tx.db.query<{ debit_account_id: number; credit_account_id: number; amount: number }>(
      `SELECT debit_account_id, credit_account_id, amount FROM transfers WHERE id = $1 AND kind = 'pending'`,
      [holdId],
    );
    const pending = hold.rows[0];
    if (!pending) throw new DomainError('NOT_FOUND', `no hold ${holdId}`);
    try {
      const transfer = await tx.db.query<{ id: number }>(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, pending_id, code)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [
          resolution === 'post' ? 'post_pending' : 'void_pending',
          pending.debit_account_id,
          pending.credit_account_id,
          pending.amount,
          holdId,
          resolution === 'post' ? 'order_charge' : 'order_release',
        ],
      );
      await tx.db.query(
        resolution === 'post'
          ? `UPDATE ledger_accounts SET debits_pending = debits_pending - $2, debits_posted = debits_posted + $2
             WHERE id = $1 AND kind = 'wallet'`
          : `UPDATE ledger_accounts SET debits_pending = debits_pending - $2 WHERE id = $1 AND kind = 'wallet'`,
        [pending.debit_account_id, pending.amount],
      );
      return { transferId: transfer.rows[0]!.id };
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
