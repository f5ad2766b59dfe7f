/**
 * The outbox side of delivery: in the same transaction as an order change, one delivery row (the body
 * serialised once, so every attempt sends and signs the same bytes), a NOTIFY that wakes the workers'
 * dispatchers at commit, and a job a few seconds later as the safety net — if the account has an enabled
 * webhook. Nothing is sent from here.
 */
import type { DeliveryContext } from '../delivery-context.ts';
import { SAFETY_NET_DELAY_SECONDS, WEBHOOK_QUEUE, type WebhookJob } from './webhook-queue.ts';
import { WEBHOOK_WAKEUP_CHANNEL } from './webhook-wakeup.ts';

/** What a novel SMS tells, whatever the format that carries it. */
export interface SmsFacts {
  orderId: number;
  /** The platform's handler-protocol service code. */
  serviceCode: string;
  text: string;
  code: string | null;
  countryId: number;
  receivedAt: Date;
}

/**
 * Formats other than the SMSCode event, each owned by the surface whose protocol it is and handed in
 * when the process starts (so this domain depends on no surface).
 */
export interface WebhookFormats {
  /** The handler protocol's SMS webhook body. */
  handlerSms(facts: SmsFacts): object;
}

export interface WebhookEventBody {
  event: string;
  timestamp: string;
  data: object;
}

export async function enqueueWebhook({
  ctx,
  input,
}: {
  ctx: DeliveryContext;
  input: {
    accountId: number;
    orderEventId: number | null;
    body: WebhookEventBody;
    /** A novel SMS: also sent in the handler format to accounts that asked for it. */
    sms?: SmsFacts | undefined;
  };
}): Promise<number | null> {
  // Both formats' rows and their wake-ups in one statement: one round trip inside the order's transaction
  // instead of two inserts (the job insert that used to notify is now delayed and does not).
  const handlerBody = input.sms ? JSON.stringify(ctx.webhookFormats.handlerSms(input.sms)) : null;
  const inserted = await ctx.db.query<{ id: number; kind: 'smscode' | 'handler' }>({
    name: 'delivery.enqueue-webhook',
    text: `WITH ins AS (
             INSERT INTO webhook_deliveries (account_id, order_event_id, event, url, body, next_attempt_at, kind)
             SELECT a.id, $2, $3, k.url, k.body, now(), k.kind
             FROM accounts a CROSS JOIN LATERAL (VALUES
               (1, 'smscode', a.webhook_url, $4::text, a.webhook_disabled_at IS NULL),
               (2, 'handler', a.handler_webhook_url, $5::text, $5::text IS NOT NULL)) AS k(n, kind, url, body, wanted)
             WHERE a.id = $1 AND k.url IS NOT NULL AND k.wanted
             ORDER BY k.n
             RETURNING id, kind)
           SELECT id, kind, pg_notify($6, id || ':0') FROM ins`,
    values: [
      input.accountId,
      input.orderEventId,
      input.body.event,
      JSON.stringify(input.body),
      handlerBody,
      WEBHOOK_WAKEUP_CHANNEL,
    ],
  });
  for (const row of inserted.rows) {
    const job: WebhookJob = { deliveryId: row.id, attempts: 0 };
    await ctx.queue.send(ctx, WEBHOOK_QUEUE, job, { startAfter: SAFETY_NET_DELAY_SECONDS });
  }
  const id = inserted.rows.find((row) => row.kind === 'smscode')?.id;
  return id ?? null;
}
