/**
 * The operators' order search over every account: by id, phone, account, provider (id or code) and
 * status (provisioning and failed included), newest first, paged by keyset (before_id). Each filter has
 * an index that serves it in id order: the primary key, orders_phone_idx, orders_account_idx,
 * orders_provider_idx; status alone walks the primary key backwards.
 */
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ORDER_SELECT, type OrderRecord, type OrderStatus } from './order.ts';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'PROVISIONING',
  'ACTIVE',
  'OTP_RECEIVED',
  'COMPLETED',
  'CANCELED',
  'EXPIRED',
  'FAILED',
];

export interface SearchOrdersInput {
  id?: number | undefined;
  /** Digits with the country code; a leading + is ignored. */
  phone?: string | undefined;
  accountId?: number | undefined;
  /** A provider id or code. */
  provider?: string | undefined;
  status?: string | undefined;
  beforeId?: number | undefined;
  /** Clamped to 1-100, default 50. */
  limit?: number | undefined;
}

export async function searchOrders({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: SearchOrdersInput;
}): Promise<OrderRecord[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (input.id !== undefined) where.push(`o.id = ${param(input.id)}`);
  if (input.phone !== undefined) {
    const phone = input.phone.trim().replace(/^\+/, '');
    if (!/^\d{1,20}$/.test(phone)) throw new DomainError('VALIDATION_ERROR', 'phone must be digits');
    where.push(`o.phone = ${param(phone)}`);
  }
  if (input.accountId !== undefined) where.push(`o.account_id = ${param(input.accountId)}`);
  if (input.provider !== undefined) {
    const ref = input.provider.trim();
    where.push(
      /^\d{1,9}$/.test(ref)
        ? `o.provider_id = ${param(Number(ref))}`
        : `o.provider_id = (SELECT id FROM providers WHERE code = ${param(ref)})`,
    );
  }
  if (input.status !== undefined) {
    const status = input.status.toUpperCase() as OrderStatus;
    if (!ORDER_STATUSES.includes(status)) {
      throw new DomainError('VALIDATION_ERROR', `status must be one of ${ORDER_STATUSES.join(', ')}`);
    }
    where.push(`o.status = ${param(status)}`);
  }
  if (input.beforeId !== undefined) where.push(`o.id < ${param(input.beforeId)}`);
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? 50), 1), 100);
  const result = await ctx.db.query<OrderRecord>(
    `${ORDER_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY o.id DESC LIMIT ${param(limit)}`,
    values,
  );
  return result.rows;
}
