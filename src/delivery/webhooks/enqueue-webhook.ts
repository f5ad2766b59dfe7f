/**
 * The outbox side of delivery: in the same transaction as an order change, one delivery row (the body
 * serialised once, so every attempt sends and signs the same bytes) and one queued job — if the account
 * has an enabled webhook. Nothing is sent from here.
 */
import type { DeliveryContext } from '../delivery-context.ts';
import { WEBHOOK_QUEUE } from './webhook-queue.ts';

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
  const delivery = await ctx.db.query<{ id: number }>(
    `INSERT INTO webhook_deliveries (account_id, order_event_id, event, url, body, next_attempt_at)
     SELECT a.id, $2, $3, a.webhook_url, $4, now() FROM accounts a
     WHERE a.id = $1 AND a.webhook_url IS NOT NULL AND a.webhook_disabled_at IS NULL
     RETURNING id`,
    [input.accountId, input.orderEventId, input.body.event, JSON.stringify(input.body)],
  );
  const id = delivery.rows[0]?.id;
  if (id !== undefined) await ctx.queue.send(ctx, WEBHOOK_QUEUE, { deliveryId: id });
  if (input.sms) {
    // The handler protocol's activation webhook, for accounts that asked for it.
    const handler = await ctx.db.query<{ id: number }>(
      `INSERT INTO webhook_deliveries (account_id, order_event_id, event, url, body, next_attempt_at, kind)
       SELECT a.id, $2, $3, a.handler_webhook_url, $4, now(), 'handler' FROM accounts a
       WHERE a.id = $1 AND a.handler_webhook_url IS NOT NULL
       RETURNING id`,
      [
        input.accountId,
        input.orderEventId,
        input.body.event,
        JSON.stringify(ctx.webhookFormats.handlerSms(input.sms)),
      ],
    );
    const handlerId = handler.rows[0]?.id;
    if (handlerId !== undefined) await ctx.queue.send(ctx, WEBHOOK_QUEUE, { deliveryId: handlerId });
  }
  return id ?? null;
}
