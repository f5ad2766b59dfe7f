import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ORDER_SELECT, type OrderRecord, PUBLIC_STATUSES, type PublicStatus } from './order.ts';

export interface ListOrdersInput {
  accountId: number;
  /** Clamped to 1-100, default 20. */
  limit?: number | undefined;
  offset?: number | undefined;
  /** Case-insensitive; an unknown status is a VALIDATION_ERROR. */
  status?: string | undefined;
  /** Only ACTIVE and OTP_RECEIVED. */
  activeOnly?: boolean;
}

/** An account's visible orders, most recent first. */
export async function listOrders({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: ListOrdersInput;
}): Promise<OrderRecord[]> {
  let statuses: readonly PublicStatus[] = input.activeOnly ? ['ACTIVE', 'OTP_RECEIVED'] : PUBLIC_STATUSES;
  if (input.status !== undefined) {
    const wanted = input.status.toUpperCase() as PublicStatus;
    if (!PUBLIC_STATUSES.includes(wanted)) {
      throw new DomainError('VALIDATION_ERROR', `status must be one of ${PUBLIC_STATUSES.join(', ')}`);
    }
    statuses = statuses.filter((s) => s === wanted);
  }
  const limit = Math.min(100, Math.max(1, Math.trunc(input.limit ?? 20)));
  const offset = Math.min(2_147_483_647, Math.max(0, Math.trunc(input.offset ?? 0)));
  const result = await ctx.db.query<OrderRecord>(
    `${ORDER_SELECT} WHERE o.account_id = $1 AND o.status = ANY($2) ORDER BY o.id DESC
     ${input.activeOnly ? '' : 'LIMIT $3 OFFSET $4'}`,
    input.activeOnly ? [input.accountId, statuses] : [input.accountId, statuses, limit, offset],
  );
  return result.rows;
}
