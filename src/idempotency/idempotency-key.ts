/**
 * Idempotency keys (Brandur's design): (account, scope, key) is claimed in its own transaction before any
 * effect. A repeat with the same request replays the stored result; with a different request it is
 * refused; while the first is still running it is told to retry. A key whose run died (lock older than
 * lockSeconds — the create timeout, NUMPOOL_CREATE_TIMEOUT_SECONDS — never finished) is taken over and the
 * run resumes from what it had done.
 */
import { createHash } from 'node:crypto';
import type { DbContext } from '../platform/db.ts';
import { DomainError, type DomainErrorCode } from '../platform/errors.ts';

export type IdempotencyScope = 'create' | 'reactivate';
export const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Keys are kept at least this long (then reaped). */
export const RETENTION_HOURS = 72;

export type StoredResult<T> =
  | { ok: T }
  | { error: { code: DomainErrorCode; message: string; details?: Record<string, unknown> | undefined } };

export type Claim<T> =
  | { kind: 'new'; keyId: number }
  | { kind: 'resume'; keyId: number }
  | { kind: 'replay'; keyId: number; result: StoredResult<T> };

/** SHA-256 of the request in canonical JSON (keys sorted), so key order in a body does not matter. */
export function requestHash(request: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');
}

export async function claimIdempotencyKey<T>({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    accountId: number;
    scope: IdempotencyScope;
    key: string;
    requestHash: string;
    lockSeconds: number;
  };
}): Promise<Claim<T>> {
  if (!KEY_PATTERN.test(input.key)) {
    throw new DomainError('VALIDATION_ERROR', 'idempotency-key must be 1-128 characters of A-Z a-z 0-9 _ -');
  }
  // Every scope is a purchase, and the claim is a purchase's first statement: it also refuses an account
  // an operator suspended, read from the database (no cache), so a suspension or its end applies to the
  // next request at no extra round trip. A refused claim stores nothing: after the suspension ends, the
  // same key runs as new.
  //
  // The same statement reads what the account owes (payments/: a refund or dispute its wallet could not
  // cover, its receivable): an account that owes anything buys nothing until a top-up settles it. It is
  // INSUFFICIENT_BALANCE — the account's money is below zero, and topping up is exactly the remedy (the
  // handler API's NO_BALANCE, which clients already answer by asking for funds) — not FORBIDDEN, which
  // says the credentials are wrong (the handler API's BAD_KEY makes clients drop the key).
  const inserted = await ctx.db.query<{ id: number | null; suspended: boolean; owed: number }>({
    name: 'idempotency.claim',
    text: `WITH account AS (
             SELECT a.suspended_at IS NOT NULL AS suspended,
               coalesce((SELECT r.debits_posted - r.credits_posted FROM ledger_accounts r WHERE r.receivable_of = a.id), 0) AS owed
             FROM accounts a WHERE a.id = $1),
           claimed AS (
             INSERT INTO idempotency_keys (account_id, scope, key, request_hash, locked_at)
             SELECT $1, $2, $3, $4, now()
             WHERE NOT coalesce((SELECT suspended OR owed > 0 FROM account), false)
             ON CONFLICT (account_id, scope, key) DO NOTHING RETURNING id)
           SELECT (SELECT id FROM claimed) AS id, coalesce((SELECT suspended FROM account), false) AS suspended,
             coalesce((SELECT owed FROM account), 0) AS owed`,
    values: [input.accountId, input.scope, input.key, input.requestHash],
  });
  const claimed = inserted.rows[0]!;
  if (claimed.suspended)
    throw new DomainError('ACCOUNT_SUSPENDED', 'account suspended: it cannot buy numbers');
  if (claimed.owed > 0) {
    throw new DomainError(
      'INSUFFICIENT_BALANCE',
      `the account owes ${claimed.owed} IDR from a refunded or disputed top-up: top up to settle it before buying`,
      { owed_idr: claimed.owed },
    );
  }
  if (claimed.id !== null) return { kind: 'new', keyId: claimed.id };

  // Someone holds the key: take it over only if its run is over or dead, atomically.
  const existing = await ctx.db.query<{
    id: number;
    request_hash: string;
    recovery_point: string;
    result: StoredResult<T> | null;
    taken: boolean;
  }>(
    `WITH current AS (
       SELECT id, request_hash, recovery_point, result, locked_at FROM idempotency_keys
       WHERE account_id = $1 AND scope = $2 AND key = $3),
     taken AS (
       UPDATE idempotency_keys k SET locked_at = now(), last_run_at = now()
       FROM current c
       WHERE k.id = c.id AND c.request_hash = $4 AND c.recovery_point <> 'finished'
         AND (c.locked_at IS NULL OR c.locked_at < now() - make_interval(secs => $5))
       RETURNING k.id)
     SELECT c.id, c.request_hash, c.recovery_point, c.result, EXISTS (SELECT 1 FROM taken) AS taken FROM current c`,
    [input.accountId, input.scope, input.key, input.requestHash, input.lockSeconds],
  );
  const row = existing.rows[0];
  if (!row) throw new DomainError('REQUEST_IN_PROGRESS', 'the same key is being processed; retry shortly');
  if (row.request_hash !== input.requestHash) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this idempotency-key was used with a different request');
  }
  if (row.recovery_point === 'finished' && row.result)
    return { kind: 'replay', keyId: row.id, result: row.result };
  if (row.taken) return { kind: 'resume', keyId: row.id };
  throw new DomainError('REQUEST_IN_PROGRESS', 'the same key is being processed; retry shortly');
}

/** Stores the result to replay and releases the lock. */
export async function finishIdempotencyKey<T>({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { keyId: number; result: StoredResult<T> };
}): Promise<void> {
  await ctx.db.query({
    name: 'idempotency.finish',
    text: `UPDATE idempotency_keys SET recovery_point = 'finished', result = $2, locked_at = NULL WHERE id = $1`,
    values: [input.keyId, JSON.stringify(input.result)],
  });
}

/**
 * After an unexpected failure: a key that produced no order is forgotten (the client may retry it as
 * new); otherwise it is unlocked so a retry resumes the run.
 */
export async function releaseIdempotencyKey({ ctx, input }: { ctx: DbContext; input: { keyId: number } }) {
  await ctx.db.query(
    `WITH gone AS (
       DELETE FROM idempotency_keys k WHERE k.id = $1
         AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.idempotency_key_id = k.id) RETURNING id)
     UPDATE idempotency_keys SET locked_at = NULL WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM gone)`,
    [input.keyId],
  );
}

/** Deletes keys past retention, in batches. */
export async function reapIdempotencyKeys({ ctx }: { ctx: DbContext }): Promise<number> {
  const result = await ctx.db.query<{ n: number }>(
    `WITH doomed AS (
       SELECT id FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT 5000),
     unlinked AS (
       UPDATE orders SET idempotency_key_id = NULL WHERE idempotency_key_id IN (SELECT id FROM doomed)),
     deleted AS (DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM doomed) RETURNING 1)
     SELECT count(*)::int AS n FROM deleted`,
    [RETENTION_HOURS],
  );
  return result.rows[0]!.n;
}
