/** An account's own top-ups, newest first; another account's top-up is NOT_FOUND, never FORBIDDEN. */
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { TOPUP_COLUMNS, type TopupRecord, topupIdOf } from './topup.ts';

export async function listTopups({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; beforeId?: number | undefined; limit?: number | undefined };
}): Promise<TopupRecord[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const rows = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t
     WHERE t.account_id = $1 AND ($2::bigint IS NULL OR t.id < $2) ORDER BY t.id DESC LIMIT $3`,
    [input.accountId, input.beforeId ?? null, limit],
  );
  return rows.rows;
}

export async function getTopup({
  ctx,
  input,
}: {
  ctx: DbContext;
  /** The numeric id or the public `np-topup-<id>`. */
  input: { accountId: number; topupId: number | string };
}): Promise<TopupRecord> {
  const id = typeof input.topupId === 'number' ? input.topupId : topupIdOf(input.topupId);
  const row =
    id === null || !Number.isSafeInteger(id)
      ? undefined
      : (
          await ctx.db.query<TopupRecord>(
            `SELECT ${TOPUP_COLUMNS} FROM topups t WHERE t.id = $1 AND t.account_id = $2`,
            [id, input.accountId],
          )
        ).rows[0];
  if (!row) throw new DomainError('NOT_FOUND', `no top-up ${input.topupId}`);
  return row;
}
