/**
 * One delivery attempt (the webhook job). 2xx is success and resets the account's failure count; anything
 * else (3xx included — redirects are not followed), a timeout or a refused address is a failure: the
 * count grows, the next attempt is scheduled per retry-schedule.ts, and at 10 consecutive failures the
 * account's webhook is disabled with a reason (any later PATCH re-enables it).
 *
 * At least once: the attempt is recorded after the POST, so a worker killed in between sends again.
 */
import { withTransaction } from '../../platform/db.ts';
import type { DeliveryContext } from '../delivery-context.ts';
import { postWebhook } from './post-webhook.ts';
import { nextRetryDelayMs } from './retry-schedule.ts';
import { signWebhook } from './signatures.ts';
import { WEBHOOK_QUEUE } from './webhook-queue.ts';

export const DISABLE_AFTER_FAILURES = 10;
export const DISABLED_REASON = 'consecutive_failed_user_endpoint';

interface DeliveryRow {
  id: number;
  account_id: number;
  url: string | null;
  body: string;
  status: string;
  attempts: number;
  secret: string | null;
  disabled: boolean;
  kind: 'smscode' | 'handler';
}

export async function deliverWebhook({
  ctx,
  input,
}: {
  ctx: DeliveryContext;
  input: { deliveryId: number };
}): Promise<'delivered' | 'failed' | 'skipped'> {
  const found = await ctx.db.query<DeliveryRow>(
    // Always to the account's current URL of that kind: a changed URL takes the pending retries with it.
    `SELECT d.id, d.account_id, CASE d.kind WHEN 'handler' THEN a.handler_webhook_url ELSE a.webhook_url END AS url,
            d.body, d.status, d.attempts, a.webhook_secret AS secret,
            a.webhook_disabled_at IS NOT NULL AND d.kind = 'smscode' AS disabled, d.kind
     FROM webhook_deliveries d JOIN accounts a ON a.id = d.account_id WHERE d.id = $1`,
    [input.deliveryId],
  );
  const delivery = found.rows[0];
  if (delivery?.status !== 'pending') return 'skipped';
  if (delivery.disabled || !delivery.url) {
    // Nowhere to send it now: recorded as failed, so the log shows it and a redelivery can send it later.
    await ctx.db.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL WHERE id = $1`,
      [delivery.id, delivery.url ? 'webhook disabled' : 'no webhook URL'],
    );
    return 'skipped';
  }

  const now = ctx.clock.now();
  // The handler protocol's webhook has no signature; only SMSCode deliveries are signed.
  const headers = signWebhook({
    body: delivery.body,
    secret: delivery.kind === 'smscode' ? delivery.secret : null,
    id: `msg_${delivery.id}`,
    at: now,
  });
  const result = await postWebhook({
    url: delivery.url,
    body: delivery.body,
    headers: { ...headers },
    allowPrivate: ctx.config.webhooks.allowPrivate,
  });
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

  return withTransaction(ctx, async (tx) => {
    const attempts = delivery.attempts + 1;
    if (ok) {
      await tx.db.query(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status_code = $3, last_error = NULL,
           delivered_at = $4, next_attempt_at = NULL WHERE id = $1`,
        [delivery.id, attempts, result.statusCode, now],
      );
      if (delivery.kind === 'smscode') {
        await tx.db.query('UPDATE accounts SET webhook_consecutive_failures = 0 WHERE id = $1', [
          delivery.account_id,
        ]);
      }
      return 'delivered';
    }
    // Only SMSCode deliveries count toward disabling the account's webhook.
    let disabledNow = false;
    if (delivery.kind === 'smscode') {
      const failures = await tx.db.query<{ n: number }>(
        `UPDATE accounts SET webhook_consecutive_failures = webhook_consecutive_failures + 1,
           webhook_disabled_at = CASE WHEN webhook_consecutive_failures + 1 >= $2 THEN $3::timestamptz ELSE webhook_disabled_at END,
           webhook_disabled_reason = CASE WHEN webhook_consecutive_failures + 1 >= $2 THEN $4 ELSE webhook_disabled_reason END
         WHERE id = $1 RETURNING webhook_consecutive_failures AS n`,
        [delivery.account_id, DISABLE_AFTER_FAILURES, now, DISABLED_REASON],
      );
      disabledNow = failures.rows[0]!.n >= DISABLE_AFTER_FAILURES;
    }
    // A disabled endpoint gets no more attempts; the delivery log offers a manual redelivery.
    const delay = disabledNow ? null : nextRetryDelayMs(attempts);
    const nextAt = delay === null ? null : new Date(now.getTime() + delay * ctx.config.webhooks.retryScale);
    await tx.db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
         next_attempt_at = $6 WHERE id = $1`,
      [delivery.id, nextAt ? 'pending' : 'failed', attempts, result.statusCode, result.error, nextAt],
    );
    if (nextAt) await ctx.queue.send(tx, WEBHOOK_QUEUE, { deliveryId: delivery.id }, { startAfter: nextAt });
    return 'failed';
  });
}
