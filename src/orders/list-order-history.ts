import type { DbContext } from '../platform/db.ts';
import { ORDER_SELECT, type OrderRecord, PUBLIC_STATUSES, type PublicStatus } from './order.ts';

/** The largest page one call returns, whatever is asked: the handler protocol's own maximum (100). */
export const HISTORY_PAGE_MAX = 100;
export const OPEN_STATUSES: readonly PublicStatus[] = ['ACTIVE', 'OTP_RECEIVED'];

export interface ListOrderHistoryInput {
  accountId: number;
  /** Only these statuses (default: every status customers may see). */
  statuses?: readonly PublicStatus[] | undefined;
  /** Created at or after this moment. */
  createdFrom?: Date | undefined;
  /** Created strictly before this moment. */
  createdBefore?: Date | undefined;
  /** Clamped to 1-HISTORY_PAGE_MAX, default HISTORY_PAGE_MAX. */
  limit?: number | undefined;
  offset?: number | undefined;
}

function clamp(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/**
 * One page of an account's visible orders, most recent first, filtered and paged in SQL so a page is
 * exactly the rows asked for and never more than HISTORY_PAGE_MAX are read. Ids grow with creation, so
 * "most recent first" is id order, which the (account_id, id DESC) index serves.
 */
export async function listOrderHistory({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: ListOrderHistoryInput;
}): Promise<OrderRecord[]> {
  const statuses = (input.statuses ?? PUBLIC_STATUSES).filter((s) => PUBLIC_STATUSES.includes(s));
  const limit = clamp(input.limit, 1, HISTORY_PAGE_MAX, HISTORY_PAGE_MAX);
  const offset = clamp(input.offset, 0, 2_147_483_647, 0);
  const result = await ctx.db.query<OrderRecord>(
    `${ORDER_SELECT}
      WHERE o.account_id = $1 AND o.status = ANY($2)
        AND ($3::timestamptz IS NULL OR o.created_at >= $3)
        AND ($4::timestamptz IS NULL OR o.created_at < $4)
      ORDER BY o.id DESC
      LIMIT $5 OFFSET $6`,
    [input.accountId, statuses, input.createdFrom ?? null, input.createdBefore ?? null, limit, offset],
  );
  return result.rows;
}
