/**
 * One delivery attempt (the webhook job). 2xx is success and resets the account's failure count; anything
 * else (3xx included — redirects are not followed), a timeout or a refused address is a failure: the
 * count grows, the next attempt is scheduled per retry-schedule.ts, and at 10 consecutive failures the
 * account's webhook is disabled with a reason (any later PATCH re-enables it).
 *
 * Whoever sends — the dispatcher woken at commit or a queued job — first claims the row (claimed_until),
 * so the two never send the same attempt at once; the claim is released when the outcome is recorded.
 * At least once: the attempt is recorded after the POST, so a worker killed in between leaves the claim
 * to expire, and the job (retried by pg-boss, or rescheduled while the claim lives) sends again.
 */
import { withTransaction } from '../../platform/db.ts';
import type { DeliveryContext } from '../delivery-context.ts';
import { postWebhook } from './post-webhook.ts';
import { nextRetryDelayMs } from './retry-schedule.ts';
import { signWebhook } from './signatures.ts';
import { openWebhookSecret } from './webhook-config.ts';
import { CLAIM_SECONDS, WEBHOOK_QUEUE, type WebhookJob } from './webhook-queue.ts';

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

/** Why nothing was sent: not pending (or another attempt already made), or a live claim holds it. */
export type DeliverOutcome = 'delivered' | 'failed' | 'skipped' | { claimedUntil: Date };

export async function deliverWebhook({
  ctx,
  input,
}: {
  ctx: DeliveryContext;
  /** attempts: only if the row still has this many (see WebhookJob); any when absent. */
  input: WebhookJob;
}): Promise<DeliverOutcome> {
  // Claim and read in one statement (UPDATE … FROM reads the account without locking its row).
  const claimed = await ctx.db.query<DeliveryRow>({
    name: 'delivery.claim',
    // Always to the account's current URL of that kind: a changed URL takes the pending retries with it.
    text: `UPDATE webhook_deliveries d SET claimed_until = now() + make_interval(secs => $3)
           FROM accounts a
           WHERE d.id = $1 AND a.id = d.account_id AND d.status = 'pending'
             AND (d.claimed_until IS NULL OR d.claimed_until < now())
             AND ($2::int IS NULL OR d.attempts = $2)
           RETURNING d.id, d.account_id, CASE d.kind WHEN 'handler' THEN a.handler_webhook_url ELSE a.webhook_url END AS url,
             d.body, d.status, d.attempts, a.webhook_secret_sealed AS secret,
             a.webhook_disabled_at IS NOT NULL AND d.kind = 'smscode' AS disabled, d.kind`,
    values: [input.deliveryId, input.attempts ?? null, CLAIM_SECONDS],
  });
  const delivery = claimed.rows[0];
  if (!delivery) {
    // Not ours to send now. Only a live claim on the very attempt asked for is worth coming back to.
    const held = await ctx.db.query<{ until: Date }>(
      `SELECT claimed_until AS until FROM webhook_deliveries
       WHERE id = $1 AND status = 'pending' AND claimed_until >= now() AND ($2::int IS NULL OR attempts = $2)`,
      [input.deliveryId, input.attempts ?? null],
    );
    const until = held.rows[0]?.until;
    return until ? { claimedUntil: until } : 'skipped';
  }
  if (delivery.disabled || !delivery.url) {
    // Nowhere to send it now: recorded as failed, so the log shows it and a redelivery can send it later.
    await ctx.db.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL, claimed_until = NULL
       WHERE id = $1`,
      [delivery.id, delivery.url ? 'webhook disabled' : 'no webhook URL'],
    );
    return 'skipped';
  }

  const now = ctx.clock.now();
  // The handler protocol's webhook has no signature; only SMSCode deliveries are signed.
  const headers = signWebhook({
    body: delivery.body,
    secret: delivery.kind === 'smscode' ? openWebhookSecret(ctx, delivery.secret) : null,
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

  const attempts = delivery.attempts + 1;
  if (ok) {
    // One statement instead of a four-round-trip transaction; and the account row is written only when
    // there is a count to reset (it used to be written, and locked, on every delivered code).
    await ctx.db.query({
      name: 'delivery.record-success',
      text: `WITH d AS (
               UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status_code = $3,
                 last_error = NULL, delivered_at = $4, next_attempt_at = NULL, claimed_until = NULL
               WHERE id = $1 RETURNING account_id)
             UPDATE accounts a SET webhook_consecutive_failures = 0 FROM d
             WHERE a.id = d.account_id AND $5 AND a.webhook_consecutive_failures <> 0`,
      values: [delivery.id, attempts, result.statusCode, now, delivery.kind === 'smscode'],
    });
    return 'delivered';
  }
  return withTransaction(ctx, async (tx): Promise<DeliverOutcome> => {
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
         next_attempt_at = $6, claimed_until = NULL WHERE id = $1`,
      [delivery.id, nextAt ? 'pending' : 'failed', attempts, result.statusCode, result.error, nextAt],
    );
    if (nextAt) {
      const job: WebhookJob = { deliveryId: delivery.id, attempts };
      await ctx.queue.send(tx, WEBHOOK_QUEUE, job, { startAfter: nextAt });
    }
    return 'failed';
  });
}
