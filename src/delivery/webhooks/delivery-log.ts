/** The delivery log per account (numpool's own extension), and manual redelivery. */

import type { DbContext } from '../../platform/db.ts';
import { withTransaction } from '../../platform/db.ts';
import { DomainError } from '../../platform/errors.ts';
import type { DeliveryContext } from '../delivery-context.ts';
import { WEBHOOK_QUEUE, type WebhookJob } from './webhook-queue.ts';
import { WEBHOOK_WAKEUP_CHANNEL, wakeupPayload } from './webhook-wakeup.ts';

export interface DeliveryRecord {
  id: number;
  event: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  body: string;
}

const COLUMNS = `id, event, url, status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError",
  next_attempt_at AS "nextAttemptAt", created_at AS "createdAt", delivered_at AS "deliveredAt", body`;

export async function listDeliveries({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    accountId: number;
    limit?: number | undefined;
    offset?: number | undefined;
    status?: string | undefined;
  };
}): Promise<DeliveryRecord[]> {
  if (input.status !== undefined && !['pending', 'delivered', 'failed'].includes(input.status)) {
    throw new DomainError('VALIDATION_ERROR', 'status must be pending, delivered or failed');
  }
  const limit = Math.min(100, Math.max(1, Math.trunc(input.limit ?? 20)));
  const result = await ctx.db.query<DeliveryRecord>(
    `SELECT ${COLUMNS} FROM webhook_deliveries WHERE account_id = $1 AND ($2::text IS NULL OR status = $2)
     ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [
      input.accountId,
      input.status ?? null,
      limit,
      Math.min(2_147_483_647, Math.max(0, Math.trunc(input.offset ?? 0))),
    ],
  );
  return result.rows;
}

/** Sends a delivery again now (same bytes, fresh signature), to the account's current URL. */
export async function redeliver({
  ctx,
  input,
}: {
  ctx: DeliveryContext;
  input: { accountId: number; deliveryId: number };
}): Promise<DeliveryRecord> {
  return withTransaction(ctx, async (tx) => {
    const updated = await tx.db.query<DeliveryRecord>(
      `UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = now(),
         url = CASE d.kind WHEN 'handler' THEN a.handler_webhook_url ELSE a.webhook_url END
       FROM accounts a
       WHERE d.id = $1 AND d.account_id = $2 AND a.id = d.account_id
         AND CASE d.kind WHEN 'handler' THEN a.handler_webhook_url ELSE a.webhook_url END IS NOT NULL
       RETURNING d.id, d.event, d.url, d.status, d.attempts, d.last_status_code AS "lastStatusCode",
         d.last_error AS "lastError", d.next_attempt_at AS "nextAttemptAt", d.created_at AS "createdAt",
         d.delivered_at AS "deliveredAt", d.body`,
      [input.deliveryId, input.accountId],
    );
    const delivery = updated.rows[0];
    if (!delivery)
      throw new DomainError('NOT_FOUND', `no delivery ${input.deliveryId} (or no webhook_url set)`);
    await tx.db.query(
      `UPDATE accounts SET webhook_disabled_at = NULL, webhook_disabled_reason = NULL, webhook_consecutive_failures = 0
       WHERE id = $1`,
      [input.accountId],
    );
    // Sent now by a woken dispatcher; the job, due at once too, is the safety net (the claim keeps the
    // two from both sending).
    const job = { deliveryId: delivery.id, attempts: delivery.attempts } satisfies WebhookJob;
    await tx.db.query('SELECT pg_notify($1, $2)', [WEBHOOK_WAKEUP_CHANNEL, wakeupPayload([job])]);
    await ctx.queue.send(tx, WEBHOOK_QUEUE, job);
    return delivery;
  });
}
