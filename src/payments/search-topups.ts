/** Top-ups of every account for operators, newest first (keyset paging with beforeId). */
import type { DbContext } from '../platform/db.ts';
import type { GatewayCode } from './gateway-port.ts';
import { TOPUP_COLUMNS, type TopupRecord, type TopupStatus } from './topup.ts';

export async function searchTopups({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    status?: TopupStatus | undefined;
    gateway?: GatewayCode | undefined;
    accountId?: number | undefined;
    beforeId?: number | undefined;
    limit?: number | undefined;
  };
}): Promise<TopupRecord[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const rows = await ctx.db.query<TopupRecord>(
    `SELECT ${TOPUP_COLUMNS} FROM topups t
     WHERE ($1::text IS NULL OR t.status = $1) AND ($2::text IS NULL OR t.gateway = $2)
       AND ($3::bigint IS NULL OR t.account_id = $3) AND ($4::bigint IS NULL OR t.id < $4)
     ORDER BY t.id DESC LIMIT $5`,
    [input.status ?? null, input.gateway ?? null, input.accountId ?? null, input.beforeId ?? null, limit],
  );
  return rows.rows;
}
