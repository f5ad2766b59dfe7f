/**
 * What the gateway answered to the create call: its payment id and where the customer pays. Only a
 * top-up still `created` moves to `pending`; the same answer stored again is a no-op (a retried call).
 */
import { type DbContext, pgConstraint, withTransaction } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { CreatedPayment } from './gateway-port.ts';
import { TOPUP_COLUMNS, type TopupRecord } from './topup.ts';

export async function markTopupPending({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { topupId: number } & CreatedPayment;
}): Promise<TopupRecord> {
  if (!/^[\x21-\x7e]{1,200}$/.test(input.gatewayPaymentId)) {
    throw new DomainError('VALIDATION_ERROR', 'gateway payment id must be 1-200 printable characters');
  }
  try {
    return await withTransaction(ctx, async (tx) => {
      const updated = await tx.db.query<TopupRecord>(
        `WITH t AS (
           UPDATE topups SET status = 'pending', gateway_payment_id = $2, payment_url = $3, qr_string = $4,
             va_number = $5, expires_at = $6, updated_at = now()
           WHERE id = $1 AND (status = 'created' OR (status = 'pending' AND gateway_payment_id = $2))
           RETURNING *)
         SELECT ${TOPUP_COLUMNS} FROM t`,
        [
          input.topupId,
          input.gatewayPaymentId,
          input.paymentUrl,
          input.qrString,
          input.vaNumber,
          input.expiresAt,
        ],
      );
      if (updated.rows[0]) return updated.rows[0];
      const current = await tx.db.query<{ status: string }>('SELECT status FROM topups WHERE id = $1', [
        input.topupId,
      ]);
      if (!current.rows[0]) throw new DomainError('NOT_FOUND', `no top-up ${input.topupId}`);
      throw new DomainError('CONFLICT', `top-up ${input.topupId} is ${current.rows[0].status}`);
    });
  } catch (error) {
    if (pgConstraint(error) === 'topups_gateway_gateway_payment_id_key') {
      throw new DomainError('CONFLICT', 'that gateway payment id already belongs to another top-up');
    }
    throw error;
  }
}
