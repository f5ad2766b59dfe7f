/** Payment mismatches for operators, newest first: the open ones (the default) or the resolved ones. */
import type { DbContext } from '../platform/db.ts';
import { MISMATCH_COLUMNS, type PaymentMismatch } from './payment-mismatch.ts';

export async function listPaymentMismatches({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    status?: 'open' | 'resolved' | undefined;
    beforeId?: number | undefined;
    limit?: number | undefined;
  };
}): Promise<PaymentMismatch[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const resolved = input.status === 'resolved';
  const rows = await ctx.db.query<PaymentMismatch>(
    `SELECT ${MISMATCH_COLUMNS} FROM payment_mismatches m
     WHERE (m.resolved_at IS NOT NULL) = $1 AND ($2::bigint IS NULL OR m.id < $2)
     ORDER BY m.id DESC LIMIT $3`,
    [resolved, input.beforeId ?? null, limit],
  );
  return rows.rows;
}
