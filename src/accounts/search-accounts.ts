/**
 * The operators' account search: by email substring or exact id, by role and state, newest first, paged
 * by keyset (before_id). The substring match scans accounts (no trigram index): the table has one row per
 * customer, and this is an operator's occasional search, not a hot path.
 */
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { ACCOUNT_COLUMNS, type Account, type AccountRole } from './account.ts';

export const ACCOUNT_STATES = ['active', 'suspended', 'disabled'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface SearchAccountsInput {
  /** An email substring, or an account id (digits also match emails containing them). */
  q?: string | undefined;
  role?: AccountRole | undefined;
  /** active: neither suspended nor disabled. */
  status?: AccountState | undefined;
  beforeId?: number | undefined;
  /** Clamped to 1-100, default 50. */
  limit?: number | undefined;
}

const STATE_CLAUSE: Record<AccountState, string> = {
  active: 'suspended_at IS NULL AND disabled_at IS NULL',
  suspended: 'suspended_at IS NOT NULL',
  disabled: 'disabled_at IS NOT NULL',
};

export async function searchAccounts({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: SearchAccountsInput;
}): Promise<Account[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const q = input.q?.trim().toLowerCase();
  if (q) {
    if (q.length > 254) throw new DomainError('VALIDATION_ERROR', 'q must be at most 254 characters');
    // LIKE, so the trigram index can answer it; the operator's text is matched literally (\, % and _
    // escaped).
    const text = `email LIKE ${param(`%${q.replace(/[\\%_]/g, '\\$&')}%`)}`;
    where.push(/^\d{1,15}$/.test(q) ? `(id = ${param(Number(q))} OR ${text})` : text);
  }
  if (input.role !== undefined) where.push(`role = ${param(input.role)}`);
  if (input.status !== undefined) where.push(STATE_CLAUSE[input.status]);
  if (input.beforeId !== undefined) where.push(`id < ${param(input.beforeId)}`);
  const limit = Math.min(Math.max(Math.trunc(input.limit ?? 50), 1), 100);
  const result = await ctx.db.query<Account>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT ${param(limit)}`,
    values,
  );
  return result.rows;
}
