/**
 * An operator's credit or debit of a wallet: one posted transfer between platform funding and the wallet
 * (code manual_credit or manual_debit, the reason as its memo), audited in the same transaction with the
 * balance before and after.
 *
 * A debit never overdraws: the wallet's row is updated in the same transaction and the wallet_not_overdrawn
 * CHECK refuses what the balance (holds included) cannot cover, whatever runs concurrently — two debits
 * serialise on the wallet row and the second sees the first. With an idempotency key the adjustment
 * happens at most once per (account, direction, key): a repeat with the same amount returns the original
 * transfer and records nothing; a repeat that differs is IDEMPOTENCY_KEY_REUSED.
 */
import type { AuditActor } from '../audit/audit-actor.ts';
import { auditReason } from '../audit/audit-reason.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { BALANCE_COLUMNS, checkIdrAmount, PLATFORM_ACCOUNTS, type WalletBalance } from './ledger-account.ts';

export type AdjustmentDirection = 'credit' | 'debit';

export interface AdjustBalanceInput {
  accountId: number;
  direction: AdjustmentDirection;
  /** Integer IDR. */
  amount: number;
  reason: string;
  idempotencyKey?: string | undefined;
  actor: AuditActor;
}

export interface AdjustBalanceResult {
  transferId: number;
  replayed: boolean;
  before: WalletBalance;
  after: WalletBalance;
}

const CODE = { credit: 'manual_credit', debit: 'manual_debit' } as const;
const KEY_SHAPE = /^[\x21-\x7e]{1,128}$/;

export async function adjustBalance({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: AdjustBalanceInput;
}): Promise<AdjustBalanceResult> {
  checkIdrAmount(input.amount);
  const reason = auditReason(input.reason);
  if (input.idempotencyKey !== undefined && !KEY_SHAPE.test(input.idempotencyKey)) {
    throw new DomainError('VALIDATION_ERROR', 'idempotency-key must be 1-128 printable characters');
  }
  const code = CODE[input.direction];
  // Keys are the operator's, per account: the same key on another account is another adjustment.
  const externalId =
    input.idempotencyKey === undefined ? null : `account:${input.accountId}:${input.idempotencyKey}`;

  try {
    return await withTransaction(ctx, async (tx) => {
      const accounts = await tx.db.query<{ id: number; account_id: number | null }>(
        'SELECT id, account_id FROM ledger_accounts WHERE account_id = $1 OR code = $2',
        [input.accountId, PLATFORM_ACCOUNTS.funding],
      );
      const wallet = accounts.rows.find((a) => a.account_id === input.accountId);
      const funding = accounts.rows.find((a) => a.account_id === null);
      if (!wallet) throw new DomainError('NOT_FOUND', `no account ${input.accountId}`);
      if (!funding) throw new Error('ledger account platform:funding is missing');
      const [debit, credit] = input.direction === 'credit' ? [funding, wallet] : [wallet, funding];

      // The transfer first: a concurrent repeat of the same key waits here on the unique index.
      const inserted = await tx.db.query<{ id: number }>(
        `INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id, memo)
         VALUES ('posted', $1, $2, $3, $4, $5, $6)
         ON CONFLICT (code, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING id`,
        [debit.id, credit.id, input.amount, code, externalId, reason],
      );
      if (inserted.rowCount === 0) {
        const original = await tx.db.query<{ id: number; amount: number }>(
          'SELECT id, amount FROM transfers WHERE code = $1 AND external_id = $2',
          [code, externalId],
        );
        if (original.rows[0]!.amount !== input.amount) {
          throw new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            `this idempotency-key already made a ${input.direction} of another amount`,
          );
        }
        const balance = await tx.db.query<WalletBalance>(
          `SELECT ${BALANCE_COLUMNS} FROM ledger_accounts WHERE id = $1`,
          [wallet.id],
        );
        return {
          transferId: original.rows[0]!.id,
          replayed: true,
          before: balance.rows[0]!,
          after: balance.rows[0]!,
        };
      }

      const column = input.direction === 'credit' ? 'credits_posted' : 'debits_posted';
      const updated = await tx.db.query<WalletBalance>(
        `UPDATE ledger_accounts SET ${column} = ${column} + $2 WHERE id = $1 RETURNING ${BALANCE_COLUMNS}`,
        [wallet.id, input.amount],
      );
      const after = updated.rows[0]!;
      // The row was locked by that update, so nothing else moved it in between.
      const delta = input.direction === 'credit' ? input.amount : -input.amount;
      const before = {
        available: after.available - delta,
        posted: after.posted - delta,
        pending: after.pending,
      };
      const transferId = inserted.rows[0]!.id;
      await recordAudit({
        ctx: tx,
        input: {
          actor: input.actor,
          action: `account.${input.direction}`,
          target: { type: 'account', id: input.accountId },
          before: { balance: before },
          after: { balance: after, amount: input.amount, reason, transfer_id: transferId },
        },
      });
      return { transferId, replayed: false, before, after };
    });
  } catch (error) {
    if (pgConstraint(error) === 'wallet_not_overdrawn') {
      throw new DomainError('INSUFFICIENT_BALANCE', 'the balance is too low for this debit', {
        amount: input.amount,
      });
    }
    throw error;
  }
}
