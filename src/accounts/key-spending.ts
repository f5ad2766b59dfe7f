/**
 * A key's daily spend limit: the amounts of the orders created with the key since 00:00 UTC that were not
 * given back (held or charged: canceled, expired and failed orders were refunded), plus a new order's
 * price, may not exceed it. Creates on a limited key serialize on the key's row (lockKeySpending), and the
 * sum is read by a later statement than the lock, so it sees every order committed before the lock was
 * granted: two simultaneous creates cannot both fit under the limit.
 */
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';

const SPENDING = `spent.status IN ('PROVISIONING', 'ACTIVE', 'OTP_RECEIVED', 'COMPLETED')`;

/**
 * The SQL for what key `$key` spent since `$since` (both placeholders, e.g. '$3'), leaving out order
 * `$except` when given.
 */
export function spentSinceSql(key: string, since: string, except?: string): string {
  return `(SELECT coalesce(sum(spent.amount), 0) FROM orders spent
           WHERE spent.api_key_id = ${key} AND spent.created_at >= ${since} AND ${SPENDING}${except ? ` AND spent.id <> ${except}` : ''})`;
}

/** 00:00 UTC of `now`'s day: when today's spending began. */
export function spendDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Locks the key's row for the rest of the transaction; its limit as it is now (null: none). */
export async function lockKeySpending({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { keyId: number };
}): Promise<number | null> {
  if (!ctx.inTransaction) throw new Error('a spend check needs the caller’s transaction');
  // NO KEY UPDATE: it queues creates on this key behind each other, and nothing else (not the share
  // locks other tables' foreign keys take, nor reads).
  const row = await ctx.db.query<{ limit: number | null }>({
    name: 'accounts.lock-key-spending',
    text: 'SELECT daily_spend_limit AS "limit" FROM api_keys WHERE id = $1 FOR NO KEY UPDATE',
    values: [input.keyId],
  });
  return row.rows[0]?.limit ?? null;
}

export async function keySpentToday({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { keyId: number; now: Date; exceptOrderId?: number | undefined };
}): Promise<number> {
  const except = input.exceptOrderId === undefined ? undefined : '$3';
  const values: unknown[] = [input.keyId, spendDayStart(input.now)];
  if (except) values.push(input.exceptOrderId);
  const row = await ctx.db.query<{ spent: number }>(
    `SELECT ${spentSinceSql('$1', '$2::timestamptz', except)}::bigint AS spent`,
    values,
  );
  return row.rows[0]!.spent;
}

/** The refusal: 429 on the SMSCode surfaces, NO_BALANCE on the handler API. */
export function spendLimitRefusal(input: { limit: number; spent: number; now: Date }): DomainError {
  const resetsAt = new Date(spendDayStart(input.now).getTime() + 86_400_000);
  return new DomainError('SPEND_LIMIT_EXCEEDED', 'this API key has reached its daily spend limit', {
    limit: input.limit,
    spent: input.spent,
    resets_at: resetsAt.toISOString(),
    retry_after_seconds: Math.max(1, Math.ceil((resetsAt.getTime() - input.now.getTime()) / 1000)),
  });
}
