/** What an account owes numpool from refunds and disputes its wallet could not cover (0: nothing). */
import type { DbContext } from '../platform/db.ts';

export async function accountReceivable({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number };
}): Promise<{ owedIdr: number }> {
  const row = await ctx.db.query<{ owed: number }>(
    'SELECT debits_posted - credits_posted AS owed FROM ledger_accounts WHERE receivable_of = $1',
    [input.accountId],
  );
  return { owedIdr: row.rows[0]?.owed ?? 0 };
}
