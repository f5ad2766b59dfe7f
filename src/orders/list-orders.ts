/**
 * Lists of an account's visible orders, most recent first (ids grow with creation, so id order, which
 * the (account_id, id DESC) index serves). Filtering and paging happen in SQL, in one query for every
 * list, so a page is exactly the rows asked for.
 */
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import {
  OPEN_STATUSES,
  ORDER_SELECT,
  type OrderRecord,
  PUBLIC_STATUSES,
  type PublicStatus,
} from './order.ts';

/** The largest history page one call returns, whatever is asked: the handler protocol's own maximum. */
export const HISTORY_PAGE_MAX = 100;
const OFFSET_MAX = 2_147_483_647;

function clamp(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

async function selectOrders(
  ctx: DbContext,
  query: {
    accountId: number;
    statuses: readonly PublicStatus[];
    createdFrom?: Date | undefined;
    createdBefore?: Date | undefined;
    /** Absent: every matching order. */
    page?: { limit: number; offset: number };
  },
): Promise<OrderRecord[]> {
  const values: unknown[] = [
    query.accountId,
    query.statuses,
    query.createdFrom ?? null,
    query.createdBefore ?? null,
  ];
  if (query.page) values.push(query.page.limit, query.page.offset);
  const result = await ctx.db.query<OrderRecord>(
    `${ORDER_SELECT}
      WHERE o.account_id = $1 AND o.status = ANY($2)
        AND ($3::timestamptz IS NULL OR o.created_at >= $3)
        AND ($4::timestamptz IS NULL OR o.created_at < $4)
      ORDER BY o.id DESC
      ${query.page ? 'LIMIT $5 OFFSET $6' : ''}`,
    values,
  );
  return result.rows;
}

export interface ListOrdersInput {
  accountId: number;
  /** Clamped to 1-100, default 20. */
  limit?: number | undefined;
  offset?: number | undefined;
  /** Case-insensitive; an unknown status is a VALIDATION_ERROR. */
  status?: string | undefined;
  /** Only ACTIVE and OTP_RECEIVED. */
  activeOnly?: boolean;
  /** Created on or after this UTC day (YYYY-MM-DD). */
  createdFromDay?: string | undefined;
  /** Created on or before this UTC day (YYYY-MM-DD). */
  createdToDay?: string | undefined;
}

/** An account's visible orders, most recent first. */
export async function listOrders({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: ListOrdersInput;
}): Promise<OrderRecord[]> {
  let statuses: readonly PublicStatus[] = input.activeOnly ? OPEN_STATUSES : PUBLIC_STATUSES;
  if (input.status !== undefined) {
    const wanted = input.status.toUpperCase() as PublicStatus;
    if (!PUBLIC_STATUSES.includes(wanted)) {
      throw new DomainError('VALIDATION_ERROR', `status must be one of ${PUBLIC_STATUSES.join(', ')}`);
    }
    statuses = statuses.filter((s) => s === wanted);
  }
  return selectOrders(ctx, {
    accountId: input.accountId,
    statuses,
    createdFrom: dayStart(input.createdFromDay, 'created_from'),
    createdBefore: dayStart(input.createdToDay, 'created_to', 1),
    page: input.activeOnly
      ? undefined
      : { limit: clamp(input.limit, 1, 100, 20), offset: clamp(input.offset, 0, OFFSET_MAX, 0) },
  });
}

/** The start of a UTC day (YYYY-MM-DD), `days` later; a day that is not on the calendar is refused. */
function dayStart(day: string | undefined, name: string, days = 0): Date | undefined {
  if (day === undefined) return undefined;
  const start = new Date(`${day}T00:00:00Z`);
  // 2026-02-31 would roll over into March: refuse it rather than guess.
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day)
    throw new DomainError('VALIDATION_ERROR', `${name} is not a calendar date`);
  return new Date(start.getTime() + days * 86_400_000);
}

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

/** One bounded page of an account's visible orders: never more than HISTORY_PAGE_MAX rows are read. */
export async function listOrderHistory({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: ListOrderHistoryInput;
}): Promise<OrderRecord[]> {
  return selectOrders(ctx, {
    accountId: input.accountId,
    statuses: (input.statuses ?? PUBLIC_STATUSES).filter((s) => PUBLIC_STATUSES.includes(s)),
    createdFrom: input.createdFrom,
    createdBefore: input.createdBefore,
    page: {
      limit: clamp(input.limit, 1, HISTORY_PAGE_MAX, HISTORY_PAGE_MAX),
      offset: clamp(input.offset, 0, OFFSET_MAX, 0),
    },
  });
}
