/**
 * Retention: SMS texts, webhook delivery logs and stream history are removed after their periods
 * (NUMPOOL_RETENTION_*), in bounded batches. Orders and the ledger are kept: an order keeps its code,
 * status and money, only the message text goes. Sessions go 30 days after they ended (the account's
 * session list shows recent ones; the audit log keeps the history), e-mail links a day after expiry and
 * refused payment notifications after a month.
 */
import type { PlatformContext } from '../platform/context.ts';

const BATCH = 5_000;
const ENDED_SESSION_DAYS = 30;
const EXPIRED_LINK_DAYS = 1;
/** Refused payment notifications are kept a month: long enough to look into a burst. */
const REFUSED_NOTIFICATION_DAYS = 30;
/** At most this many batches of one kind per run. */
const MAX_BATCHES = 50;

export interface PurgeCounts {
  smsTexts: number;
  orderMessages: number;
  deliveries: number;
  events: number;
  sessions: number;
  emailLinks: number;
  refusedNotifications: number;
}

export async function purgeExpiredData({ ctx }: { ctx: PlatformContext }): Promise<PurgeCounts> {
  const now = ctx.clock.now();
  const { smsDays, deliveryDays, eventsDays } = ctx.config.retention;
  const run = async (sql: string, days: number) =>
    (await ctx.db.query(sql, [now, days, BATCH])).rowCount ?? 0;
  // Refused notifications come from outside at any rate: batches until the backlog is gone (bounded).
  const runAll = async (sql: string, days: number) => {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await run(sql, days);
      total += n;
      if (n < BATCH) break;
    }
    return total;
  };
  return {
    smsTexts: await run(
      `UPDATE sms_messages SET text = NULL WHERE id IN (
         SELECT id FROM sms_messages WHERE text IS NOT NULL AND created_at < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      smsDays,
    ),
    orderMessages: await run(
      `UPDATE orders SET otp_message = NULL WHERE id IN (
         SELECT id FROM orders WHERE otp_message IS NOT NULL AND otp_received_at < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      smsDays,
    ),
    deliveries: await run(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE created_at < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      deliveryDays,
    ),
    events: await run(
      `DELETE FROM order_events WHERE id IN (
         SELECT id FROM order_events WHERE created_at < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      eventsDays,
    ),
    sessions: await run(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions WHERE coalesce(revoked_at, expires_at) < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      ENDED_SESSION_DAYS,
    ),
    emailLinks: await run(
      `DELETE FROM email_tokens WHERE id IN (
         SELECT id FROM email_tokens WHERE expires_at < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      EXPIRED_LINK_DAYS,
    ),
    refusedNotifications: await runAll(
      `DELETE FROM rejected_payment_notifications WHERE id IN (
         SELECT id FROM rejected_payment_notifications WHERE received_at < $1::timestamptz - make_interval(days => $2) LIMIT $3)`,
      REFUSED_NOTIFICATION_DAYS,
    ),
  };
}
